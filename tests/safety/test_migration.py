"""The data migration that folds counseling.RiskAlert and instruments.CriticalAlert into safety.Alert."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ekonseling.counseling import services as counseling
from ekonseling.instruments import services as instruments
from tests import factories

BEFORE = [("safety", "0001_alert"), ("counseling", "0001_initial"), ("instruments", "0002_answer_import")]
COPIED = [("safety", "0002_copy_old_alerts")]
AFTER = [
    ("safety", "0002_copy_old_alerts"),
    ("counseling", "0002_drop_risk_alert"),
    ("instruments", "0003_drop_critical_alert"),
]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_alerts_become_alerts_with_their_decisions_and_twins_merged():
    # The rows the old alerts point to are made with today's models (the tables they live in are the
    # same before and after), then the schema goes back to the old alert models.
    world = factories.SchoolWorld("SMA Migrasi")
    try:
        conversation = counseling.start_conversation(world.student)
        (posted,) = counseling.post_messages([counseling.Draft(conversation.pk, world.siswa, uuid.uuid4(), "Halo")])
        name = "dcm-contoh.json"
        instrument, _ = instruments.import_definition(world.school, (instruments.SAMPLES_DIR / name).read_bytes(), name)
        now = timezone.now()
        administration = instruments.open_administration(
            instrument=instrument,
            title="DCM",
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=1),
            created_by=world.gurubk,
            rombels=[world.rombel_a],
        )
        sheet = administration.assignments.get(student=world.student)
        old = _migrate(BEFORE)

        RiskAlert = old.get_model("counseling", "RiskAlert")
        CriticalAlert = old.get_model("instruments", "CriticalAlert")
        risk = RiskAlert.objects.create(
            conversation_id=conversation.pk,
            message_id=posted.message.pk,
            categories=["suicide", "bullying"],
            severity="high",
            status="handled",
            decided_by_id=world.gurubk.pk,
            decided_at=now,
            note="Sudah ditemui.",
        )
        RiskAlert.objects.filter(pk=risk.pk).update(created_at=now - timedelta(days=2))
        # Defect 6 left twins behind: the same sheet and items alerted twice; the second one was decided.
        first = CriticalAlert.objects.create(school_id=world.school.pk, assignment_id=sheet.pk, items=[4])
        CriticalAlert.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=1))
        CriticalAlert.objects.create(
            school_id=world.school.pk,
            assignment_id=sheet.pk,
            items=[4],
            status="false",
            decided_by_id=world.koordinator.pk,
            decided_at=now,
            note="Salah centang.",
        )

        new = _migrate(COPIED)
        Alert = new.get_model("safety", "Alert")
        chat = Alert.objects.get(source="message")
        assert (chat.source_id, chat.student_id, chat.school_id) == (
            posted.message.pk,
            world.student.pk,
            world.school.pk,
        )
        assert (chat.items, chat.items_key, chat.severity) == (["suicide", "bullying"], "bullying,suicide", "high")
        assert (chat.status, chat.decided_by_id, chat.note) == ("handled", world.gurubk.pk, "Sudah ditemui.")
        assert chat.created_at == now - timedelta(days=2)
        merged = Alert.objects.get(source="sheet")
        assert (merged.source_id, merged.items, merged.student_id) == (sheet.pk, [4], world.student.pk)
        assert (merged.status, merged.decided_by_id, merged.note) == ("false", world.koordinator.pk, "Salah centang.")
        assert merged.created_at == now - timedelta(days=1)

        # Forward to the end (old tables dropped) and back: the old tables get their rows again.
        _migrate(AFTER)
        old = _migrate(BEFORE)
        assert old.get_model("counseling", "RiskAlert").objects.get().note == "Sudah ditemui."
        assert old.get_model("instruments", "CriticalAlert").objects.get().status == "false"
        assert not old.get_model("safety", "Alert").objects.exists()
    finally:
        _migrate(_latest())
