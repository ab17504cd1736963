"""Signalling of the video and voice calls, over the counseling socket (docs/websocket.md, "Calls").

The browsers send each other their media directly (WebRTC, a mesh of at most six); the server only
passes their offers, answers and ICE candidates between the sockets of one appointment's call, and
decides who may be in it:

- only the appointment's participants (its counselor, its student, a group session's members:
  the `appointment.join_call` rule), only for a confirmed video or voice appointment, only inside
  its window (`CALL_GRACE_MINUTES` before the start to as long after the end);
- the counselor (the host) is in the call at once; a student waits in the waiting room until the
  counselor admits them; a waiting student's signals go nowhere;
- one socket per person: joining again (another tab, a reload) replaces the earlier one.

The state of a socket's calls lives on the consumer (`consumer.calls`); the sockets of one call
share the channel-layer group `call.<appointment id>`, so it works across server processes. The
only rows written are the call's start and end (`CallSession`), which draft the service record.
Nothing of the media or the signals is stored.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.core import audit, jsonsafe, policy
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import admission, socket_extensions

from . import group_chat
from .models import Appointment, CallSession

NAME = "call"
MAX_SDP = 30_000
MAX_CANDIDATE = 1_000


def group(appointment_id: int) -> str:
    return f"call.{appointment_id}"


def window(appointment) -> tuple[datetime.datetime, datetime.datetime]:
    """When the call may be joined: a few minutes' grace either side of the appointment."""
    grace = datetime.timedelta(minutes=settings.CALL_GRACE_MINUTES)
    return appointment.starts_at - grace, appointment.ends_at + grace


def is_open(appointment, now=None) -> bool:
    opens, closes = window(appointment)
    return opens <= (now or timezone.now()) <= closes


def ice_servers(user_id: int) -> list[dict]:
    """The STUN and TURN servers of settings, with time-limited TURN credentials when coturn's
    shared secret is set (its `use-auth-secret` scheme: user "<expiry>:<id>", HMAC-SHA1 password)."""
    servers: list[dict] = []
    if settings.CALL_STUN_URLS:
        servers.append({"urls": list(settings.CALL_STUN_URLS)})
    if settings.CALL_TURN_URLS:
        turn = {"urls": list(settings.CALL_TURN_URLS)}
        if settings.CALL_TURN_SECRET:
            username = f"{int(time.time()) + settings.CALL_TURN_TTL}:{user_id}"
            digest = hmac.new(settings.CALL_TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
            turn.update(username=username, credential=base64.b64encode(digest).decode())
        elif settings.CALL_TURN_USERNAME:
            turn.update(username=settings.CALL_TURN_USERNAME, credential=settings.CALL_TURN_PASSWORD)
        servers.append(turn)
    return servers


# --- the database side (on the sockets' pool: admission.run) -------------------------------------------------


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _call_appointment(user, appointment_id, action="appointment.join_call"):
    """The appointment if the user may act in its call now, else Refused (the code says why)."""
    appointment = (
        policy.visible(user, "appointment.join_call", Appointment.objects.select_related("student"))
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not policy.can(user, action, appointment):
        # Not a participant, and no such appointment, look the same.
        raise Refused("not_found", _("There is no such call."))
    if appointment.status != Appointment.Status.CONFIRMED:
        raise Refused("not_confirmed", _("This appointment is not confirmed."))
    if not is_open(appointment):
        opens, closes = window(appointment)
        local = timezone.localtime(opens if timezone.now() < opens else closes)
        if timezone.now() < opens:
            message = _("The call opens at %(time)s.") % {"time": local.strftime("%H:%M")}
        else:
            message = _("The call closed at %(time)s.") % {"time": local.strftime("%H:%M")}
        raise Refused("not_open", message)
    return appointment


def _still_in_call(user, appointment_id):
    """Refused when the user is no longer a participant or the appointment no longer confirmed (the
    window is not asked again: a call running past it is not cut by someone else's change)."""
    try:
        _call_appointment(user, appointment_id)
    except Refused as refused:
        if refused.code != "not_open":
            raise


def open_call(user, appointment_id):
    """What a join needs: the user's role in the call, their name, the ICE servers; or Refused."""
    appointment = _call_appointment(user, appointment_id)
    return {
        "role": "host" if appointment.counselor_id == user.pk else "guest",
        "name": user.get_full_name() or user.username,
        "medium": appointment.medium,
        "ice_servers": ice_servers(user.pk),
        "closes_at": window(appointment)[1].isoformat(),
    }


def admit_checked(user, appointment_id):
    """The host admits a student: the window again, and the call's start on the first admission."""
    appointment = _call_appointment(user, appointment_id, "appointment.admit")
    with transaction.atomic():
        call, _created = CallSession.objects.get_or_create(
            appointment=appointment, defaults={"school_id": appointment.school_id}
        )
        if call.started_at is None:
            CallSession.objects.filter(pk=call.pk, started_at__isnull=True).update(started_at=timezone.now())
            audit.record_for(user, AuditEvent.Action.CHANGE, appointment, "call started")
    return True


def host_left(user, appointment_id, ended=False):
    """The counselor left (or ended) the call: its end so far (a later leave moves it on)."""
    with transaction.atomic():
        changed = CallSession.objects.filter(
            appointment_id=appointment_id, appointment__counselor=user, started_at__isnull=False
        ).update(ended_at=timezone.now())
        if changed and ended:
            appointment = Appointment.objects.get(pk=appointment_id)
            audit.record_for(user, AuditEvent.Action.CHANGE, appointment, "call ended")


# --- the socket side ----------------------------------------------------------------------------------------


@dataclass
class CallState:
    appointment: int
    peer: str
    role: str  # host | guest
    name: str
    admitted: bool


def _calls(consumer) -> dict[int, CallState]:
    calls = getattr(consumer, "calls", None)
    if calls is None:
        calls = consumer.calls = {}
    return calls


async def _send_group(consumer, appointment_id, kind, **fields):
    await consumer.channel_layer.group_send(
        group(appointment_id),
        socket_extensions.event(NAME, kind=kind, appointment=appointment_id, origin=consumer.channel_name, **fields),
    )


async def _error(consumer, code, message, appointment=None):
    await consumer.send_json({"type": "call.error", "appointment": appointment, "code": code, "message": message})


def _clean_signal(content) -> dict | None:
    """The one description or candidate a signal carries, checked; None for anything else."""
    description = content.get("description")
    candidate = content.get("candidate", False)
    if isinstance(description, dict):
        kind, sdp = description.get("type"), description.get("sdp")
        if kind in ("offer", "answer") and isinstance(sdp, str) and len(sdp) <= MAX_SDP:
            return {"description": {"type": kind, "sdp": sdp}}
        return None
    if candidate is None:  # the end of the candidates
        return {"candidate": None}
    if isinstance(candidate, dict):
        text, mid = candidate.get("candidate"), candidate.get("sdpMid")
        index, fragment = candidate.get("sdpMLineIndex"), candidate.get("usernameFragment")
        if not isinstance(text, str) or len(text) > MAX_CANDIDATE:
            return None
        if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
            return None
        if index is not None and jsonsafe.bounded_int(index, maximum=64) is None:
            return None
        if fragment is not None and (not isinstance(fragment, str) or len(fragment) > 256):
            return None
        return {"candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index, "usernameFragment": fragment}}
    return None


class CallSignalling:
    name = NAME
    prefix = "call."

    async def receive(self, consumer, content):
        kind = content.get("type")
        appointment_id = jsonsafe.bounded_int(content.get("appointment"), minimum=1)
        if appointment_id is None:
            await _error(consumer, "bad_frame", _("The frame names no appointment."))
            return
        handler = {
            "call.join": self.join,
            "call.admit": self.admit,
            "call.signal": self.signal,
            "call.leave": self.leave,
            "call.end": self.end,
            "call.alive": self.alive,
            "call.chat": self.chat,
        }.get(kind)
        if handler is None:
            await _error(consumer, "bad_frame", _("Unknown frame."), appointment_id)
            return
        await handler(consumer, appointment_id, content)

    async def join(self, consumer, appointment_id, content):
        try:
            opened = await admission.run(open_call, consumer.user, appointment_id)
        except Refused as refused:
            await _error(consumer, refused.code, str(refused), appointment_id)
            return
        calls = _calls(consumer)
        if appointment_id in calls:  # a second join on the same socket: leave first
            await self._leave(consumer, appointment_id)
        consumer.presence.active = True  # being in a call is using the service
        state = CallState(
            appointment_id, secrets.token_hex(8), opened["role"], opened["name"], opened["role"] == "host"
        )
        calls[appointment_id] = state
        await consumer.channel_layer.group_add(group(appointment_id), consumer.channel_name)
        await consumer.send_json(
            {
                "type": "call.joined",
                "appointment": appointment_id,
                "peer": state.peer,
                "role": state.role,
                "admitted": state.admitted,
                "medium": opened["medium"],
                "ice_servers": opened["ice_servers"],
                "closes_at": opened["closes_at"],
            }
        )
        # The same person's other socket in this call (another tab, the page before a reload) leaves.
        await _send_group(consumer, appointment_id, "replaced", user=consumer.user.pk, peer=state.peer)
        if state.admitted:
            await _send_group(consumer, appointment_id, "peer", peer=state.peer, name=state.name, role=state.role)
            await self._chat_history(consumer, appointment_id)
        else:
            await _send_group(consumer, appointment_id, "knock", peer=state.peer, name=state.name)

    async def admit(self, consumer, appointment_id, content):
        state = _calls(consumer).get(appointment_id)
        peer = content.get("peer")
        if state is None or state.role != "host":
            await _error(consumer, "forbidden", _("Only the counselor admits."), appointment_id)
            return
        if not isinstance(peer, str) or len(peer) > 32:
            await _error(consumer, "bad_frame", _("The frame names no participant."), appointment_id)
            return
        try:
            await admission.run(admit_checked, consumer.user, appointment_id)
        except Refused as refused:
            await _error(consumer, refused.code, str(refused), appointment_id)
            return
        await _send_group(consumer, appointment_id, "admit", to=peer)

    async def signal(self, consumer, appointment_id, content):
        state = _calls(consumer).get(appointment_id)
        if state is None or not state.admitted:
            await _error(consumer, "forbidden", _("Wait until the counselor lets you in."), appointment_id)
            return
        to = content.get("to")
        payload = _clean_signal(content)
        if not isinstance(to, str) or len(to) > 32 or payload is None:
            await _error(consumer, "bad_frame", _("This signal cannot be passed on."), appointment_id)
            return
        await _send_group(
            consumer, appointment_id, "signal", to=to, peer=state.peer, name=state.name, role=state.role, **payload
        )

    async def chat(self, consumer, appointment_id, content):
        """A message in a group session's chat (group_chat.py): stored (the policy asked again), then
        sent back to the writer, whose page replaces its pending copy, and to everyone in the call."""
        state = _calls(consumer).get(appointment_id)
        if state is None or not state.admitted:
            await _error(consumer, "forbidden", _("Wait until the counselor lets you in."), appointment_id)
            return
        body, key = content.get("body"), content.get("client_key")
        try:
            message = await admission.run(group_chat.post, consumer.user, appointment_id, key, body)
        except group_chat.GroupChatError as refused:
            await _error(consumer, refused.code.removeprefix("appointments.chat_"), str(refused), appointment_id)
            return
        await consumer.send_json({"type": "call.chat", "appointment": appointment_id, **message})
        await _send_group(consumer, appointment_id, "chat", message=message)

    async def _chat_history(self, consumer, appointment_id):
        """On entering the room: a group session's chat so far (nothing for a 1:1 call, whose chat
        is the student's counseling chat)."""
        origin = audit.scope_origin(consumer.scope)
        rows = await admission.run(functools.partial(group_chat.history, **origin), consumer.user, appointment_id)
        if rows is not None:
            await consumer.send_json({"type": "call.chat-history", "appointment": appointment_id, "messages": rows})

    async def alive(self, consumer, appointment_id, content):
        if appointment_id in _calls(consumer):
            consumer.presence.active = True

    async def leave(self, consumer, appointment_id, content):
        if appointment_id in _calls(consumer):
            await self._leave(consumer, appointment_id)
            await consumer.send_json({"type": "call.ended", "appointment": appointment_id, "reason": "left"})

    async def end(self, consumer, appointment_id, content):
        state = _calls(consumer).get(appointment_id)
        if state is None or state.role != "host":
            await _error(consumer, "forbidden", _("Only the counselor ends the call."), appointment_id)
            return
        await _send_group(consumer, appointment_id, "ended")
        await self._leave(consumer, appointment_id, ended=True)
        await consumer.send_json({"type": "call.ended", "appointment": appointment_id, "reason": "ended"})

    async def _leave(self, consumer, appointment_id, ended=False):
        state = _calls(consumer).pop(appointment_id, None)
        if state is None:
            return
        await _send_group(consumer, appointment_id, "left", peer=state.peer)
        await consumer.channel_layer.group_discard(group(appointment_id), consumer.channel_name)
        if state.role == "host":
            await admission.run(host_left, consumer.user, appointment_id, ended)

    async def access_changed(self, consumer):
        """What the user may see changed (core.realtime.announce_access_changed: a member removed
        from a group session): each call the policy no longer lets them in
        is left at once. The others close their connection to them (`left`: `call.peer-left`), this
        page ends the call (`call.ended`, reason `removed`), and later signals are refused (the
        socket holds no state of the call any more)."""
        for appointment_id in list(getattr(consumer, "calls", None) or ()):
            try:
                await admission.run(_still_in_call, consumer.user, appointment_id)
            except Refused:
                await self._leave(consumer, appointment_id)
                await consumer.send_json({"type": "call.ended", "appointment": appointment_id, "reason": "removed"})

    async def disconnected(self, consumer):
        calls = getattr(consumer, "calls", None)  # most sockets were never in a call: nothing to do
        for appointment_id in list(calls or ()):
            await self._leave(consumer, appointment_id)

    async def event(self, consumer, event):
        appointment_id = event.get("appointment")
        state = _calls(consumer).get(appointment_id)
        if state is None or event.get("origin") == consumer.channel_name:
            return
        kind = event.get("kind")
        base = {"appointment": appointment_id}
        if kind == "knock":
            if state.role == "host":
                await consumer.send_json({"type": "call.knock", **base, "peer": event["peer"], "name": event["name"]})
        elif kind == "admit":
            if event["to"] == state.peer and not state.admitted:
                state.admitted = True
                await consumer.send_json({"type": "call.admitted", **base})
                await _send_group(consumer, appointment_id, "peer", peer=state.peer, name=state.name, role=state.role)
                await self._chat_history(consumer, appointment_id)
        elif kind == "peer":
            if state.admitted:
                # The one already in the call makes the offer to the newcomer.
                fields = {"peer": event["peer"], "name": event["name"], "role": event["role"]}
                await consumer.send_json({"type": "call.peer", **base, **fields})
            elif event["role"] == "host":  # the counselor (re)joined: knock again
                await _send_group(consumer, appointment_id, "knock", peer=state.peer, name=state.name)
        elif kind == "signal":
            if state.admitted and event["to"] == state.peer:
                frame = {"type": "call.signal", **base, "from": event["peer"], "name": event["name"]}
                frame["role"] = event["role"]
                for key in ("description", "candidate"):
                    if key in event:
                        frame[key] = event[key]
                await consumer.send_json(frame)
        elif kind == "chat":
            if state.admitted:
                await consumer.send_json({"type": "call.chat", **base, **event["message"]})
        elif kind == "left":
            await consumer.send_json({"type": "call.peer-left", **base, "peer": event["peer"]})
        elif kind == "replaced":
            if event["user"] == consumer.user.pk and event["peer"] != state.peer:
                await self._leave(consumer, appointment_id)
                await consumer.send_json({"type": "call.ended", **base, "reason": "replaced"})
        elif kind == "ended":
            _calls(consumer).pop(appointment_id, None)
            await consumer.channel_layer.group_discard(group(appointment_id), consumer.channel_name)
            await consumer.send_json({"type": "call.ended", **base, "reason": "ended"})


def register() -> None:
    socket_extensions.register(CallSignalling())


def page_strings() -> dict:
    """What static/js/call.js says, translated here (the page hands it over as JSON)."""
    return {
        "connecting": _("Connecting…"),
        "waiting": _("Waiting for the counselor to let you in…"),
        "in_call": _("In the call"),
        "ended": _("The call has ended."),
        "left": _("You left the call."),
        "replaced": _("The call continues in another tab or window."),
        "removed": _("You are no longer a member of this session: the call has ended."),
        "admit": _("Let in"),
        "knocking": _("%(name)s is waiting"),
        "joined": _("%(name)s joined"),
        "peer_left": _("A participant left."),
        "no_devices": _("The camera or microphone could not be used: %(error)s"),
        "quality_good": _("Good"),
        "quality_fair": _("Fair: the low-bandwidth mode is advised"),
        "quality_poor": _("Weak: audio only is advised"),
        "quality_none": _("No connection to the server"),
        "fallback": _("The connection is weak: switched to audio only."),
        "recovered": _("The connection is good again: the video can be turned back on."),
        "video_back": _("The video is back on."),
        "audio_only": _("Audio only"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "camera_off": _("Camera off"),
        "camera_on": _("Camera on"),
        "speaker_test": _("You should hear a short tone."),
        "send_failed": _("The message was not sent. Try again."),
        "you": _("You"),
    }
