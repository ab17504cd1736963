"""One counseling transport: the socket and the HTTP fallback give the same receipt, share one send
limit, and a resend of a stored message is told to the other side even when the first broadcast
never went out."""

import contextlib
import uuid

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from ekonseling.core import realtime
from ekonseling.counseling import protocol, services
from ekonseling.counseling.models import Conversation, Message

from .test_consumer import frame_of, send, signed_in

pytestmark = pytest.mark.asyncio


def _urgent_chat_read_by_two_counselors(world):
    """Four student messages; the guru BK has received all four and read one, the coordinator (who
    reads urgent chats) has received and read three."""
    conversation = services.start_conversation(world.student)
    for n in range(4):
        services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), f"pesan {n + 1}")])
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)
    services.mark_many(
        [
            services.Mark(conversation.pk, world.gurubk, delivered=4, read=1),
            services.Mark(conversation.pk, world.koordinator, delivered=3, read=3),
        ]
    )
    return conversation


def _http_receipt(user, conversation):
    client = Client()
    client.force_login(user)
    return client.get(reverse("counseling:messages", kwargs={"pk": conversation.pk})).json()["receipt"]


async def test_the_socket_and_http_report_the_same_receipt_when_two_counselors_read(live_world, session_cookie):
    """Defect 3: the HTTP path said 4 / 3, the socket 3 / 3. The rule (docs/websocket.md): each mark
    is the highest among the counselors, so a message is read once any counselor has read it."""
    conversation = await database_sync_to_async(_urgent_chat_read_by_two_counselors)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")
    over_socket = await frame_of(student, "receipt")
    over_http = await database_sync_to_async(_http_receipt)(live_world.siswa, conversation)

    expected = {"type": "receipt", "conversation": conversation.pk, "role": "counselor"}
    assert over_socket == {**expected, "delivered_seq": 4, "read_seq": 3}
    assert over_http == over_socket
    await student.disconnect()


@contextlib.contextmanager
def broadcasts_lost(monkeypatch):
    """The process dies after the commit, before telling anyone: nothing published gets out."""
    with monkeypatch.context() as patch:
        patch.setattr(realtime, "publish", lambda events: None)
        yield


def _stored_without_broadcast(world, conversation, key, monkeypatch):
    with broadcasts_lost(monkeypatch):
        (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, key, "Bu, tolong.")])
    assert posted.error is None and posted.message.seq == 1
    return posted


async def _counselor_and_student(world, session_cookie, conversation):
    counselor = await signed_in(session_cookie, world.gurubk)
    student = await signed_in(session_cookie, world.siswa)
    for socket in (counselor, student):
        await socket.send_json_to({"type": "subscribe", "conversation": conversation.pk})
        await frame_of(socket, "messages")
    return counselor, student


async def _frames(socket, quiet=0.5):
    """Every frame until the socket stays quiet (a timed-out receive would end the application)."""
    frames = []
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(await socket.receive_json_from())
    return frames


async def test_a_resend_over_the_socket_tells_the_other_side_what_was_stored(live_world, session_cookie, monkeypatch):
    """Defect 5: the resend was answered "duplicate" and never broadcast, so the counselor's open
    page missed the message until a reload."""
    conversation = await database_sync_to_async(services.start_conversation)(live_world.student)
    counselor, student = await _counselor_and_student(live_world, session_cookie, conversation)
    key = uuid.uuid4()
    await database_sync_to_async(_stored_without_broadcast)(live_world, conversation, key, monkeypatch)
    assert await counselor.receive_nothing(timeout=0.3)

    await send(student, conversation.pk, "Bu, tolong.", key=str(key))
    ack = await frame_of(student, "ack")
    counselor_frames = await _frames(counselor)
    student_frames = await _frames(student)

    assert (ack["seq"], ack["duplicate"]) == (1, True)
    told = [f for f in counselor_frames if f["type"] == "message"]
    assert [(f["seq"], f["body"], f["client_key"]) for f in told] == [(1, "Bu, tolong.", str(key))]
    assert {"type": "inbox", "event": {"type": "updated", "conversation": conversation.pk}} in counselor_frames
    assert [f for f in student_frames if f["type"] == "message"] == []  # the sender has the ack
    assert await database_sync_to_async(Message.objects.filter(conversation=conversation).count)() == 1
    for socket in (counselor, student):
        await socket.disconnect()


async def test_a_resend_over_http_tells_the_other_side_what_was_stored(live_world, session_cookie, monkeypatch):
    conversation = await database_sync_to_async(services.start_conversation)(live_world.student)
    counselor, student = await _counselor_and_student(live_world, session_cookie, conversation)
    key = uuid.uuid4()
    await database_sync_to_async(_stored_without_broadcast)(live_world, conversation, key, monkeypatch)

    def resend():
        client = Client()
        client.force_login(live_world.siswa)
        url = reverse("counseling:messages", kwargs={"pk": conversation.pk})
        return client.post(url, {"client_key": str(key), "body": "Bu, tolong."}).json()

    ack = await database_sync_to_async(resend)()
    counselor_frames = await _frames(counselor)
    student_frames = await _frames(student)

    assert (ack["type"], ack["seq"], ack["duplicate"]) == ("ack", 1, True)
    assert [(f["seq"], f["body"]) for f in counselor_frames if f["type"] == "message"] == [(1, "Bu, tolong.")]
    # Posted over HTTP, so every socket is told, the student's own too (its page de-duplicates by seq).
    assert [f["seq"] for f in student_frames if f["type"] == "message"] == [1]
    for socket in (counselor, student):
        await socket.disconnect()


async def test_the_socket_and_http_share_one_send_limit(live_world, session_cookie, monkeypatch):
    from ekonseling.core import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)  # one window for the whole test
    monkeypatch.setattr(protocol, "SEND_LIMIT", 3)
    conversation = await database_sync_to_async(services.start_conversation)(live_world.student)
    student = await signed_in(session_cookie, live_world.siswa)
    answers = []
    for n in range(2):
        await send(student, conversation.pk, f"pesan {n}")
        answers.append(await student.receive_json_from(timeout=10))

    def post_twice():
        client = Client()
        client.force_login(live_world.siswa)
        url = reverse("counseling:messages", kwargs={"pk": conversation.pk})
        return [client.post(url, {"client_key": str(uuid.uuid4()), "body": "lewat HTTP"}) for _ in range(2)]

    over_http = await database_sync_to_async(post_twice)()
    await send(student, conversation.pk, "sekali lagi")
    refused = await student.receive_json_from(timeout=10)

    assert [a["type"] for a in answers] == ["ack", "ack"]
    assert [r.status_code for r in over_http] == [200, 429]
    assert over_http[1].json()["code"] == "rate_limited"
    assert (refused["type"], refused["code"]) == ("error", "rate_limited")
    assert refused["client_key"] and refused["conversation"] == conversation.pk
    await student.disconnect()


async def test_a_counselors_live_read_is_audited_with_the_sockets_address_and_browser(live_world, session_cookie):
    """The consumer audits with an explicit actor and the connection's origin, not a fake request."""
    from channels.testing import WebsocketCommunicator

    from ekonseling.asgi import application
    from ekonseling.core.models import AuditEvent

    conversation = await database_sync_to_async(services.start_conversation)(live_world.student)
    cookie = await database_sync_to_async(session_cookie)(live_world.gurubk)
    headers = [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"user-agent", b"Tes/4.0"),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    counselor = WebsocketCommunicator(application, "/ws/konseling/", headers=headers)
    counselor.scope["client"] = ("10.9.8.7", 40000)
    connected, _code = await counselor.connect(timeout=10)
    assert connected
    await frame_of(counselor, "hello")
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(counselor, "messages")

    event = await database_sync_to_async(lambda: AuditEvent.objects.get(action="read"))()
    assert (event.actor_id, event.detail) == (live_world.gurubk.pk, "conversation (live)")
    assert (event.ip_address, event.user_agent) == ("10.9.8.7", "Tes/4.0")
    await counselor.disconnect()
