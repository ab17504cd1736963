"""A flagged chat or letter message, through the safety pipeline: one alert per message and
categories (a resend makes none), a link-only e-mail, and the decision on the conversation page."""

import uuid

from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core import notify
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import alerts, services
from ekonseling.counseling.models import Conversation
from ekonseling.safety import actions
from ekonseling.safety.models import Alert
from tests import factories

RISKY = "aku pengen bunuh diri aja"


def _post(conversation, user, body=RISKY, key=None):
    (posted,) = services.post_messages([services.Draft(conversation.pk, user, key or uuid.uuid4(), body)])
    assert posted.error is None, posted.error
    return posted


def _decide_url(alert):
    return reverse("counseling:alert_decide", kwargs={"pk": alert.pk})


def _conversation_url(conversation):
    return reverse("counseling:conversation", kwargs={"pk": conversation.pk})


def test_a_flagged_message_raises_an_alert_on_the_message(world):
    conversation = services.start_conversation(world.student)
    posted = _post(conversation, world.siswa)
    alert = Alert.objects.get()
    assert posted.alert == alert
    assert (alert.source, alert.source_id, alert.student, alert.status) == (
        Alert.Source.MESSAGE,
        posted.message.pk,
        world.student,
        Alert.Status.OPEN,
    )
    assert alert.items and alert.severity
    assert alerts.conversation_id_of(alert) == conversation.pk


def test_a_resent_message_makes_one_alert_and_one_mail(world, mailoutbox, django_capture_on_commit_callbacks):
    world.gurubk.email = "bk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    conversation = services.start_conversation(world.student)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(conversation, world.siswa, key=key)
    with django_capture_on_commit_callbacks(execute=True):
        resend = _post(conversation, world.siswa, key=key)
    notify.wait_for_mail()
    assert resend.duplicate and resend.message.pk == first.message.pk
    assert Alert.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["bk@sekolah.test"]]


def test_the_same_message_screened_twice_makes_one_alert_and_one_mail(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """Whatever path screens a stored message again (a resend handled by another process, a
    re-screening), the same message with the same categories is the alert already raised."""
    world.gurubk.email = "bk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    conversation = services.start_conversation(world.student)
    with django_capture_on_commit_callbacks(execute=True):
        posted = _post(conversation, world.siswa)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = actions.raise_alert(
            student=world.student,
            source=Alert.Source.MESSAGE,
            source_id=posted.message.pk,
            items=reversed(posted.alert.items),
            severity=posted.alert.severity,
        )
    notify.wait_for_mail()
    assert (again, created) == (posted.alert, False)
    assert Alert.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_alert_mail_is_one_link_per_person(world, mailoutbox, django_capture_on_commit_callbacks):
    for user in (world.gurubk, world.koordinator, world.gurubk_other):
        user.email = f"{user.username}@sekolah.test"
        user.save(update_fields=["email"])
    factories.user(world.school, Role.GURU_BK, email="tanpa-siswa@sekolah.test")
    conversation = services.start_conversation(world.student)
    with django_capture_on_commit_callbacks(execute=True):
        posted = _post(conversation, world.siswa)
    assert posted.alert is not None
    notify.wait_for_mail()
    assert [m.to for m in mailoutbox] == [[world.gurubk.email], [world.koordinator.email]]
    assert {m.subject for m in mailoutbox} == {alerts.MAIL_SUBJECT}
    assert mailoutbox[0].subject == "[E-Konseling] Peringatan risiko: percakapan perlu segera ditangani"
    assert f"/konseling/{conversation.pk}/" in mailoutbox[0].body
    assert "bunuh" not in mailoutbox[0].body


def test_a_claimed_conversation_mails_its_counselor_not_those_who_serve(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    for user in (world.gurubk, world.koordinator, world.gurubk_other):
        user.email = f"{user.username}@sekolah.test"
        user.save(update_fields=["email"])
    conversation = services.start_conversation(world.student)
    Conversation.objects.filter(pk=conversation.pk).update(counselor=world.gurubk_other)
    with django_capture_on_commit_callbacks(execute=True):
        _post(conversation, world.siswa)
    notify.wait_for_mail()
    assert [m.to for m in mailoutbox] == [[world.gurubk_other.email], [world.koordinator.email]]


def test_a_false_alarm_is_recorded_and_clears_urgent_when_none_is_open(client, world):
    conversation = services.start_conversation(world.student)
    first = _post(conversation, world.siswa).alert
    second = _post(conversation, world.siswa).alert
    services.claim(conversation, world.gurubk)
    client.force_login(world.gurubk)

    page = client.get(_conversation_url(conversation)).content.decode()
    assert f'data-alert="{first.pk}"' in page
    assert page.count('class="msg theirs alerted"') == 2
    assert "data-urgent-banner" in page

    client.post(_decide_url(first), {"decision": "false", "note": "Bercanda, sudah dicek"})
    first.refresh_from_db()
    conversation.refresh_from_db()
    assert first.status == Alert.Status.FALSE
    assert first.decided_by == world.gurubk
    assert first.decided_at is not None
    assert first.note == "Bercanda, sudah dicek"
    assert conversation.urgent, "another alert is still open"

    client.post(_decide_url(second), {"decision": "handled"})
    second.refresh_from_db()
    conversation.refresh_from_db()
    assert second.status == Alert.Status.HANDLED
    assert not conversation.urgent
    assert AuditEvent.objects.filter(detail="alert false", actor=world.gurubk, object_id=str(first.pk)).exists()


def test_a_decided_alert_stays_decided_and_a_student_cannot_decide(client, world):
    conversation = services.start_conversation(world.student)
    alert = _post(conversation, world.siswa).alert
    client.force_login(world.siswa)
    assert client.post(_decide_url(alert), {"decision": "false"}).status_code in (403, 404)

    services.claim(conversation, world.gurubk)
    client.force_login(world.gurubk)
    client.post(_decide_url(alert), {"decision": "handled"})
    client.post(_decide_url(alert), {"decision": "false"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.HANDLED
    assert client.post(reverse("counseling:alert_decide", kwargs={"pk": 999999}), {"decision": "x"}).status_code == 404


def test_a_sheet_alert_cannot_be_decided_on_the_chat_url(client, world):
    """Each decide page takes only its own source's alerts: a sheet alert's id on the chat URL is a 404."""
    alert = Alert.objects.create(
        school=world.school, student=world.student, source=Alert.Source.SHEET, source_id=1, items=[4], items_key="4"
    )
    client.force_login(world.koordinator)
    assert client.post(_decide_url(alert), {"decision": "handled"}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
