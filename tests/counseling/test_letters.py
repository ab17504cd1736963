"""Counseling letters over HTTP: writing, e-mail that carries only a link, replies, idempotent
submits, limits, escaping, and the student page's counseling section."""

import json
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import letters, services
from ekonseling.counseling.models import Conversation
from tests import factories

SUBJECT = "Bingung memilih jurusan"
BODY = "Nilai matematika saya turun semester ini dan saya bingung memilih jurusan kuliah.\nMohon sarannya, Bu."
XSS_SUBJECT = "<script>alert('subjek')</script>"
XSS_BODY = '<img src=x onerror="alert(1)"> & <b>tebal</b>'


@pytest.fixture
def people(world):
    """Everyone with an address; the student is also served individually by a second guru BK."""
    for user in (world.gurubk, world.gurubk_other, world.koordinator, world.siswa):
        user.email = f"{user.username}@sekolah.test"
        user.save(update_fields=["email"])
    world.extra_gurubk = factories.user(world.school, Role.GURU_BK, email="gurubk-extra@sekolah.test")
    world.student.counselors.add(world.extra_gurubk)
    return world


def write_letter(client, subject=SUBJECT, body=BODY, notify=False, client_key=None):
    data = {"subject": subject, "body": body, "client_key": str(client_key or uuid.uuid4())}
    if notify:
        data["notify"] = "on"
    return client.post(reverse("counseling:letter_new"), data)


def start(world, *, notify=False, body=BODY):
    return letters.start_letter(
        world.student, world.siswa, subject=SUBJECT, body=body, client_key=uuid.uuid4(), notify_student=notify
    ).conversation


def reply(client, conversation, body, client_key=None):
    return client.post(
        reverse("counseling:reply", args=[conversation.pk]),
        {"body": body, "client_key": str(client_key or uuid.uuid4())},
    )


def page(client, conversation):
    response = client.get(reverse("counseling:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_writing_a_letter_starts_a_thread(client, people):
    client.force_login(people.siswa)
    response = write_letter(client, notify=True)
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("counseling:conversation", args=[conversation.pk])
    assert (conversation.kind, conversation.subject, conversation.notify_student) == ("letter", SUBJECT, True)
    assert (conversation.student, conversation.anonymous, conversation.counselor) == (people.student, False, None)
    assert list(conversation.messages.values_list("seq", "sender_role")) == [(1, "student")]
    assert conversation.messages.get().body == BODY.strip()


def test_each_counselor_of_the_student_gets_one_mail_with_only_a_link(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.siswa)
    with django_capture_on_commit_callbacks(execute=True):
        write_letter(client)
    conversation = Conversation.objects.get()
    link = reverse("counseling:conversation", args=[conversation.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people.gurubk.email, people.extra_gurubk.email])
    assert [len(m.to) + len(m.cc) + len(m.bcc) for m in mail.outbox] == [1, 1]
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        assert link in message.body
        assert SUBJECT not in text
        assert "matematika" not in text
        assert people.student.name not in text


def test_a_claimed_thread_mails_only_its_counselor(client, people, django_capture_on_commit_callbacks):
    conversation = start(people)
    client.force_login(people.gurubk)
    reply(client, conversation, "Mari kita bicarakan pilihanmu.")
    mail.outbox.clear()
    client.force_login(people.siswa)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, conversation, "Terima kasih, Bu.")
    assert [m.to for m in mail.outbox] == [[people.gurubk.email]]


def test_a_letter_to_a_student_without_counselors_reaches_the_coordinator(people):
    people.student.rombel = None
    people.student.save()
    people.student.counselors.clear()
    conversation = start(people)
    assert letters.letter_recipients(conversation) == [people.koordinator]


@pytest.mark.parametrize(
    ("notify", "address", "mails"),
    [(True, "siswa@rumah.test", 1), (False, "siswa@rumah.test", 0), (True, "", 0)],
    ids=["asked-with-address", "not-asked", "asked-without-address"],
)
def test_a_counselor_reply_mails_the_student_only_when_asked_and_possible(
    client, people, django_capture_on_commit_callbacks, notify, address, mails
):
    people.siswa.email = address
    people.siswa.save(update_fields=["email"])
    conversation = start(people, notify=notify)
    client.force_login(people.gurubk)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, conversation, "Jawaban panjang dari guru BK tentang jurusan IPA.")
    assert response.status_code == 302
    student_mails = [m for m in mail.outbox if m.to == [address]]
    assert len(student_mails) == mails
    assert all("jurusan" not in m.body + m.subject for m in student_mails)
    assert all(reverse("counseling:conversation", args=[conversation.pk]) in m.body for m in student_mails)


def test_the_notify_choice_is_offered_only_with_an_address(client, people):
    client.force_login(people.siswa)
    with_address = client.get(reverse("counseling:letter_new"))
    people.siswa.email = ""
    people.siswa.save(update_fields=["email"])
    without = client.get(reverse("counseling:letter_new"))
    assert "notify" in with_address.context["form"].fields
    assert "notify" not in without.context["form"].fields
    assert 'data-notify="unavailable"' in without.content.decode()
    write_letter(client, notify=True)
    assert Conversation.objects.get().notify_student is False


def test_the_thread_shows_letters_in_order_with_handling_events(client, people):
    conversation = start(people)
    client.force_login(people.gurubk)
    reply(client, conversation, "Balasan pertama.")
    client.force_login(people.siswa)
    reply(client, conversation, "Surat kedua dari siswa.")
    html = page(client, conversation)
    assert [int(s) for s in re.findall(r'data-seq="(\d+)"', html)] == [1, 2, 3]
    assert re.findall(r'data-role="(\w+)"', html) == ["student", "counselor", "student"]
    assert 'data-event="claimed"' in html
    assert html.index('data-seq="1"') < html.index('data-event="claimed"') < html.index('data-seq="3"')


def test_the_same_submit_twice_lands_once(client, people, django_capture_on_commit_callbacks):
    client.force_login(people.siswa)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = write_letter(client, client_key=key)
        second = write_letter(client, client_key=key)
    conversation = Conversation.objects.get()
    assert first["Location"] == second["Location"]
    assert conversation.messages.count() == 1
    assert len(mail.outbox) == 2  # one per counselor, not two each
    reply_key = uuid.uuid4()
    reply(client, conversation, "Tambahan.", reply_key)
    reply(client, conversation, "Tambahan.", reply_key)
    assert conversation.messages.count() == 2


class RecordingLayer:
    def __init__(self):
        self.sent = []

    async def group_send(self, group, event):
        self.sent.append((group, event))


def test_a_reply_is_announced_to_the_thread_and_the_inbox_and_a_resend_again_as_stored(
    client, people, monkeypatch, django_capture_on_commit_callbacks
):
    from ekonseling.core import realtime

    layer = RecordingLayer()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    conversation = start(people)
    services.claim(conversation, people.gurubk)
    client.force_login(people.siswa)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, conversation, "Surat kedua.", key)
    told = [
        (services.conversation_group(conversation.pk), "conversation.message"),
        # It refreshes the menu badge and home card too (static/js/live.js): no live.refresh on top.
        (services.user_group(people.gurubk.pk), "inbox.event"),
    ]
    assert [(group, event["type"]) for group, event in layer.sent] == told
    message = json.loads(layer.sent[0][1]["text"])
    assert (message["seq"], message["client_key"], message["sender_role"]) == (2, str(key), "student")

    # The resend is stored once and told again (a page that missed the first broadcast shows it).
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, conversation, "Surat kedua.", key)
    assert [(group, event["type"]) for group, event in layer.sent] == told * 2
    assert json.loads(layer.sent[len(told)][1]["text"]) == message
    assert conversation.messages.count() == 2


def test_an_overlong_letter_is_refused_with_its_length(client, people):
    client.force_login(people.siswa)
    response = write_letter(client, body="a" * (services.MAX_LETTER_BODY + 1))
    assert response.status_code == 200
    [error] = response.context["form"].errors["body"]
    assert str(services.MAX_LETTER_BODY + 1) in error
    assert str(services.MAX_LETTER_BODY) in error
    assert not Conversation.objects.exists()


def test_an_empty_reply_is_refused_and_nothing_stored(client, people):
    conversation = start(people)
    client.force_login(people.gurubk)
    response = reply(client, conversation, "   ")
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"]
    assert conversation.messages.count() == 1


def test_markup_in_subject_and_body_shows_as_text(client, people):
    client.force_login(people.siswa)
    write_letter(client, subject=XSS_SUBJECT, body=XSS_BODY)
    conversation = Conversation.objects.get()
    client.force_login(people.gurubk)
    html = page(client, conversation)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>tebal</b>" not in html
    assert "&lt;script&gt;alert(&#x27;subjek&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;tebal&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "role", [Role.GURU_BK, Role.KOORDINATOR_BK, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.OPERATOR]
)
def test_only_a_student_writes_a_new_letter(client, people, role):
    client.force_login(people.by_role()[role])
    assert client.get(reverse("counseling:letter_new")).status_code == 403


@pytest.mark.parametrize("who", ["gurubk_other", "walikelas", "kepsek", "operator", "classmate"])
def test_others_cannot_read_or_answer_the_letter(client, people, who):
    people.classmate.user = factories.user(people.school, Role.SISWA)
    people.classmate.save()
    conversation = start(people)
    client.force_login(people.classmate.user if who == "classmate" else getattr(people, who))
    assert client.get(reverse("counseling:conversation", args=[conversation.pk])).status_code in (403, 404)
    assert reply(client, conversation, "Boleh saya ikut?").status_code in (403, 404)
    assert conversation.messages.count() == 1


# --- the student page -------------------------------------------------------------------------------------------


@pytest.fixture
def section():
    """The section counseling registers with the kernel for the student page."""
    from ekonseling.core import registry

    assert "counseling.conversations" in registry._STUDENT_SECTIONS


def student_page(client, world):
    response = client.get(reverse("students:detail", args=[world.student.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_student_page_lists_the_conversations_for_those_allowed(client, people, section):
    claimed = start(people)
    services.claim(claimed, people.gurubk)
    other = start(people)
    services.claim(other, people.extra_gurubk)
    for user, expected in [
        (people.siswa, {claimed.pk, other.pk}),
        (people.gurubk, {claimed.pk}),
        (people.extra_gurubk, {other.pk}),
        (people.koordinator, set()),
        (people.walikelas, set()),
        (people.operator, set()),
    ]:
        client.force_login(user)
        html = student_page(client, people)
        assert {int(pk) for pk in re.findall(r'data-conversation="(\d+)"', html)} == expected, user.role


def test_a_staff_look_at_the_counseling_section_is_audited(client, people, section):
    start(people)
    client.force_login(people.gurubk)
    student_page(client, people)
    assert AuditEvent.objects.filter(
        actor=people.gurubk, action=AuditEvent.Action.READ, detail__startswith="counseling record"
    ).exists()


def test_the_counseling_section_escapes_subjects(client, people, section):
    letters.start_letter(people.student, people.siswa, subject=XSS_SUBJECT, body=BODY, client_key=uuid.uuid4())
    client.force_login(people.siswa)
    html = student_page(client, people)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
