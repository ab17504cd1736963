"""Floods (issue 11 item 7): per-user limits over every socket and HTTP for messages, letters,
questions and replies; risk-alert e-mails coalesced per conversation."""

import asyncio
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ekonseling.core import notify, ratelimit
from ekonseling.counseling import letters, protocol, services
from ekonseling.counseling.models import Conversation, Message
from ekonseling.safety import actions
from ekonseling.safety.models import Alert, HeldMail
from tests.counseling.test_consumer import frame_of, signed_in

RISKY = "aku pengen bunuh diri aja"


@pytest.mark.asyncio
async def test_a_flood_from_several_sockets_and_http_shares_one_budget(live_world, session_cookie, monkeypatch):
    monkeypatch.setattr(protocol, "SEND_LIMIT", 6)
    # One window for the whole test: the limit counts in fixed windows (SEND_WINDOW seconds), and a
    # flood that crossed a window's end on a loaded machine had a fresh budget for its last sends.
    frozen = time.time()
    monkeypatch.setattr(ratelimit, "_now", lambda: frozen)
    conversation = await database_sync_to_async(services.start_conversation)(live_world.student)
    sockets = [await signed_in(session_cookie, live_world.siswa) for _ in range(4)]
    for socket in sockets:
        await socket.send_json_to({"type": "subscribe", "conversation": conversation.pk})
        await frame_of(socket, "messages")

    async def flood(socket, count):
        answers = []
        for _ in range(count):
            key = str(uuid.uuid4())
            await socket.send_json_to({"type": "send", "conversation": conversation.pk, "client_key": key, "body": "x"})
            answers.append(await _answer_to(socket, key))
        return answers

    answers = [a for per_socket in await asyncio.gather(*(flood(s, 3) for s in sockets)) for a in per_socket]

    acked = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(acked) == 6 and len(refused) == 6
    assert {a["code"] for a in refused} == {"rate_limited"} and all(a["message"] for a in refused)
    stored = await database_sync_to_async(Message.objects.filter(conversation=conversation).count)()
    assert stored == 6

    def http_post():
        from django.test import Client

        client = Client()
        client.force_login(live_world.siswa)
        url = reverse("counseling:messages", args=[conversation.pk])
        return client.post(url, {"client_key": str(uuid.uuid4()), "body": "lewat HTTP"}).status_code

    assert await database_sync_to_async(http_post)() == 429  # the same budget, spent by the sockets
    for socket in sockets:
        await socket.disconnect()


async def _answer_to(socket, key):
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame.get("client_key") == key and frame["type"] in ("ack", "error"):
            return frame


@pytest.fixture
def emails(world):
    for user in (world.gurubk, world.koordinator, world.siswa):
        user.email = f"{user.username}@sekolah.test"
        user.save(update_fields=["email"])
    return world


def test_letters_are_limited_per_student_and_so_are_their_emails(
    client, emails, settings, django_capture_on_commit_callbacks
):
    settings.COUNSELING_RATE_LIMITS = {"letter": (3, 600)}
    client.force_login(emails.siswa)
    statuses = []
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("counseling:letter_new"),
                {"subject": f"Surat {n}", "body": "Isi surat", "client_key": str(uuid.uuid4())},
            )
        statuses.append(response.status_code)
    notify.wait_for_mail()
    assert statuses == [302, 302, 302, 200, 200]
    assert "too fast" in response.content.decode() or "terlalu cepat" in response.content.decode()
    assert Conversation.objects.filter(kind=Conversation.Kind.LETTER).count() == 3
    assert len(mail.outbox) == 3  # one per letter to the one counselor, none for the refused ones


def test_a_double_submit_of_a_letter_is_answered_not_counted(client, emails, settings):
    settings.COUNSELING_RATE_LIMITS = {"letter": (1, 600)}
    client.force_login(emails.siswa)
    data = {"subject": "Surat", "body": "Isi surat", "client_key": str(uuid.uuid4())}
    assert client.post(reverse("counseling:letter_new"), data).status_code == 302
    assert client.post(reverse("counseling:letter_new"), data).status_code == 302
    assert Conversation.objects.count() == 1


def test_questions_and_replies_are_limited_per_user(client, emails, settings, monkeypatch):
    settings.COUNSELING_RATE_LIMITS = {"question": (2, 600), "reply": (3, 60)}
    # The limiter's windows are fixed (a minute for replies): one that turns during the test starts the
    # count again, so the clock stands still here.
    now = time.time()
    monkeypatch.setattr(ratelimit, "_now", lambda: now)
    client.force_login(emails.siswa)
    asked = [
        client.post(reverse("counseling:question_new"), {"body": "Tanya", "client_key": str(uuid.uuid4())}).status_code
        for _ in range(3)
    ]
    assert asked == [302, 302, 200]
    question = Conversation.objects.filter(kind=Conversation.Kind.QUESTION).first()
    replied = [
        client.post(
            reverse("counseling:reply", args=[question.pk]), {"body": "Lagi", "client_key": str(uuid.uuid4())}
        ).status_code
        for _ in range(4)
    ]
    assert replied == [302, 302, 302, 200]
    assert Message.objects.filter(conversation=question).count() == 4  # the question and three replies


def test_limits_are_settings(settings):
    settings.COUNSELING_RATE_LIMITS = {"letter": (7, 60), "message": (2, 5)}
    assert protocol.rate_limit("letter") == (7, 60)
    assert protocol.rate_limit("message") == (2, 5)
    settings.COUNSELING_RATE_LIMITS = {}
    assert protocol.rate_limit("question") == protocol.DEFAULT_RATE_LIMITS["question"]


def _only_the_guru_bk_has_an_address(world):
    world.koordinator.email = ""
    world.koordinator.save(update_fields=["email"])


def test_alert_emails_are_one_per_conversation_and_window_with_a_count(emails, django_capture_on_commit_callbacks):
    _only_the_guru_bk_has_an_address(emails)
    conversation = services.start_conversation(emails.student)
    other = letters.start_letter(
        emails.student, emails.siswa, subject="Lain", body="Halo", client_key=uuid.uuid4()
    ).conversation
    mail.outbox.clear()
    for target in [conversation] * 5 + [other]:
        with django_capture_on_commit_callbacks(execute=True):
            (posted,) = services.post_messages([services.Draft(target.pk, emails.siswa, uuid.uuid4(), RISKY)])
        assert posted.alert is not None
    notify.wait_for_mail()
    assert Alert.objects.count() == 6
    # The first alert of each conversation at once; the next four of the first are held, in one row.
    assert len(mail.outbox) == 2
    (held,) = HeldMail.objects.filter(count__gt=0)
    assert held.count == 4
    assert actions.send_due_mail() == 0  # not before the window ends

    HeldMail.objects.update(window_ends_at=timezone.now())  # the window ends
    assert actions.send_due_mail() == 1
    notify.wait_for_mail()
    assert len(mail.outbox) == 3
    assert "Ada 4 peringatan baru" in mail.outbox[-1].body
    assert f"/konseling/{conversation.pk}/" in mail.outbox[-1].body or str(conversation.pk) in mail.outbox[-1].body


def test_without_a_window_every_alert_is_mailed(emails, settings, django_capture_on_commit_callbacks):
    settings.SAFETY_ALERT_MAIL_WINDOW = 0
    _only_the_guru_bk_has_an_address(emails)
    conversation = services.start_conversation(emails.student)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.post_messages([services.Draft(conversation.pk, emails.siswa, uuid.uuid4(), RISKY)])
    notify.wait_for_mail()
    assert len(mail.outbox) == 3
