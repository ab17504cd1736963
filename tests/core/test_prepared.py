"""core.prepared: a queryset compiled once gives, for each value, what the queryset built with
that value gives, in one query; a queryset whose SQL does not take its values as they are is refused."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from ekonseling.accounts.models import User
from ekonseling.core.prepared import Prepared
from ekonseling.students.models import Student
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_value_gets_its_own_row_with_related_rows_annotations_and_deferred_fields(world, other_world):
    counsels = Student.counselors.through.objects.filter(user=OuterRef("pk"))
    by_pk = Prepared(
        lambda pk: (
            User.objects.select_related("school").defer("full_name").annotate(counsels=Exists(counsels)).filter(pk=pk)
        ),
        int,
    )
    for user in [world.gurubk, other_world.siswa, world.siswa]:
        with CaptureQueriesContext(connection) as queries:
            loaded = by_pk.get(user.pk)
            assert (loaded.pk, loaded.username, loaded.school.name) == (user.pk, user.username, user.school.name)
            assert loaded.counsels is False
            assert loaded.get_deferred_fields() == {"full_name"}
        assert len(queries) == 1
    assert by_pk.get(-1) is None
    assert by_pk.all(world.operator.pk) == [world.operator]


def test_the_fields_converters_run(world):
    """An encrypted field comes back decrypted, as from the queryset itself."""
    by_pk = Prepared(lambda pk: Student.objects.filter(pk=pk), int)
    assert by_pk.get(world.student.pk).health_notes == "Asma ringan."


def test_rows_are_read_alike_on_every_thread_and_call(transactional_db):
    """How rows become instances is worked out once per thread's connection (core.prepared._RowPlan):
    each call, on each thread, still gives fresh instances with their own related rows, annotations
    and decrypted fields, whoever asked before."""
    first, second = factories.SchoolWorld("SMA Satu"), factories.SchoolWorld("SMA Dua")
    first.student.counselors.add(first.gurubk)  # served individually; the second school's student is not
    counsels = Student.counselors.through.objects.filter(student=OuterRef("pk"))
    by_pk = Prepared(
        lambda pk: Student.objects.select_related("user__school").annotate(served=Exists(counsels)).filter(pk=pk), int
    )

    def read(world):
        student = by_pk.get(world.student.pk)
        return student.health_notes, student.user.school.name, student.served, student is by_pk.get(world.student.pk)

    expected = {
        "SMA Satu": ("Asma ringan.", "SMA Satu", True, False),
        "SMA Dua": ("Asma ringan.", "SMA Dua", False, False),
    }
    assert read(first) == expected["SMA Satu"]
    results = {}

    def elsewhere():
        try:
            results["thread"] = [read(second), read(first)]
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert results["thread"] == [expected["SMA Dua"], expected["SMA Satu"]]
    assert read(second) == expected["SMA Dua"]


def test_string_values(world):
    store = SessionStore()
    store["x"] = 1
    store.save()
    by_key = Prepared(lambda key: Session.objects.filter(session_key=key), str)
    assert by_key.get(store.session_key).get_decoded() == {"x": 1}
    assert by_key.get("no such key") is None


def test_values_of_another_type_are_refused(world):
    by_pk = Prepared(lambda pk: User.objects.filter(pk=pk), int)
    with pytest.raises(TypeError):
        by_pk.get(str(world.siswa.pk))
    with pytest.raises(TypeError):
        by_pk.get(world.siswa.pk, 1)
    with pytest.raises(TypeError):
        Prepared(lambda when: User.objects.filter(date_joined__gt=when), object)


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        # The value is transformed (%...%): it is not among the parameters as given.
        pytest.param(lambda name: User.objects.filter(username__contains=name), str, id="transformed"),
        pytest.param(
            lambda pk: User.objects.filter(pk=pk) if pk % 2 else User.objects.filter(pk=pk, is_active=True),
            int,
            id="shape-depends-on-the-value",
        ),
        pytest.param(lambda pk: User.objects.filter(pk=pk).values("pk"), int, id="not-model-instances"),
    ],
)
def test_a_queryset_that_does_not_take_its_values_as_given_is_refused(world, build, kind):
    with pytest.raises(ValueError, match="Prepared"):
        Prepared(build, kind).get(kind(1))


def test_a_list_goes_as_one_parameter_or_is_refused(world):
    """A list value is prepared only where the queryset passes it whole (an array on PostgreSQL):
    `pk__in` spreads it over one parameter per item, a shape that depends on its length."""
    with pytest.raises(ValueError, match="Prepared"):
        Prepared(lambda pks: User.objects.filter(pk__in=pks), list).all([world.siswa.pk])
    with pytest.raises(TypeError):
        Prepared(lambda pks: User.objects.filter(pk__in=pks), list).all((world.siswa.pk,))
    if connection.vendor != "postgresql":
        return
    any_pk = '"accounts_user"."id" = ANY(%s::bigint[])'
    by_pks = Prepared(
        lambda pks: User.objects.filter(RawSQL(any_pk, [pks], output_field=BooleanField())).order_by("pk"), list
    )
    assert by_pks.all([world.gurubk.pk, world.siswa.pk, -1]) == sorted([world.gurubk, world.siswa], key=lambda u: u.pk)
    assert by_pks.all([]) == []


def test_on_postgresql_the_statement_is_prepared_once_per_connection_and_other_queries_are_not(world):
    """core.prepared._statement_cursor: the lookup is prepared on the server at its first run and
    reused after, parsed and planned no more; Django's own queries on the same connection stay as
    they were (sent as text, never prepared)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL prepares statements; SQLite runs the lookup as Django would")
    by_pk = Prepared(lambda pk: User.objects.select_related("school").filter(pk=pk), int)

    def statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
            return cursor.fetchall()

    before = statements()
    for user in [world.siswa, world.gurubk, world.siswa]:
        with CaptureQueriesContext(connection) as queries:
            assert by_pk.get(user.pk).school.name == user.school.name
        assert len(queries) == 1  # counted and logged as Django's own, values and all
        assert queries[0]["sql"].endswith(f'WHERE "accounts_user"."id" = {user.pk}')
    assert User.objects.filter(pk=world.siswa.pk).exists()
    added = [row for row in statements() if row not in before]
    assert len(added) == 1
    statement, runs = added[0]
    assert statement.startswith('SELECT "accounts_user"."id"') and runs == 3
    assert by_pk.get(-1) is None


def test_a_connection_opened_for_one_call_runs_the_lookup_unprepared(world, monkeypatch):
    """Without a pool or CONN_MAX_AGE the connection closes after the call: preparing would be a
    round trip more for nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "pool", raising=False)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    by_pk = Prepared(lambda pk: User.objects.filter(pk=pk, is_active=True), int)

    def statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = statements()
    assert by_pk.get(world.siswa.pk) == world.siswa
    assert statements() == before
