"""Sociometric choices at rest: one Fernet document per response (the core crypto), never rows a
database reader could join to names; the data migration moves existing rows into it and back, and
the analysis is the same before and after."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ekonseling.core import crypto
from ekonseling.sociometry import services
from ekonseling.sociometry.models import Response
from tests import factories

from .conftest import SevenClass, stored_picks

ROWS = [("sociometry", "0003_response_answers")]


def _summary(survey):
    result = services.analyse(survey).results[0]
    return [(m.id, m.chosen_by, m.score, m.rejected_by, tuple(m.categories)) for m in result.members], result.matrix


def test_the_choices_are_ciphertext_in_the_database(seven):
    with connection.cursor() as cursor:
        cursor.execute("SELECT student_id, answers FROM sociometry_response ORDER BY id")
        stored = cursor.fetchall()
    assert len(stored) == 6
    for _student, token in stored:
        assert token.startswith("gAAAA")  # a Fernet token
        for student in seven.students:
            assert f",{student.pk}," not in token
        assert crypto.decrypt(token).startswith("[[")
    tables = connection.introspection.table_names()
    assert not [table for table in tables if "choice" in table and "socio" in table]
    # What the field gives back is what was chosen: A chose B, C, D and rejected F.
    a = Response.objects.get(student=seven.s("A")).picks()
    assert [(p.chosen_id, p.rank, p.positive) for p in a] == [
        (seven.s("B").pk, 1, True),
        (seven.s("C").pk, 2, True),
        (seven.s("D").pk, 3, True),
        (seven.s("F").pk, 1, False),
    ]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_moves_rows_into_ciphertext_and_back():
    world = factories.SchoolWorld("SMA Migrasi Sosiometri")
    try:
        seven = SevenClass(world)
        before, picks = _summary(seven.survey), stored_picks()
        old = _migrate(ROWS)  # backwards: the rows are written again from the documents
        Choice = old.get_model("sociometry", "Choice")
        assert Choice.objects.count() == len(picks) == 22
        assert set(old.get_model("sociometry", "Response").objects.values_list("answers", flat=True)) == {""}
        assert Choice.objects.filter(chosen_id=seven.s("F").pk, positive=False).count() == 4
        _migrate(_latest())  # forwards: rows -> encrypted documents, the rows gone
        assert stored_picks() == picks
        assert _summary(seven.survey) == before
    finally:
        _migrate(_latest())
