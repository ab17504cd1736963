"""Admitting a counseling socket in one database call (counseling.admission): the same verdicts as
before, in a fixed number of queries, and a subscribe in one call too."""

import asyncio
import datetime
import threading
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, connections
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import policy
from ekonseling.counseling import admission, consumers, protocol, services
from ekonseling.counseling.models import Conversation

pytestmark = pytest.mark.django_db

ADMISSION_QUERIES = 2  # the session, then the user with their school and second-factor state
OPEN_QUERIES = 1  # the conversation through the policy with the other side's receipt (up to date: no messages)


def session_of(user, **extra):
    client = Client()
    client.force_login(user)
    session = client.session
    for key, value in extra.items():
        session[key] = value
    session.save()
    return SessionStore(session.session_key)  # a fresh store, loaded lazily as the socket's is


def admitted(session):
    with CaptureQueriesContext(connection) as queries:
        user, verdict = admission.admit(session)
    return user, verdict, len(queries)


@pytest.mark.parametrize("role", ["siswa", "gurubk", "koordinator"])
def test_students_and_counselors_are_admitted_in_two_queries(world, role):
    user, verdict, queries = admitted(session_of(getattr(world, role)))

    assert (user.pk, verdict, queries) == (getattr(world, role).pk, None, ADMISSION_QUERIES)
    assert user.school.name  # loaded with the user


@pytest.mark.parametrize("role", ["walikelas", "kepsek", "operator"])
def test_roles_without_counseling_get_4403(world, role):
    _user, verdict, queries = admitted(session_of(getattr(world, role)))
    assert (verdict, queries) == (protocol.CLOSE_FORBIDDEN, ADMISSION_QUERIES)


def test_an_empty_session_gets_4401_after_one_query():
    user, verdict, queries = admitted(SessionStore("nosuchsessionkeyatall000000000000"))
    assert (user.is_authenticated, verdict, queries) == (False, protocol.CLOSE_UNAUTHENTICATED, 1)


def test_an_inactive_account_gets_4401(world):
    session = session_of(world.siswa)
    world.siswa.is_active = False
    world.siswa.save(update_fields=["is_active"])
    user, verdict, _queries = admitted(session)
    assert (user.is_authenticated, verdict) == (False, protocol.CLOSE_UNAUTHENTICATED)


def test_a_session_from_before_a_password_change_gets_4401_and_is_ended(world):
    session = session_of(world.siswa)
    world.siswa.set_password("another password 123")
    world.siswa.save(update_fields=["password"])

    user, verdict, _queries = admitted(session)

    assert (user.is_authenticated, verdict) == (False, protocol.CLOSE_UNAUTHENTICATED)
    assert not SessionStore().exists(session.session_key)


def test_a_password_that_must_be_changed_first_gets_4403(world):
    world.siswa.must_change_password = True
    world.siswa.save(update_fields=["must_change_password"])
    assert admitted(session_of(world.siswa))[1] == protocol.CLOSE_FORBIDDEN


def test_the_second_factor_decides_in_the_same_two_queries(world):
    device = TOTPDevice.objects.create(user=world.gurubk, name="HP", confirmed=True)
    TOTPDevice.objects.create(user=world.gurubk_other, name="HP", confirmed=False)  # unconfirmed: none

    owed = admitted(session_of(world.gurubk))
    verified = admitted(session_of(world.gurubk, **{DEVICE_ID_SESSION_KEY: device.persistent_id}))
    unconfirmed = admitted(session_of(world.gurubk_other))

    assert owed[1:] == (protocol.CLOSE_UNAUTHENTICATED, ADMISSION_QUERIES)
    assert verified[1:] == (None, ADMISSION_QUERIES)
    assert unconfirmed[1:] == (None, ADMISSION_QUERIES)


def test_a_school_requiring_two_factor_refuses_counselors_without_a_device_with_4403(world):
    world.school.require_staff_2fa = True
    world.school.save(update_fields=["require_staff_2fa"])

    assert admitted(session_of(world.gurubk))[1] == protocol.CLOSE_FORBIDDEN
    assert admitted(session_of(world.siswa))[1] is None  # students are not staff


def test_a_subscribe_reads_everything_in_one_call_with_a_fixed_number_of_queries(world):
    conversation = services.start_conversation(world.student)

    with CaptureQueriesContext(connection) as queries:
        messages, receipt, read = consumers._open(world.siswa, conversation.pk, 0, None)

    assert (messages["type"], messages["conversation"], messages["complete"]) == ("messages", conversation.pk, True)
    assert receipt["type"] == "receipt"
    assert read is None
    assert len(queries) == OPEN_QUERIES


@pytest.mark.parametrize("role", ["siswa", "gurubk"])
def test_a_subscribe_with_messages_to_send_adds_one_query_and_the_receipt_matches_the_http_one(world, role):
    conversation = services.claim(services.start_conversation(world.student), world.gurubk)
    senders = [world.siswa, world.siswa, world.siswa, world.gurubk]
    posted = services.post_messages([services.Draft(conversation.pk, u, uuid.uuid4(), "pesan") for u in senders])
    assert [p.error for p in posted] == [None] * 4
    services.mark_seen(conversation, world.gurubk, delivered=3, read=2)
    services.mark_seen(conversation, world.siswa, delivered=4, read=4)
    user = getattr(world, role)

    with CaptureQueriesContext(connection) as queries:
        messages, receipt, _read = consumers._open(user, conversation.pk, 1, None)

    assert [m["seq"] for m in messages["messages"]] == [2, 3, 4]
    assert len(queries) == OPEN_QUERIES + 1
    assert receipt == protocol.other_side_receipt(conversation, user)
    assert (receipt["delivered_seq"], receipt["read_seq"]) == ((4, 4) if role == "gurubk" else (3, 2))


@pytest.mark.parametrize("of_student", [True, False])
def test_the_subscribes_receipt_reads_the_conversations_participants_not_every_user(of_student):
    """The other side's marks are read from the conversation's participants, each one's role by its
    pk: a join with the users let PostgreSQL, before its statistics were gathered (a new school, a
    bulk import, the benchmarks' fresh database), scan every user for every subscribe (1 ms each)."""
    sql = consumers._conversation_by_pk(of_student)._compile().sql
    assert 'JOIN "accounts_user"' not in sql
    assert sql.count('"counseling_participant"') == 2  # one per mark, each by conversation


def test_a_subscribe_takes_the_highest_marks_of_every_counselor_of_the_conversation(world):
    conversation = services.claim(services.start_conversation(world.student), world.gurubk)
    posted = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "p") for _ in range(4)])
    assert [p.error for p in posted] == [None] * 4
    services.mark_seen(conversation, world.gurubk, delivered=2, read=1)
    services.mark_seen(conversation, world.koordinator, delivered=4, read=0)
    services.mark_seen(conversation, world.siswa, delivered=4, read=4)

    _messages, receipt, _read = consumers._open(world.siswa, conversation.pk, 4, None)
    assert receipt == protocol.other_side_receipt(conversation, world.siswa)
    assert (receipt["role"], receipt["delivered_seq"], receipt["read_seq"]) == ("counselor", 4, 1)
    _messages, receipt, _read = consumers._open(world.gurubk, conversation.pk, 4, None)
    assert (receipt["role"], receipt["delivered_seq"], receipt["read_seq"]) == ("student", 4, 4)


def test_a_counselors_subscribe_builds_its_audit_event_without_writing_it(world):
    conversation = services.claim(services.start_conversation(world.student), world.gurubk)

    origin = {"ip": "10.0.0.9", "user_agent": "t"}

    with CaptureQueriesContext(connection) as queries:
        _messages, _receipt, read = consumers._open(world.gurubk, conversation.pk, 0, origin)

    assert len(queries) == OPEN_QUERIES  # the batch writer writes it (test_consumer: before the answer)
    assert read.event.pk is None
    assert (read.event.actor_id, read.event.object_id, read.event.ip_address) == (
        world.gurubk.pk,
        str(conversation.pk),
        "10.0.0.9",
    )


def test_a_subscribe_to_a_conversation_the_user_may_not_read_is_refused(world):
    conversation = services.start_conversation(world.other_student)
    assert consumers._open(world.gurubk, conversation.pk, 0, {"ip": None, "user_agent": ""}) is None
    assert consumers._sync(world.siswa, conversation.pk, 0) is None


# The lookups a connect runs are compiled once per process (admission._user_with_devices,
# admission._session_store, consumers._conversation_by_pk): nothing about a user may stick to them.


def test_a_second_factor_confirmed_or_an_account_disabled_after_an_admission_counts_at_the_next(world):
    session = session_of(world.gurubk)
    assert admitted(session)[1:] == (None, ADMISSION_QUERIES)

    TOTPDevice.objects.create(user=world.gurubk, name="HP", confirmed=True)
    assert admitted(session_of(world.gurubk))[1:] == (protocol.CLOSE_UNAUTHENTICATED, ADMISSION_QUERIES)

    world.gurubk.is_active = False
    world.gurubk.save(update_fields=["is_active"])
    user, verdict, _queries = admitted(session_of(world.gurubk, **{DEVICE_ID_SESSION_KEY: "x"}))
    assert (user.is_authenticated, verdict) == (False, protocol.CLOSE_UNAUTHENTICATED)


def test_admissions_of_different_users_in_turn_load_each_their_own(world):
    for user in [world.siswa, world.gurubk, world.siswa, world.koordinator]:
        assert admitted(session_of(user))[0].pk == user.pk


def test_a_caseload_change_cuts_the_next_subscribe_and_each_side_reads_its_own_receipt(world):
    conversation = services.start_conversation(world.student)  # unclaimed: open to the caseload
    services.mark_seen(conversation, world.siswa, delivered=0, read=0)
    for user in [world.siswa, world.gurubk, world.siswa, world.gurubk]:
        _messages, receipt, _read = consumers._open(user, conversation.pk, 0, None)
        assert receipt == protocol.other_side_receipt(conversation, user)

    world.rombel_a.counselors.remove(world.gurubk)

    assert consumers._open(world.gurubk, conversation.pk, 0, None) is None
    assert consumers._open(world.siswa, conversation.pk, 0, None) is not None


@pytest.mark.django_db(transaction=True)
def test_the_socket_stack_hands_on_the_servers_own_send_and_the_user_itself(world):
    """Per frame, nothing stands between the consumer and the server: Channels' session middleware
    wrapped `send` and asked the session (through a lazy proxy) whether to save it before every
    frame, which a socket never does; and the consumer reads the user, not a lazy proxy of it."""
    from asgiref.sync import async_to_sync

    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope=scope, send=send)

    async def server_send(message):
        raise AssertionError("not called here")

    session = session_of(world.gurubk)
    scope = {
        "type": "websocket",
        "path": "/ws/konseling/",
        "headers": [(b"cookie", f"sessionid={session.session_key}".encode())],
    }
    async_to_sync(admission.AdmissionMiddlewareStack(inner))(scope, None, server_send)

    assert seen["send"] is server_send
    assert type(seen["scope"]["user"]) is type(world.gurubk) and seen["scope"]["user"].pk == world.gurubk.pk
    assert seen["scope"]["session"].session_key == session.session_key
    assert seen["scope"][admission.SCOPE_KEY] is None


def test_the_sockets_session_store_reads_the_sites_sessions_and_refuses_ended_ones(world):
    """The socket's store (a lookup compiled once) decodes what the site's store wrote, checks the
    expiry as the site's does, and ends a session as the site's does."""
    socket_store = admission._session_store()
    session = session_of(world.siswa)
    assert admitted(socket_store(session.session_key))[:2] == (world.siswa, None)

    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now())
    user, verdict, queries = admitted(socket_store(session.session_key))
    assert (user.is_authenticated, verdict, queries) == (False, protocol.CLOSE_UNAUTHENTICATED, 1)

    session = session_of(world.gurubk)
    world.gurubk.set_password("another password 123")
    world.gurubk.save(update_fields=["password"])
    assert admitted(socket_store(session.session_key))[1] == protocol.CLOSE_UNAUTHENTICATED
    assert not SessionStore().exists(session.session_key)
    assert admitted(socket_store(None))[1] == protocol.CLOSE_UNAUTHENTICATED


def test_a_subscribe_lets_through_exactly_the_conversations_the_policys_scope_lets_through(world, other_world):
    """The socket asks the policy's rule about the one row (`policy.can`); the HTTP lists ask its
    scope (`policy.visible`): for every user and every kind of conversation they agree."""
    unclaimed = services.start_conversation(world.student)
    mine = services.start_conversation(world.classmate)
    Conversation.objects.filter(pk=mine.pk).update(counselor=world.gurubk)
    others = services.start_conversation(world.other_student)
    Conversation.objects.filter(pk=others.pk).update(counselor=world.gurubk_other)
    urgent = Conversation.objects.create(
        school=world.school, student=world.other_student, counselor=world.gurubk_other, urgent=True
    )
    outside_caseload = Conversation.objects.create(school=world.school, student=world.other_student)
    other_school = services.start_conversation(other_world.student)
    # The student's account was handed over: what it wrote before is withheld (docs/anonymity.md).
    withheld = Conversation.objects.create(school=world.school, student=world.student)
    Conversation.objects.filter(pk=withheld.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    world.siswa.counseling_visible_from = timezone.now() - datetime.timedelta(days=1)
    world.siswa.save(update_fields=["counseling_visible_from"])
    conversations = [unclaimed, mine, others, urgent, outside_caseload, other_school, withheld]

    users = [*world.by_role().values(), world.gurubk_other, other_world.gurubk, other_world.siswa]
    for user in users:
        scope = set(policy.visible(user, "conversation.view", Conversation.objects.all()).values_list("pk", flat=True))
        sockets = {c.pk for c in conversations if consumers._open(user, c.pk, 0, None) is not None}
        assert sockets == scope & {c.pk for c in conversations}, user.role
    assert {c.pk for c in conversations if consumers._open(world.gurubk, c.pk, 0, None)} == {
        unclaimed.pk,
        mine.pk,
        withheld.pk,  # withheld from the student's account only
    }
    assert {c.pk for c in conversations if consumers._open(world.siswa, c.pk, 0, None)} == {unclaimed.pk}


# --- the sockets' database pool ------------------------------------------------------------------------


def _burst(*calls):
    """Run `calls` on a one-thread pool, all queued before the first one may finish: the first
    waits for a go that is given once every call is in the queue."""
    go = threading.Event()

    def first():
        go.wait(10)
        return calls[0]()

    async def main():
        tasks = [asyncio.ensure_future(admission.run(first))]
        tasks += [asyncio.ensure_future(admission.run(call)) for call in calls[1:]]
        await asyncio.sleep(0)  # every task has queued its call
        go.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(main())


@pytest.fixture
def one_thread(settings):
    settings.SOCKET_DB_THREADS = 1
    admission.reset()
    opened = []

    def note(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(note)
    yield opened
    connection_created.disconnect(note)
    admission.reset()


def _select_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connections["default"]


def _no_such_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")


def test_a_burst_of_calls_shares_one_connection_and_gives_it_back_at_its_end(one_thread):
    results = _burst(*[_select_one] * 6)
    assert len(one_thread) == 1  # opened for the first call, kept while the others waited
    wrapper = results[-1]
    assert all(result is wrapper for result in results)
    assert wrapper.connection is None  # the queue was empty after the last one: given back


def test_a_call_that_met_a_database_error_leaves_the_next_one_a_fresh_connection(one_thread):
    results = _burst(_select_one, _no_such_table, _select_one)
    assert isinstance(results[1], DatabaseError)
    assert len(one_thread) == 2
    assert results[2].connection is None


# --- batches: the calls of one function waiting together on a pool thread (a connect storm) --------------


def test_calls_of_a_batched_function_waiting_together_run_as_one_batch_and_others_keep_their_turn(one_thread):
    """A pool thread takes the calls of a function with `batched` that wait behind the first
    (admission._Pool._gather) and runs them in one `batched` call; each caller gets its own result
    or error; a call of another function taken meanwhile still runs, after."""
    batches, order = [], []

    def double(n):
        order.append(("double", n))
        return 2 * n

    def double_many(calls):
        batches.append([n for (n,) in calls])
        order.append(("batch", len(calls)))
        return [(None, ValueError(n)) if n == 3 else (2 * n, None) for (n,) in calls]

    double.batched = double_many

    def other():
        order.append(("other",))
        return "other"

    go = threading.Event()

    async def main():
        first = asyncio.ensure_future(admission.run(lambda: go.wait(10) and "first"))
        await asyncio.sleep(0)
        tasks = [asyncio.ensure_future(admission.run(double, n)) for n in (1, 2)]
        tasks.append(asyncio.ensure_future(admission.run(other)))
        tasks += [asyncio.ensure_future(admission.run(double, n)) for n in (3, 4)]
        await asyncio.sleep(0)  # every call is queued
        go.set()
        return await asyncio.gather(first, *tasks, return_exceptions=True)

    first, one, two, other_result, three, four = asyncio.run(main())
    assert (first, one, two, other_result, four) == ("first", 2, 4, "other", 8)
    assert isinstance(three, ValueError)
    assert batches == [[1, 2, 3, 4]]
    assert order == [("batch", 4), ("other",)]


def test_a_lone_call_of_a_batched_function_runs_as_it_is(one_thread):
    def double(n):
        return 2 * n

    double.batched = lambda calls: pytest.fail("a batch of one")
    assert asyncio.run(admission.run(double, 21)) == 42


def test_a_batch_of_admissions_decides_each_as_alone_with_the_sessions_and_users_read_together(world):
    """admission._admit_scopes: every verdict as `admit` gives it alone, every user its own
    instance; on PostgreSQL the sessions in one query and the users in one more (a second
    session of a user already in the batch loads that user on its own)."""
    keys = {
        "siswa": session_of(world.siswa).session_key,
        "gurubk": session_of(world.gurubk).session_key,
        "koordinator": session_of(world.koordinator).session_key,
        "walikelas": session_of(world.walikelas).session_key,
        "siswa again": session_of(world.siswa).session_key,
        "unknown": "no-such-session-key-here",
        "empty": None,
    }
    socket_session = admission._session_store()  # the store the socket's scope holds
    alone = {name: admission.admit(socket_session(key)) for name, key in keys.items()}
    sessions = {name: socket_session(key) for name, key in keys.items()}
    with CaptureQueriesContext(connection) as queries:
        outcomes = admission._admit_scopes([({"session": session},) for session in sessions.values()])

    assert all(error is None for _result, error in outcomes)
    batch = dict(zip(sessions, (result for result, _error in outcomes), strict=True))
    for name, (user, verdict) in batch.items():
        assert (user.pk, verdict) == (alone[name][0].pk, alone[name][1]), name
    assert batch["siswa"][0] is not batch["siswa again"][0]
    assert batch["gurubk"][0].school.name == world.school.name
    if connection.vendor == "postgresql":
        assert len(queries) == 3  # the sessions, the users, the second siswa
    else:
        assert len(queries) == 2 * 5 + 1  # as alone: the session and the user each; the unknown key's session only


def test_a_failing_admission_in_a_batch_fails_alone(world, monkeypatch):
    good, bad = session_of(world.siswa), session_of(world.gurubk)
    real = admission.admit

    def admit(session, loaded=None):
        if session.session_key == bad.session_key:
            raise RuntimeError("boom")
        return real(session, loaded)

    monkeypatch.setattr(admission, "admit", admit)
    (user, verdict), error = admission._admit_scopes([({"session": good},), ({"session": bad},)])[0]
    assert (user.pk, verdict, error) == (world.siswa.pk, None, None)
    result, error = admission._admit_scopes([({"session": good},), ({"session": bad},)])[1]
    assert result is None and isinstance(error, RuntimeError)


def test_a_batch_of_subscribes_asks_the_policy_for_each_with_the_conversations_read_per_side(world, other_world):
    """consumers._open_many: each subscribe gets what `_open` gives it alone (a conversation the
    user may not read: None); on PostgreSQL the conversations in one query per side."""
    mine = services.claim(services.start_conversation(world.student), world.gurubk)
    second = services.start_conversation(world.student)  # unclaimed: the caseload's
    theirs = services.start_conversation(other_world.student)
    calls = [
        (world.siswa, mine.pk, 0, None),
        (world.siswa, second.pk, 0, None),
        (world.siswa, theirs.pk, 0, None),
        (world.gurubk, mine.pk, 0, None),
        (world.gurubk, theirs.pk, 0, None),
        (world.koordinator, mine.pk, 0, None),  # the counselors' side again: read alone
        (world.gurubk, 10**9, 0, None),
    ]
    alone = [consumers._open(*call) for call in calls]
    with CaptureQueriesContext(connection) as queries:
        outcomes = consumers._open_many(calls)

    assert all(error is None for _result, error in outcomes)
    assert [result for result, _error in outcomes] == alone
    assert [result is not None for result in alone[:5]] == [True, True, False, True, False]
    assert alone[-1] is None
    if connection.vendor == "postgresql":
        # Students' side, counselors' side, then the koordinator's (a second of mine) and 10**9 alone.
        assert len(queries) == 4
    else:
        assert len(queries) == len(calls)
