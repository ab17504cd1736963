"""Who hears of a chat risk alert, and the e-mail they get: a link, never the message."""

import uuid

from ekonseling.accounts.models import Role
from ekonseling.core import notify
from ekonseling.counseling import services
from ekonseling.counseling.models import Conversation

from .. import factories

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


def test_the_alert_mail_is_one_link_per_person(world, mailoutbox, django_capture_on_commit_callbacks):
    for user in (world.gurubk, world.koordinator, world.gurubk_other):
        user.email = f"{user.username}@sekolah.test"
        user.save(update_fields=["email"])
    factories.user(world.school, Role.GURU_BK, email="tanpa-siswa@sekolah.test")
    conversation = services.start_conversation(world.student)
    with django_capture_on_commit_callbacks(execute=True):
        (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY)])
    assert posted.alert is not None
    notify.wait_for_mail()
    assert [m.to for m in mailoutbox] == [[world.gurubk.email], [world.koordinator.email]]
    assert {m.subject for m in mailoutbox} == {services.ALERT_MAIL_SUBJECT}
    assert mailoutbox[0].subject == "[E-Konseling] Peringatan risiko: percakapan perlu segera ditangani"
    assert f"/konseling/{conversation.pk}/" in mailoutbox[0].body
    assert "bunuh" not in mailoutbox[0].body
