"""The counseling WebSocket over the real ASGI stack (origin check, session auth, policy)."""

import datetime
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.asgi import application
from ekonseling.core import notify
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import services
from ekonseling.counseling.models import Conversation, Message

pytestmark = pytest.mark.asyncio


async def connect(cookie=None):
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/konseling/", headers=headers)
    connected, code = await communicator.connect(timeout=10)
    return communicator, connected, code


async def close_code(cookie=None):
    """The server accepts, then closes with its reason, so that a browser sees the code."""
    communicator, connected, _code = await connect(cookie)
    assert connected
    closed = await communicator.receive_output(timeout=10)
    assert closed["type"] == "websocket.close"
    return closed["code"]


async def signed_in(session_cookie, user):
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator, connected, code = await connect(cookie)
    assert connected, code
    hello = await communicator.receive_json_from()
    assert hello["type"] == "hello"
    return communicator


async def frame_of(communicator, kind, timeout=10):
    """The next frame of this type (typing, receipts and inbox events may come in between)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


def chat(world, student=None):
    return services.start_conversation(student or world.student)


async def send(communicator, conversation_id, body, key=None):
    key = key or str(uuid.uuid4())
    await communicator.send_json_to({"type": "send", "conversation": conversation_id, "client_key": key, "body": body})
    return key


async def test_anonymous_sockets_are_closed_with_4401(live_world):
    assert await close_code() == 4401


@pytest.mark.parametrize("role", ["walikelas", "kepsek", "operator"])
async def test_roles_without_counseling_are_closed_with_4403(live_world, session_cookie, role):
    cookie = await database_sync_to_async(session_cookie)(getattr(live_world, role))
    assert await close_code(cookie) == 4403


async def test_a_counselor_owing_the_second_factor_is_closed_with_4401(live_world, session_cookie):
    await database_sync_to_async(TOTPDevice.objects.create)(user=live_world.gurubk, name="HP", confirmed=True)
    cookie = await database_sync_to_async(session_cookie)(live_world.gurubk)
    assert await close_code(cookie) == 4401


async def test_a_student_and_counselor_chat_live(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    for socket in (student, counselor):
        await socket.send_json_to({"type": "subscribe", "conversation": conversation.pk, "after": 0})
        assert (await frame_of(socket, "messages"))["messages"] == []

    key = await send(student, conversation.pk, "Bu, saya mau cerita.")
    ack = await frame_of(student, "ack")
    arrived = await frame_of(counselor, "message")

    assert (ack["seq"], ack["client_key"], ack["duplicate"]) == (1, key, False)
    assert (arrived["seq"], arrived["body"], arrived["sender_role"]) == (1, "Bu, saya mau cerita.", "student")
    await send(counselor, conversation.pk, "Silakan, Ibu dengarkan.")
    # The sending socket has its ack instead of a copy: the first message it gets is the reply.
    reply = await frame_of(student, "message")
    assert (reply["seq"], reply["sender_role"]) == (2, "counselor")
    stored = await database_sync_to_async(lambda: Conversation.objects.get(pk=conversation.pk))()
    assert stored.counselor_id == live_world.gurubk.pk  # replying claims an unclaimed conversation
    for socket in (student, counselor):
        await socket.disconnect()


async def test_a_resend_with_the_same_key_is_stored_once(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")

    key = await send(student, conversation.pk, "Halo")
    first = await frame_of(student, "ack")
    await send(student, conversation.pk, "Halo", key=key)
    second = await frame_of(student, "ack")

    assert (first["seq"], first["duplicate"]) == (1, False)
    assert (second["seq"], second["duplicate"]) == (1, True)
    assert await database_sync_to_async(Message.objects.filter(conversation=conversation).count)() == 1
    await student.disconnect()


async def test_nothing_is_lost_across_a_dropped_connection(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")
    for n in range(3):
        await send(student, conversation.pk, f"pesan {n + 1}")
        await frame_of(student, "ack")
    await student.disconnect()

    counselor = await signed_in(session_cookie, live_world.gurubk)
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    assert [m["seq"] for m in (await frame_of(counselor, "messages"))["messages"]] == [1, 2, 3]
    for body in ("balasan 1", "balasan 2"):
        await send(counselor, conversation.pk, body)
        await frame_of(counselor, "ack")

    again = await signed_in(session_cookie, live_world.siswa)
    await again.send_json_to({"type": "subscribe", "conversation": conversation.pk, "after": 3})
    resumed = await frame_of(again, "messages")

    assert [(m["seq"], m["body"]) for m in resumed["messages"]] == [(4, "balasan 1"), (5, "balasan 2")]
    assert resumed["complete"] is True
    await counselor.disconnect()
    await again.disconnect()


async def test_another_students_conversation_cannot_be_joined_or_written(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world, live_world.other_student)
    student = await signed_in(session_cookie, live_world.siswa)

    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    refused = await frame_of(student, "error")
    await send(student, conversation.pk, "masuk?")
    refused_send = await frame_of(student, "error")

    assert refused["code"] == "not_found"
    assert refused_send["code"] == "forbidden"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await student.disconnect()


async def test_a_counselor_outside_the_caseload_cannot_join(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    other = await signed_in(session_cookie, live_world.gurubk_other)

    await other.send_json_to({"type": "subscribe", "conversation": conversation.pk})

    assert (await frame_of(other, "error"))["code"] == "not_found"
    await other.disconnect()


async def test_markup_travels_as_plain_text_and_long_messages_are_refused(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")

    other_tab = await signed_in(session_cookie, live_world.siswa)
    await other_tab.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(other_tab, "messages")

    await send(student, conversation.pk, "<script>alert(1)</script>")
    echoed = await frame_of(other_tab, "message")  # the sender's other tab gets the stored copy
    await send(student, conversation.pk, "x" * (services.MAX_BODY + 1))
    too_long = await frame_of(student, "error")

    assert echoed["body"] == "<script>alert(1)</script>"
    assert too_long["code"] == "too_long"
    for socket in (student, other_tab):
        await socket.disconnect()


async def test_typing_reaches_the_other_side_only_and_receipts_are_shared(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    for socket in (student, counselor):
        await socket.send_json_to({"type": "subscribe", "conversation": conversation.pk})
        await frame_of(socket, "messages")
    await send(student, conversation.pk, "Halo Bu")
    await frame_of(counselor, "message")
    await frame_of(student, "ack")

    await student.send_json_to({"type": "typing", "conversation": conversation.pk})
    typing = await frame_of(counselor, "typing")
    not_echoed = await student.receive_nothing(timeout=0.3)
    await counselor.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    receipt = await frame_of(student, "receipt")

    assert typing["role"] == "student"
    assert not_echoed
    assert (receipt["role"], receipt["read_seq"], receipt["delivered_seq"]) == ("counselor", 1, 1)
    for socket in (student, counselor):
        await socket.disconnect()


async def test_a_counselors_live_read_is_audited_once_per_connection(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    for _ in range(2):
        await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
        await frame_of(counselor, "messages")

    reads = await database_sync_to_async(
        lambda: list(AuditEvent.objects.filter(action="read", object_id=str(conversation.pk)))
    )()
    assert [e.actor_id for e in reads] == [live_world.gurubk.pk]
    await counselor.disconnect()


async def test_a_live_read_that_cannot_be_audited_shows_nothing(live_world, session_cookie, monkeypatch):
    """The batch writer writes the audit event before the subscribe answers: no event, no messages."""
    conversation = await database_sync_to_async(chat)(live_world)

    def broken(reads):
        raise ValueError("the audit table is gone")

    monkeypatch.setattr(services, "write_read_audits", broken)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})

    frame = await counselor.receive_json_from(timeout=10)
    assert (frame["type"], frame["code"]) == ("error", "server_error")
    await counselor.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    assert (await frame_of(counselor, "error"))["code"] == "forbidden"  # not subscribed
    await counselor.disconnect()


async def test_a_new_student_message_refreshes_the_inboxes_of_those_who_may_claim_it(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")

    await send(student, conversation.pk, "Bu, ada waktu?")
    event = await frame_of(counselor, "inbox")

    assert event["event"] == {"type": "updated", "conversation": conversation.pk}
    for socket in (student, counselor):
        await socket.disconnect()


async def test_a_session_with_a_verified_second_factor_is_admitted(live_world, session_cookie):
    device = await database_sync_to_async(TOTPDevice.objects.create)(user=live_world.gurubk, name="HP", confirmed=True)

    def verified_cookie():
        from django.test import Client

        client = Client()
        client.force_login(live_world.gurubk)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return session.session_key

    cookie = await database_sync_to_async(verified_cookie)()
    communicator, connected, code = await connect(cookie)
    assert connected, code
    await communicator.disconnect()


async def test_a_risky_message_alerts_the_counselors_and_shows_the_student_crisis_contacts(
    live_world, session_cookie, mailoutbox
):
    def with_emails():
        for user in (live_world.gurubk, live_world.koordinator):
            user.email = f"{user.username}@sekolah.sch.id"
            user.save(update_fields=["email"])
        return chat(live_world)

    conversation = await database_sync_to_async(with_emails)()
    counselor = await signed_in(session_cookie, live_world.gurubk)
    koordinator = await signed_in(session_cookie, live_world.koordinator)
    student = await signed_in(session_cookie, live_world.siswa)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")

    await send(student, conversation.pk, "aku udah gak kuat, pengen bunuh diri aja")
    ack = await frame_of(student, "ack")
    alerts = [await frame_of(socket, "inbox") for socket in (counselor, koordinator)]
    while any(a["event"]["type"] != "alert" for a in alerts):
        alerts = [
            a if a["event"]["type"] == "alert" else await frame_of(s, "inbox")
            for a, s in zip(alerts, (counselor, koordinator), strict=True)
        ]

    stored = await database_sync_to_async(lambda: Conversation.objects.get(pk=conversation.pk))()
    await database_sync_to_async(notify.wait_for_mail)()
    assert ack["crisis_contacts"]
    assert {a["event"]["conversation"] for a in alerts} == {conversation.pk}
    assert stored.urgent is True
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"{u.username}@sekolah.sch.id" for u in (live_world.gurubk, live_world.koordinator)
    )
    assert all(len(m.to) == 1 for m in mailoutbox)  # colleagues' addresses are not shared
    assert "bunuh" not in mailoutbox[0].body
    assert f"/konseling/{conversation.pk}/" in mailoutbox[0].body
    for socket in (student, counselor, koordinator):
        await socket.disconnect()


async def test_signing_out_closes_that_sessions_socket(live_world, session_cookie):
    from ekonseling.counseling import services as counseling

    socket = await signed_in(session_cookie, live_world.siswa)

    await database_sync_to_async(counseling.end_sockets)(live_world.siswa.pk)

    closed = await socket.receive_output(timeout=10)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)


async def test_a_transfer_stops_the_old_counselors_subscription(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    await database_sync_to_async(services.claim)(conversation, live_world.gurubk)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(counselor, "messages")

    await database_sync_to_async(services.transfer)(conversation, live_world.gurubk, live_world.koordinator)
    refused = await frame_of(counselor, "error")
    from channels.layers import get_channel_layer

    # A message sent afterwards (by any process) no longer reaches the old counselor.
    await get_channel_layer().group_send(
        services.conversation_group(conversation.pk),
        {"type": "conversation.message", "message": {"type": "message", "conversation": conversation.pk, "seq": 9}},
    )

    assert (refused["code"], refused["conversation"]) == ("forbidden", conversation.pk)
    # Nothing of the conversation any more; only the page's own badge refresh (issue 13), the
    # transfer having changed what waits for them.
    while not await counselor.receive_nothing(timeout=0.3):
        frame = await counselor.receive_json_from()
        assert frame == {"type": "live.refresh"}, frame
    await counselor.disconnect()


def _session_of(cookie):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=cookie)


def _set_expiry(cookie, seconds):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key=cookie).update(expire_date=timezone.now() + datetime.timedelta(seconds=seconds))


@pytest.mark.parametrize("ending", ["expired", "deleted"])
async def test_a_socket_is_closed_once_its_session_has_ended(live_world, session_cookie, ending):
    from ekonseling.counseling import socket_sessions

    cookie = await database_sync_to_async(session_cookie)(live_world.siswa)
    socket, connected, _code = await connect(cookie)
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"
    other = await signed_in(session_cookie, live_world.gurubk)
    if ending == "expired":
        await database_sync_to_async(_set_expiry)(cookie, -1)
    else:
        await database_sync_to_async(lambda: _session_of(cookie).delete())()

    assert await socket_sessions.watch().check() == 1

    closed = await socket.receive_output(timeout=10)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
    assert await other.receive_nothing(timeout=0.2)  # the counselor's session is still valid
    await other.disconnect()


async def test_a_deactivated_account_loses_its_socket_at_once_or_at_the_next_check(live_world, session_cookie):
    """Deactivated in the administration: every session ends at once. Closed in bulk (graduates):
    the watch sees the account inactive at its next look, whatever the session says."""
    from ekonseling.accounts import services as accounts
    from ekonseling.accounts.models import User
    from ekonseling.counseling import socket_sessions

    student = await signed_in(session_cookie, live_world.siswa)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    other = await signed_in(session_cookie, live_world.koordinator)

    await database_sync_to_async(accounts.deactivated)(live_world.siswa, live_world.operator)
    closed = await student.receive_output(timeout=1)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)

    await database_sync_to_async(User.objects.filter(pk=live_world.gurubk.pk).update)(is_active=False)
    assert await socket_sessions.watch().check() == 1
    closed = await counselor.receive_output(timeout=1)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
    assert await other.receive_nothing(timeout=0.2)
    await other.disconnect()


async def test_using_the_chat_keeps_the_session_alive_and_an_idle_socket_does_not(live_world, session_cookie):
    from django.conf import settings
    from django.utils import timezone

    from ekonseling.counseling import socket_sessions

    conversation = await database_sync_to_async(chat)(live_world)
    active_cookie = await database_sync_to_async(session_cookie)(live_world.siswa)
    idle_cookie = await database_sync_to_async(session_cookie)(live_world.siswa)
    sockets = []
    for cookie in (active_cookie, idle_cookie):
        socket, connected, _code = await connect(cookie)
        assert connected
        await socket.receive_json_from()
        sockets.append(socket)
        await database_sync_to_async(_set_expiry)(cookie, 100)
    active, idle = sockets
    await send(active, conversation.pk, "Bu, saya mau cerita.")
    await frame_of(active, "ack")
    await idle.send_json_to({"type": "ping"})  # the page pinging by itself is not the user at work
    await frame_of(idle, "pong")

    assert await socket_sessions.watch().check() == 0

    renewed = (await database_sync_to_async(_session_of)(active_cookie)).expire_date - timezone.now()
    untouched = (await database_sync_to_async(_session_of)(idle_cookie)).expire_date - timezone.now()
    assert renewed > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert untouched < datetime.timedelta(seconds=101)
    # Activity counts once per check: without new activity the next check renews nothing.
    await database_sync_to_async(_set_expiry)(active_cookie, 100)
    await socket_sessions.watch().check()
    again = (await database_sync_to_async(_session_of)(active_cookie)).expire_date - timezone.now()
    assert again < datetime.timedelta(seconds=101)
    for socket in sockets:
        assert await socket.receive_nothing(timeout=0.1)
        await socket.disconnect()
    assert socket_sessions.watch().sockets == {}


async def test_receipts_need_a_subscription_and_are_clamped_to_the_last_message(live_world, session_cookie):
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    await student.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(student, "messages")
    await send(student, conversation.pk, "Halo Bu")
    await frame_of(student, "ack")

    await counselor.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    refused = await frame_of(counselor, "error")
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(counselor, "messages")
    await counselor.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 10**15})
    receipt = await frame_of(student, "receipt")

    assert (refused["code"], refused["conversation"]) == ("forbidden", conversation.pk)
    assert (receipt["role"], receipt["delivered_seq"], receipt["read_seq"]) == ("counselor", 1, 1)
    for socket in (student, counselor):
        await socket.disconnect()


def _submit_a_critical_item(world):
    from datetime import timedelta

    from django.utils import timezone

    from ekonseling.instruments import services as instruments

    name = "dcm-contoh.json"
    instrument, _ = instruments.import_definition(
        world.school, (instruments.SAMPLES_DIR / name).read_bytes(), name, user=world.gurubk
    )
    now = timezone.now()
    administration = instruments.open_administration(
        instrument=instrument,
        title="DCM X-A",
        created_by=world.gurubk,
        rombels=[world.rombel_a],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    sheet = administration.assignments.get(student=world.student)
    critical = instrument.definition.critical_items[0]
    instruments.save_answers(sheet, {"items": {str(critical): True}}, by=world.siswa)
    instruments.submit(sheet, by=world.siswa)
    from ekonseling.safety.models import Alert

    return Alert.objects.get(source=Alert.Source.SHEET, source_id=sheet.pk).pk


async def test_a_critical_item_on_an_instrument_reaches_the_serving_counselors_inbox_at_once(
    live_world, session_cookie
):
    serving = await signed_in(session_cookie, live_world.gurubk)
    koordinator = await signed_in(session_cookie, live_world.koordinator)
    not_serving = await signed_in(session_cookie, live_world.gurubk_other)

    alert_pk = await database_sync_to_async(_submit_a_critical_item)(live_world)

    for socket in (serving, koordinator):
        frame = await frame_of(socket, "inbox")
        assert frame["event"] == {"type": "critical", "alert": alert_pk}
    assert await not_serving.receive_nothing(timeout=0.3)
    for socket in (serving, koordinator, not_serving):
        await socket.disconnect()


async def test_a_counselor_reply_reaches_the_students_open_page_as_live_refresh(live_world, session_cookie):
    """Issue 13: the student is on another page (their home), subscribed to no conversation; the
    counselor's reply tells that page to re-count its badges and cards."""
    conversation = await database_sync_to_async(chat)(live_world)
    student = await signed_in(session_cookie, live_world.siswa)
    try:
        draft = services.Draft(conversation.pk, live_world.gurubk, uuid.uuid4(), "Halo, Ibu di sini.")
        await database_sync_to_async(services.post_messages)([draft])
        assert await frame_of(student, "live.refresh") == {"type": "live.refresh"}
    finally:
        await student.disconnect()


async def test_a_counselor_reply_is_no_live_refresh_on_the_students_open_chat(live_world, session_cookie):
    """The student's socket that shows the conversation gets the reply as a `message` (the page
    marks it read, so the badge does not change), not a `live.refresh` on top of it; their page
    elsewhere (another tab) still gets the refresh."""
    conversation = await database_sync_to_async(chat)(live_world)
    open_chat = await signed_in(session_cookie, live_world.siswa)
    home = await signed_in(session_cookie, live_world.siswa)
    try:
        await open_chat.send_json_to({"type": "subscribe", "conversation": conversation.pk})
        await frame_of(open_chat, "messages")
        draft = services.Draft(conversation.pk, live_world.gurubk, uuid.uuid4(), "Halo, Ibu di sini.")
        await database_sync_to_async(services.post_messages)([draft])
        assert await frame_of(home, "live.refresh") == {"type": "live.refresh"}
        assert (await open_chat.receive_json_from(timeout=10))["type"] == "message"
        assert await open_chat.receive_nothing(timeout=0.3)
    finally:
        await open_chat.disconnect()
        await home.disconnect()


async def test_live_frames_go_out_as_the_publisher_encoded_them(live_world, session_cookie):
    """A message, receipt or inbox event is encoded once, where it is published, and every socket
    sends that text as it is (no decoding and encoding again per socket); an event published by an
    older process during a deploy (the frame as an object) still reaches the page."""
    from channels.layers import get_channel_layer

    conversation = await database_sync_to_async(chat)(live_world)
    await database_sync_to_async(services.claim)(conversation, live_world.gurubk)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    await counselor.send_json_to({"type": "subscribe", "conversation": conversation.pk})
    await frame_of(counselor, "messages")
    while not await counselor.receive_nothing(timeout=0.3):
        await counselor.receive_from()  # the claim's badge refresh
    layer, group = get_channel_layer(), services.conversation_group(conversation.pk)
    published = f'{{"type":"message","conversation":{conversation.pk},"seq":7,"as":"published"}}'
    receipt = f'{{"type":"receipt","conversation":{conversation.pk},"as":"published"}}'
    inbox = '{"type":"inbox","event":{"type":"updated"},"as":"published"}'

    await layer.group_send(group, {"type": "conversation.message", "conversation": conversation.pk, "text": published})
    assert await counselor.receive_from() == published
    await layer.group_send(group, {"type": "conversation.receipt", "conversation": conversation.pk, "text": receipt})
    assert await counselor.receive_from() == receipt
    await layer.group_send(f"user.{live_world.gurubk.pk}", {"type": "inbox.event", "event": {}, "text": inbox})
    assert await counselor.receive_from() == inbox
    # Another conversation's frame is not sent, however it is encoded.
    await layer.group_send(group, {"type": "conversation.message", "conversation": 0, "text": published})
    old = {"type": "message", "conversation": conversation.pk, "seq": 8}
    await layer.group_send(group, {"type": "conversation.message", "message": old})
    assert await counselor.receive_json_from() == old
    await counselor.disconnect()
