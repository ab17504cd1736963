"""Who hears of a chat risk alert, and the e-mail they get: a link, never the message."""

from ekonseling.counseling import services
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


# The alert e-mail itself: tests/safety/test_message_alerts.py.
