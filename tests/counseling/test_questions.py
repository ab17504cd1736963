"""Anonymous questions: the guru BK answers without seeing who asks; the student may reveal
themselves; a risk alert lets the BK coordinator (and only the coordinator) see who it is."""

import json
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.counseling import letters, services
from ekonseling.counseling.models import Conversation, ConversationEvent
from ekonseling.safety import actions
from ekonseling.safety.models import Alert
from tests import factories

NAME = "Rara Kusumawati"
QUESTION = "Bagaimana cara menghadapi teman yang terus mengejek saya di kelas?"


@pytest.fixture
def asker(world):
    """world.student with a name that cannot be mistaken for any other text on the page."""
    world.student.name = NAME
    world.student.save(update_fields=["name"])
    world.siswa.full_name = NAME
    world.siswa.email = "rara@rumah.test"
    world.siswa.save(update_fields=["full_name", "email"])
    world.gurubk.email = "gurubk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    return world


def ask(world):
    return letters.start_question(world.student, world.siswa, body=QUESTION, client_key=uuid.uuid4()).conversation


def page(client, conversation):
    response = client.get(reverse("counseling:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def identity_marks(html):
    return re.findall(r'data-identity="(\w+)"', html)


def leaks(html, world):
    """Whatever would tell the reader who asked."""
    return [text for text in (NAME, world.student.nisn, world.siswa.username) if text in html]


def open_alert(conversation):
    actions.raise_alert(
        student=conversation.student,
        source=Alert.Source.MESSAGE,
        source_id=conversation.messages.get(seq=1).pk,
        items=["bullying"],
        severity="high",
    )
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)


def test_a_question_is_anonymous_by_default_and_says_when_that_yields(client, asker):
    client.force_login(asker.siswa)
    form = client.get(reverse("counseling:question_new"))
    assert 'data-identity="anonymous"' in form.content.decode()
    response = client.post(reverse("counseling:question_new"), {"body": QUESTION, "client_key": str(uuid.uuid4())})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("counseling:conversation", args=[conversation.pk])
    assert (conversation.kind, conversation.anonymous, conversation.identity_hidden) == ("question", True, True)
    assert conversation.messages.get().body == QUESTION


def test_the_guru_bk_sees_the_question_but_not_who_asks(client, asker):
    conversation = ask(asker)
    client.force_login(asker.gurubk)
    html = page(client, conversation)
    assert QUESTION in html
    assert "hidden" in identity_marks(html)
    assert leaks(html, asker) == []


def test_the_answer_keeps_the_student_hidden_and_sends_no_mail(client, asker, django_capture_on_commit_callbacks):
    conversation = ask(asker)
    client.force_login(asker.gurubk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("counseling:reply", args=[conversation.pk]),
            {"body": "Ceritakan kepada wali kelas atau datang ke ruang BK.", "client_key": str(uuid.uuid4())},
        )
    assert response.status_code == 302
    assert leaks(page(client, conversation), asker) == []
    assert mail.outbox == []
    client.force_login(asker.siswa)
    html = page(client, conversation)
    assert re.findall(r'data-role="(\w+)"', html) == ["student", "counselor"]
    assert "anonymous" in identity_marks(html)


def test_after_revealing_the_guru_bk_sees_the_name(client, asker):
    conversation = ask(asker)
    client.force_login(asker.siswa)
    response = client.post(reverse("counseling:reveal", args=[conversation.pk]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.revealed_at is not None
    assert conversation.events.filter(kind=ConversationEvent.Kind.REVEALED).count() == 1
    assert "revealed" in identity_marks(page(client, conversation))
    client.force_login(asker.gurubk)
    html = page(client, conversation)
    assert NAME in html
    assert "shown" in identity_marks(html)


def test_revealing_twice_records_it_once(client, asker):
    conversation = ask(asker)
    client.force_login(asker.siswa)
    client.post(reverse("counseling:reveal", args=[conversation.pk]))
    client.post(reverse("counseling:reveal", args=[conversation.pk]))
    assert conversation.events.filter(kind=ConversationEvent.Kind.REVEALED).count() == 1


@pytest.mark.parametrize("who", ["gurubk", "koordinator", "classmate"])
def test_only_the_student_may_reveal(client, asker, who):
    asker.classmate.user = factories.user(asker.school, Role.SISWA)
    asker.classmate.save()
    conversation = ask(asker)
    client.force_login(asker.classmate.user if who == "classmate" else getattr(asker, who))
    assert client.post(reverse("counseling:reveal", args=[conversation.pk])).status_code in (403, 404)
    conversation.refresh_from_db()
    assert conversation.identity_hidden


def test_a_risk_alert_shows_the_coordinator_who_asks_but_not_the_guru_bk(client, asker):
    conversation = ask(asker)
    open_alert(conversation)
    client.force_login(asker.koordinator)
    html = page(client, conversation)
    assert NAME in html
    assert "yielded" in identity_marks(html)
    client.force_login(asker.gurubk)
    html = page(client, conversation)
    assert leaks(html, asker) == []
    assert "hidden" in identity_marks(html)


def test_a_risky_question_raises_the_alert_through_the_store(client, asker, monkeypatch):
    """Whatever the screener decides, the store raises the alert; the coordinator then sees who it is."""

    class Flagged:
        flagged, categories, severity, triage, reason = True, ["self_harm"], "high", "high", ""
        possible, model_score, likely = False, None, ()

    monkeypatch.setattr(services.risk, "screen", lambda body, lexicon=None: Flagged())
    client.force_login(asker.siswa)
    response = client.post(
        reverse("counseling:question_new"), {"body": QUESTION, "client_key": str(uuid.uuid4())}, follow=True
    )
    conversation = Conversation.objects.get()
    assert conversation.urgent
    shown = " ".join(str(m) for m in response.context["messages"])
    assert actions.crisis_contacts(asker.school)[0] in shown
    client.force_login(asker.koordinator)
    assert NAME in page(client, conversation)


def test_the_student_page_hides_an_anonymous_question_from_the_guru_bk(client, asker):
    conversation = ask(asker)
    for user, listed in [(asker.gurubk, False), (asker.siswa, True)]:
        client.force_login(user)
        html = client.get(reverse("students:detail", args=[asker.student.pk])).content.decode()
        assert (f'data-conversation="{conversation.pk}"' in html) is listed
    letters.reveal(conversation, asker.siswa)
    client.force_login(asker.gurubk)
    html = client.get(reverse("students:detail", args=[asker.student.pk])).content.decode()
    assert f'data-conversation="{conversation.pk}"' in html


def test_a_long_question_is_refused_with_the_advice_to_write_a_letter(client, asker):
    client.force_login(asker.siswa)
    response = client.post(
        reverse("counseling:question_new"), {"body": "x" * (services.MAX_BODY + 1), "client_key": str(uuid.uuid4())}
    )
    assert response.status_code == 200
    assert str(services.MAX_BODY) in response.context["form"].errors["body"][0]
    assert not Conversation.objects.exists()


def test_a_reveal_refreshes_the_inboxes_of_those_who_may_handle_it_and_is_audited(
    client, asker, monkeypatch, django_capture_on_commit_callbacks
):
    from ekonseling.core import realtime
    from ekonseling.core.models import AuditEvent

    conversation = ask(asker)
    published = []
    monkeypatch.setattr(realtime, "publish", lambda events: published.extend(events))
    client.force_login(asker.siswa)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("counseling:reveal", args=[conversation.pk]), REMOTE_ADDR="10.4.4.4")

    event = {"type": "updated", "conversation": conversation.pk}
    updated = {"type": "inbox.event", "event": event, "text": json.dumps({"type": "inbox", "event": event})}
    assert (services.user_group(asker.gurubk.pk), updated) in published
    assert (services.user_group(asker.koordinator.pk), updated) in published
    event = AuditEvent.objects.get(detail="identity revealed")
    assert (event.actor, event.ip_address) == (asker.siswa, "10.4.4.4")
