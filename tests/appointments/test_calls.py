"""Video and voice calls: the signalling over the counseling socket (appointments/signalling.py).

Only the appointment's participants join, only inside its window; the student waits until the
counselor admits them, and a waiting student's signals go nowhere; offers, answers and candidates
reach only the peer named; the call's start and end draft the service record. The page allows the
camera and microphone, and no other page does."""

import datetime

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.appointments import actions, signalling
from ekonseling.appointments.models import Appointment, CallSession, GroupMember
from ekonseling.core.models import AuditEvent
from tests import factories
from tests.counseling.test_consumer import frame_of, signed_in

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}


def _appointment(world, *, start_in=datetime.timedelta(minutes=-1), minutes=30, medium="video", status="confirmed"):
    starts = timezone.now() + start_in
    return Appointment.objects.create(
        school=world.school,
        counselor=world.gurubk,
        student=world.student,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        medium=medium,
        status=status,
    )


async def _join(communicator, appointment_id):
    await communicator.send_json_to({"type": "call.join", "appointment": appointment_id})
    return await _call_frame(communicator)


async def _call_frame(communicator, timeout=10):
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"].startswith("call."):
            return frame


async def _nothing(communicator, timeout=0.3):
    assert await communicator.receive_nothing(timeout=timeout)


@pytest.mark.asyncio
async def test_the_counselor_admits_the_student_and_signals_reach_only_the_named_peer(live_world, session_cookie):
    appointment = await database_sync_to_async(_appointment)(live_world)
    counselor = await signed_in(session_cookie, live_world.gurubk)
    student = await signed_in(session_cookie, live_world.siswa)

    host = await _join(counselor, appointment.pk)
    assert host["type"] == "call.joined" and host["role"] == "host" and host["admitted"]
    guest = await _join(student, appointment.pk)
    assert guest["type"] == "call.joined" and guest["role"] == "guest" and not guest["admitted"]

    knock = await frame_of(counselor, "call.knock")
    assert knock["peer"] == guest["peer"]
    # Waiting: the student's signals go nowhere.
    await student.send_json_to(
        {"type": "call.signal", "appointment": appointment.pk, "to": host["peer"], "description": OFFER}
    )
    refused = await _call_frame(student)
    assert refused["type"] == "call.error" and refused["code"] == "forbidden"
    # Only the counselor admits.
    await student.send_json_to({"type": "call.admit", "appointment": appointment.pk, "peer": guest["peer"]})
    assert (await _call_frame(student))["code"] == "forbidden"

    await counselor.send_json_to({"type": "call.admit", "appointment": appointment.pk, "peer": guest["peer"]})
    assert (await _call_frame(student))["type"] == "call.admitted"
    newcomer = await frame_of(counselor, "call.peer")
    assert newcomer["peer"] == guest["peer"]

    await counselor.send_json_to(
        {"type": "call.signal", "appointment": appointment.pk, "to": guest["peer"], "description": OFFER}
    )
    signal = await frame_of(student, "call.signal")
    assert signal["from"] == host["peer"] and signal["description"] == OFFER
    candidate = {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    await student.send_json_to(
        {"type": "call.signal", "appointment": appointment.pk, "to": host["peer"], "candidate": candidate}
    )
    signal = await frame_of(counselor, "call.signal")
    assert signal["candidate"]["candidate"] == candidate["candidate"]

    call = await database_sync_to_async(CallSession.objects.get)(appointment=appointment)
    assert call.started_at is not None and call.ended_at is None

    await counselor.send_json_to({"type": "call.end", "appointment": appointment.pk})
    assert (await frame_of(student, "call.ended"))["reason"] == "ended"
    assert (await frame_of(counselor, "call.ended"))["reason"] == "ended"
    call = await database_sync_to_async(CallSession.objects.get)(appointment=appointment)
    assert call.ended_at is not None
    await counselor.disconnect()
    await student.disconnect()


@pytest.mark.asyncio
async def test_a_third_user_is_refused_at_signalling(live_world, session_cookie):
    appointment = await database_sync_to_async(_appointment)(live_world)

    def others():
        third = factories.user(live_world.school, Role.SISWA)
        factories.student(live_world.school, rombel=live_world.rombel_a, user=third)
        return [third, live_world.koordinator, live_world.gurubk_other]

    for user in await database_sync_to_async(others)():
        socket = await signed_in(session_cookie, user)
        refused = await _join(socket, appointment.pk)
        assert refused["type"] == "call.error" and refused["code"] == "not_found", user.role
        # Not in the call: nothing of it reaches them.
        await socket.send_json_to(
            {"type": "call.signal", "appointment": appointment.pk, "to": "x", "description": OFFER}
        )
        assert (await _call_frame(socket))["code"] == "forbidden"
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("start_in", "status", "code"),
    [
        (datetime.timedelta(minutes=30), "confirmed", "not_open"),  # opens 10 minutes before
        (datetime.timedelta(minutes=-60), "confirmed", "not_open"),  # ended 30 minutes ago
        (datetime.timedelta(minutes=5), "requested", "not_confirmed"),
    ],
)
async def test_the_window_is_enforced(live_world, session_cookie, start_in, status, code):
    appointment = await database_sync_to_async(_appointment)(live_world, start_in=start_in, status=status)
    for user in (live_world.gurubk, live_world.siswa):
        socket = await signed_in(session_cookie, user)
        refused = await _join(socket, appointment.pk)
        assert refused["type"] == "call.error" and refused["code"] == code
        await socket.disconnect()


@pytest.mark.asyncio
async def test_within_the_grace_the_call_opens(live_world, session_cookie):
    appointment = await database_sync_to_async(_appointment)(live_world, start_in=datetime.timedelta(minutes=8))
    socket = await signed_in(session_cookie, live_world.gurubk)
    assert (await _join(socket, appointment.pk))["type"] == "call.joined"
    await socket.disconnect()


@pytest.mark.asyncio
async def test_a_second_tab_replaces_the_first_and_a_face_to_face_appointment_has_no_call(live_world, session_cookie):
    appointment = await database_sync_to_async(_appointment)(live_world)
    first = await signed_in(session_cookie, live_world.gurubk)
    second = await signed_in(session_cookie, live_world.gurubk)
    await _join(first, appointment.pk)
    await _join(second, appointment.pk)
    assert (await frame_of(first, "call.ended"))["reason"] == "replaced"
    face = await database_sync_to_async(_appointment)(
        live_world, start_in=datetime.timedelta(hours=-3), medium="tatap_muka"
    )
    await second.send_json_to({"type": "call.join", "appointment": face.pk})
    assert (await frame_of(second, "call.error"))["code"] == "not_found"
    for bad in (
        {"type": "call.join"},
        {"type": "call.join", "appointment": "1e400"},
        {"type": "call.x", "appointment": 1},
    ):
        await second.send_json_to(bad)
        assert (await frame_of(second, "call.error"))["code"] == "bad_frame"
    await first.disconnect()
    await second.disconnect()


@pytest.mark.asyncio
async def test_a_group_of_four_all_meet_each_other(live_world, session_cookie):
    def make():
        appointment = _appointment(live_world)
        members = []
        for _ in range(2):
            user = factories.user(live_world.school, Role.SISWA)
            student = factories.student(live_world.school, rombel=live_world.rombel_a, user=user)
            GroupMember.objects.create(school=live_world.school, appointment=appointment, student=student)
            members.append(user)
        return appointment, members

    appointment, members = await database_sync_to_async(make)()
    host = await signed_in(session_cookie, live_world.gurubk)
    me = await _join(host, appointment.pk)
    guests = []
    for user in [live_world.siswa, *members]:
        socket = await signed_in(session_cookie, user)
        joined = await _join(socket, appointment.pk)
        knock = await frame_of(host, "call.knock")
        await host.send_json_to({"type": "call.admit", "appointment": appointment.pk, "peer": knock["peer"]})
        assert (await frame_of(socket, "call.admitted"))["type"] == "call.admitted"
        # Everyone already in the call is told of the newcomer (and makes the offer).
        for earlier, _peer in guests:
            assert (await frame_of(earlier, "call.peer"))["peer"] == joined["peer"]
        assert (await frame_of(host, "call.peer"))["peer"] == joined["peer"]
        guests.append((socket, joined["peer"]))
    assert me["admitted"] and len(guests) == 3
    for socket, _peer in guests:
        await socket.disconnect()
    await host.disconnect()


def test_the_call_page_allows_the_camera_only_there(world, client):
    appointment = _appointment(world)
    client.force_login(world.siswa)
    page = client.get(reverse("appointments:call", args=[appointment.pk]))
    assert page.status_code == 200
    assert "camera=(self)" in page["Permissions-Policy"] and "microphone=(self)" in page["Permissions-Policy"]
    assert "geolocation=()" in page["Permissions-Policy"]
    assert 'data-testid="not-recorded"' in page.content.decode()
    other = client.get(reverse("appointments:detail", args=[appointment.pk]))
    assert "camera=()" in other["Permissions-Policy"]
    client.force_login(world.koordinator)  # sees every appointment, is in no call
    assert client.get(reverse("appointments:call", args=[appointment.pk])).status_code == 404


def test_the_calls_start_and_end_draft_the_service_record(world):
    appointment = _appointment(world, start_in=datetime.timedelta(minutes=-40), minutes=60)
    started = timezone.now() - datetime.timedelta(minutes=30)
    CallSession.objects.create(
        school=world.school,
        appointment=appointment,
        started_at=started,
        ended_at=started + datetime.timedelta(minutes=23),
    )
    url = actions.record_url(appointment)
    assert "durasi=23" in url and "medium=video" in url


def test_turn_credentials_are_time_limited_with_coturn_secret(settings):
    settings.CALL_STUN_URLS = ["stun:turn.example:3478"]
    settings.CALL_TURN_URLS = ["turn:turn.example:3478"]
    settings.CALL_TURN_SECRET = "rahasia"
    servers = signalling.ice_servers(7)
    assert servers[0] == {"urls": ["stun:turn.example:3478"]}
    expiry, user = servers[1]["username"].split(":")
    assert user == "7" and int(expiry) > timezone.now().timestamp() and servers[1]["credential"]


# --- the rest of #16: the badge, the student page, the student told of a confirmation ---------------------


def test_waiting_requests_are_the_counselors_menu_badge(world, client):
    appointment = _appointment(world, start_in=datetime.timedelta(days=1), status="requested")
    client.force_login(world.gurubk)
    assert client.get(reverse("core:badges")).json()["badges"]["appointments:index"] == 1
    actions.confirm(appointment, world.gurubk)
    assert client.get(reverse("core:badges")).json()["badges"]["appointments:index"] == 0
    client.force_login(world.siswa)
    assert "appointments:index" not in client.get(reverse("core:badges")).json()["badges"]


def test_the_student_page_lists_the_appointments_the_viewer_may_see(world, client):
    _appointment(world, start_in=datetime.timedelta(days=1))
    for user, shown in ((world.gurubk, True), (world.koordinator, True), (world.walikelas, False)):
        client.force_login(user)
        page = client.get(reverse("students:detail", args=[world.student.pk])).content.decode()
        assert ('data-testid="student-appointments"' in page) is shown, user.role


def test_the_student_is_told_when_a_request_is_confirmed(world, django_capture_on_commit_callbacks, mailoutbox):
    from ekonseling.core import notify

    world.siswa.email = "siswa@example.id"
    world.siswa.save(update_fields=["email"])
    appointment = _appointment(world, start_in=datetime.timedelta(days=1), status="requested")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.confirm(appointment, world.gurubk)
    notify.wait_for_mail()
    assert len(callbacks) >= 2  # the live refresh of the student's pages and the e-mail
    (mail,) = [m for m in mailoutbox if "siswa@example.id" in m.to]
    assert f"/jadwal/{appointment.pk}/" in mail.body


def test_the_demo_has_a_video_call_open_now(db):
    from ekonseling.core import demo

    demo.load()
    # (Beside the group session held a week ago: test_group.py.)
    now = Appointment.objects.filter(medium="video", student__user__username="siswa", status="confirmed")
    (video,) = now.filter(counselor__username="gurubk")
    assert signalling.is_open(video)
    demo.load()  # a second run changes nothing
    assert now.count() == 1


def test_a_group_member_joins_the_group_session_from_their_home(world, client):
    appointment = _appointment(world)
    user = factories.user(world.school, Role.SISWA)
    member = factories.student(world.school, rombel=world.rombel_a, user=user)
    GroupMember.objects.create(school=world.school, appointment=appointment, student=member)
    client.force_login(user)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("appointments:call", args=[appointment.pk]) in home
    assert f'href="{reverse("appointments:detail", args=[appointment.pk])}"' in home  # its page too (test_group.py)
    assert client.get(reverse("appointments:call", args=[appointment.pk])).status_code == 200
    assert client.get(reverse("appointments:detail", args=[appointment.pk])).status_code == 200


@pytest.mark.asyncio
async def test_a_member_removed_during_the_call_is_dropped_within_a_second(live_world, session_cookie):
    """Removing a member tells the call at once (the `access.changed` broadcast): the others close
    their connection to them, their page ends the call, and their later signals go nowhere."""

    def make():
        appointment = actions.book(
            live_world.gurubk, live_world.student, timezone.now() + datetime.timedelta(minutes=5), 30, "video", ""
        )
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
        user = factories.user(live_world.school, Role.SISWA)
        student = factories.student(live_world.school, rombel=live_world.rombel_a, user=user)
        member = GroupMember.objects.create(school=live_world.school, appointment=appointment, student=student)
        return appointment, user, member

    appointment, member_user, member = await database_sync_to_async(make)()
    host = await signed_in(session_cookie, live_world.gurubk)
    await _join(host, appointment.pk)
    sockets = {}
    for user in (live_world.siswa, member_user):
        socket = await signed_in(session_cookie, user)
        joined = await _join(socket, appointment.pk)
        await _admit(host, joined["peer"], appointment.pk)
        await frame_of(socket, "call.admitted")
        sockets[user.pk] = (socket, joined["peer"])
    student_socket, student_peer = sockets[live_world.siswa.pk]
    removed_socket, removed_peer = sockets[member_user.pk]
    await frame_of(student_socket, "call.peer")  # the member joined after the student

    await database_sync_to_async(actions.remove_group_member)(live_world.gurubk, member)
    ended = await frame_of(removed_socket, "call.ended", timeout=1)
    assert ended == {"type": "call.ended", "appointment": appointment.pk, "reason": "removed"}
    for other in (host, student_socket):
        assert (await frame_of(other, "call.peer-left", timeout=1))["peer"] == removed_peer

    signal = {"type": "call.signal", "appointment": appointment.pk, "to": student_peer, "description": OFFER}
    await removed_socket.send_json_to(signal)
    assert (await frame_of(removed_socket, "call.error", timeout=1))["code"] == "forbidden"
    await _nothing(student_socket)
    assert (await _join(removed_socket, appointment.pk))["code"] == "not_found"
    # The call goes on for the others.
    await host.send_json_to({**signal, "to": student_peer})
    assert (await frame_of(student_socket, "call.signal", timeout=1))["description"] == OFFER
    for socket in (host, student_socket, removed_socket):
        await socket.disconnect()


def test_opening_a_1_1_call_without_a_chat_starts_one_for_the_counselor(world, client):
    from ekonseling.counseling import services
    from ekonseling.counseling.models import Conversation

    later = _appointment(world, start_in=datetime.timedelta(days=1))
    appointment = _appointment(world)
    client.force_login(world.siswa)
    # Before the window nothing is started.
    assert "data-call-chat" not in client.get(reverse("appointments:call", args=[later.pk])).content.decode()
    assert not Conversation.objects.exists()
    page = client.get(reverse("appointments:call", args=[appointment.pk])).content.decode()
    (chat,) = Conversation.objects.all()
    assert chat.student == world.student and chat.counselor == world.gurubk and chat.kind == "chat"
    assert f'data-conversation="{chat.pk}"' in page and "data-call-chat" in page
    assert AuditEvent.objects.filter(detail="chat started beside a call", actor=world.siswa).count() == 1
    client.force_login(world.gurubk)  # the counselor's page continues the same chat
    page = client.get(reverse("appointments:call", args=[appointment.pk])).content.decode()
    assert f'data-conversation="{chat.pk}"' in page and Conversation.objects.count() == 1
    # A chat handled by another counselor is neither shown nor doubled.
    Conversation.objects.filter(pk=chat.pk).update(counselor=world.koordinator)
    page = client.get(reverse("appointments:call", args=[appointment.pk])).content.decode()
    assert "data-call-chat" not in page and Conversation.objects.count() == 1
    assert services.open_chat(world.student, world.siswa).pk == chat.pk


def _group_in_call(world):
    """A video group session open now: its own student and one member."""
    appointment = actions.book(
        world.gurubk, world.student, timezone.now() + datetime.timedelta(minutes=5), 30, "video", ""
    )
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    user = factories.user(world.school, Role.SISWA)
    student = factories.student(world.school, rombel=world.rombel_a, user=user)
    member = GroupMember.objects.create(school=world.school, appointment=appointment, student=student)
    return appointment, user, member


async def _everyone_in(host, sockets, appointment_id):
    await _join(host, appointment_id)
    for socket in sockets:
        joined = await _join(socket, appointment_id)
        await _admit(host, joined["peer"], appointment_id)
        await frame_of(socket, "call.admitted")


async def _admit(host, peer, appointment_id):
    """Let `peer` in once it knocks. (A student already waiting knocks again when the counselor's
    own join reaches them late, as it may on Redis: those knocks are skipped.)"""
    while (await frame_of(host, "call.knock"))["peer"] != peer:
        pass
    await host.send_json_to({"type": "call.admit", "appointment": appointment_id, "peer": peer})


@pytest.mark.asyncio
async def test_the_group_chat_is_stored_encrypted_screened_and_for_its_participants_only(live_world, session_cookie):
    import uuid

    from django.db import connection

    from ekonseling.appointments.models import GroupChatMessage
    from ekonseling.safety.models import Alert

    appointment, member_user, member = await database_sync_to_async(_group_in_call)(live_world)
    host = await signed_in(session_cookie, live_world.gurubk)
    student = await signed_in(session_cookie, live_world.siswa)
    other = await signed_in(session_cookie, member_user)
    await _everyone_in(host, [student, other], appointment.pk)

    key = str(uuid.uuid4())
    chat = {"type": "call.chat", "appointment": appointment.pk, "client_key": key, "body": "Selamat pagi, Bu"}
    await student.send_json_to(chat)
    mine = await frame_of(student, "call.chat")
    assert mine["client_key"] == key and mine["seq"] == 1 and mine["sender_role"] == "student"
    for socket in (host, other):
        got = await frame_of(socket, "call.chat")
        assert got["body"] == "Selamat pagi, Bu" and got["name"] and "flagged" not in got
    await student.send_json_to(chat)  # a resend lands once
    assert (await frame_of(student, "call.chat"))["seq"] == 1

    # A worrying message raises an alert on the student who wrote it.
    worrying = {**chat, "client_key": str(uuid.uuid4()), "body": "kadang pengen ilang aja dari dunia ini"}
    await other.send_json_to(worrying)
    assert (await frame_of(other, "call.chat"))["seq"] == 2

    def stored():
        rows = list(GroupChatMessage.objects.order_by("seq"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT body FROM appointments_groupchatmessage")
            raw = [r[0] for r in cursor.fetchall()]
        alert = Alert.objects.get(source="group_chat")
        return rows, raw, alert

    rows, raw, alert = await database_sync_to_async(stored)()
    assert [r.body for r in rows] == ["Selamat pagi, Bu", "kadang pengen ilang aja dari dunia ini"]
    assert not any("pagi" in str(value) or "dunia" in str(value) for value in raw)  # encrypted at rest
    assert rows[1].flagged and rows[1].student_id == member.student_id and alert.student_id == member.student_id
    assert alert.source_id == rows[1].pk

    # Removed: dropped from the call, refused at the chat, no history on a new join.
    await database_sync_to_async(actions.remove_group_member)(live_world.gurubk, member)
    await frame_of(other, "call.ended", timeout=1)
    await other.send_json_to({**chat, "client_key": str(uuid.uuid4()), "body": "masih di sini?"})
    assert (await frame_of(other, "call.error", timeout=1))["code"] == "forbidden"
    assert (await _join(other, appointment.pk))["code"] == "not_found"
    drained = []
    while not await student.receive_nothing(timeout=0.3):
        drained.append(await student.receive_json_from())
    assert "masih di sini?" not in str(drained)
    # Someone who (re)enters the room gets the chat so far.
    await student.disconnect()
    student = await signed_in(session_cookie, live_world.siswa)
    joined = await _join(student, appointment.pk)
    await _admit(host, joined["peer"], appointment.pk)
    history = await frame_of(student, "call.chat-history")
    assert [m["seq"] for m in history["messages"]] == [1, 2]
    for socket in (host, student, other):
        await socket.disconnect()


def test_the_group_chat_policy_and_the_counselors_transcript(world, client):
    from ekonseling.appointments import group_chat
    from ekonseling.core import policy

    appointment = _appointment(world)
    assert not policy.can(world.siswa, "appointment.group_chat", appointment)  # a 1:1 call has no group chat
    user = factories.user(world.school, Role.SISWA)
    student = factories.student(world.school, rombel=world.rombel_a, user=user)
    member = GroupMember.objects.create(school=world.school, appointment=appointment, student=student)
    for participant in (world.siswa, user, world.gurubk):
        assert policy.can(participant, "appointment.group_chat", appointment)
    assert not policy.can(world.koordinator, "appointment.group_chat", appointment)
    group_chat.post(user, appointment.pk, "7c7a6f0e-0c1b-4c38-9a57-7e1c5a0d8b11", "Saya ikut")
    with pytest.raises(group_chat.GroupChatError):
        group_chat.post(world.koordinator, appointment.pk, "7c7a6f0e-0c1b-4c38-9a57-7e1c5a0d8b12", "Halo")
    client.force_login(world.gurubk)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert 'data-testid="group-chat-transcript"' in page and "Saya ikut" in page
    assert AuditEvent.objects.filter(detail="group session chat read", actor=world.gurubk).exists()
    call_page = client.get(reverse("appointments:call", args=[appointment.pk])).content.decode()
    assert 'data-group-chat="1"' in call_page and "data-conversation" not in call_page
    member.delete()
    assert group_chat.history(user, appointment.pk) is None
    with pytest.raises(group_chat.GroupChatError):
        group_chat.post(user, appointment.pk, "7c7a6f0e-0c1b-4c38-9a57-7e1c5a0d8b13", "Masih?")


def test_the_group_chat_shares_the_counseling_send_budget(world, settings, monkeypatch):
    """A flood of group-chat messages is refused like a flood of chat messages (one budget per user)."""
    from ekonseling.appointments import group_chat
    from ekonseling.core import ratelimit

    settings.COUNSELING_RATE_LIMITS = {"message": (3, 60)}
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)  # one fixed window for the whole test
    appointment = _appointment(world)
    user = factories.user(world.school, Role.SISWA)
    student = factories.student(world.school, rombel=world.rombel_a, user=user)
    GroupMember.objects.create(school=world.school, appointment=appointment, student=student)
    for n in range(3):
        group_chat.post(user, appointment.pk, f"7c7a6f0e-0c1b-4c38-9a57-7e1c5a0d8c1{n}", f"pesan {n}")
    with pytest.raises(group_chat.GroupChatError) as refused:
        group_chat.post(user, appointment.pk, "7c7a6f0e-0c1b-4c38-9a57-7e1c5a0d8c19", "satu lagi")
    assert refused.value.code == "appointments.chat_rate_limited"
    assert group_chat.history(user, appointment.pk) and len(group_chat.history(user, appointment.pk)) == 3
