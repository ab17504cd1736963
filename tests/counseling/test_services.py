"""Who hears of a chat risk alert, and the e-mail they get: a link, never the message; when a
batch of messages is screened."""

import uuid

from django.db import connection

from ekonseling.counseling import risk, services
from ekonseling.counseling.models import Conversation

RISKY = "aku pengen bunuh diri aja"


def claimed_by(world, counselor):
    conversation = services.start_conversation(world.student)
    Conversation.objects.filter(pk=conversation.pk).update(counselor=counselor)
    return Conversation.objects.select_related("student__rombel", "counselor").get(pk=conversation.pk)


def test_an_unclaimed_conversation_alerts_who_serves_the_student(world):
    conversation = services.start_conversation(world.student)
    assert services.alert_recipients(conversation) == [world.gurubk, world.koordinator]


def test_the_handling_counselor_replaces_those_who_serve(world):
    assert services.alert_recipients(claimed_by(world, world.gurubk_other)) == [world.gurubk_other, world.koordinator]


def test_a_coordinator_handling_the_conversation_is_named_once(world):
    assert services.alert_recipients(claimed_by(world, world.koordinator)) == [world.koordinator]


def test_a_handling_counselor_who_left_is_not_alerted_the_coordinators_are(world):
    world.gurubk.is_active = False
    world.gurubk.save(update_fields=["is_active"])
    assert services.alert_recipients(claimed_by(world, world.gurubk)) == [world.koordinator]


def test_a_batch_is_screened_once_before_its_rows_are_locked(world, monkeypatch):
    """Screening is the writer's heaviest step per message: done inside the transaction it held the
    conversations' locks, and a batch stored again one by one (a resend in it) screened each message
    twice."""
    conversation = services.start_conversation(world.student)
    stored_key = uuid.uuid4()
    services.post_messages([services.Draft(conversation.pk, world.siswa, stored_key, "Halo Bu")])
    outside = len(connection.savepoint_ids)  # the test's own transaction, not the batch's
    calls = []
    real = risk.screen

    def counting(text, lexicon=None):
        calls.append((text, len(connection.savepoint_ids)))
        return real(text, lexicon)

    monkeypatch.setattr(services.risk, "screen", counting)
    resend, fresh, reply = services.post_messages(
        [
            services.Draft(conversation.pk, world.siswa, stored_key, "Halo Bu"),
            services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY),
            services.Draft(conversation.pk, world.gurubk, uuid.uuid4(), "Ibu di sini, ceritakan ya"),
        ]
    )
    assert resend.duplicate and fresh.error is None and reply.error is None
    assert fresh.message.flagged and fresh.alert is not None
    # Each student's message once, though the batch was undone and stored one by one; the
    # counselor's never; and none inside the batch's transaction.
    assert calls == [("Halo Bu", outside), (RISKY, outside)]


# The alert e-mail itself: tests/safety/test_message_alerts.py.
