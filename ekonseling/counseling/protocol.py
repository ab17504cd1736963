"""The counseling protocol (docs/websocket.md): the frames, receipts and limits that the WebSocket
consumer and the HTTP fallback both speak.

Both transports build every frame here, so a page cannot tell which one answered it: the same
`ack`, the same `error` with the same codes, the same `receipt` for the same marks, and one send
limit per user whichever way the messages come.
"""

from __future__ import annotations

import functools
import json
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Exact
from django.urls import reverse

from ekonseling.accounts.models import Role, User
from ekonseling.core import ratelimit, realtime
from ekonseling.core.realtime import user_group  # every open socket of a user (one name for all apps)

from .models import Message, Participant

if TYPE_CHECKING:
    from .models import Conversation

Frame = dict[str, Any]

# The close codes a refused or ended socket gets (the page tells "sign in again" from "no access").
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403

# --- limits ---------------------------------------------------------------------------------------------------

MAX_BODY = 4000  # characters; a long story belongs in a counseling letter
MAX_LETTER_BODY = 20000
SYNC_PAGE = 200  # messages per `messages` frame
MAX_SEQ = 2**31 - 1  # the receipt columns' range
# Messages per user in a window, over the socket and HTTP together: a burst of a whole window's
# worth is allowed (a reconnect flushing an outbox), a flood from any number of tabs is not.
SEND_LIMIT = 30
SEND_WINDOW = 15  # seconds
# What else a user may start or send per window, over every tab and process (each e-mails or
# alerts someone): (how many, seconds). settings.COUNSELING_RATE_LIMITS overrides any of them,
# and "message" too.
DEFAULT_RATE_LIMITS = {
    "letter": (5, 600),  # new letter threads
    "question": (5, 600),  # new anonymous questions
    "reply": (20, 60),  # replies in letter threads and questions
}


def rate_limit(kind: str) -> tuple[int, int]:
    """(how many, window in seconds) for a kind of action: message, letter, question, reply."""
    configured = getattr(settings, "COUNSELING_RATE_LIMITS", {}) or {}
    if kind in configured:
        limit, window = configured[kind]
        return int(limit), int(window)
    if kind == "message":
        return SEND_LIMIT, SEND_WINDOW
    return DEFAULT_RATE_LIMITS[kind]


def may(kind: str, user_id: int) -> bool:
    """Whether the user may do one more of this kind now (and spend it)."""
    limit, window = rate_limit(kind)
    return ratelimit.allow(f"counseling-{kind}:{user_id}", limit, window)


def sends_allowed(wanted: dict[int, int]) -> dict[int, int]:
    """{user id: how many of their wanted messages they may send now}: one counter per user shared
    by every process, checked for a whole batch of senders at once."""
    limit, window = rate_limit("message")
    allowed = ratelimit.take_many({f"counseling-post:{u}": n for u, n in wanted.items()}, limit, window)
    return {user_id: allowed[f"counseling-post:{user_id}"] for user_id in wanted}


def may_send(user_id: int) -> bool:
    """Whether the user may send one more message now (and spend it)."""
    return sends_allowed({user_id: 1})[user_id] == 1


# --- roles and groups ------------------------------------------------------------------------------------------


def side_of(user: User) -> str:
    """The protocol's name for a user's side of a conversation."""
    return "student" if user.role == Role.SISWA else "counselor"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


# --- frames ------------------------------------------------------------------------------------------------------


def hello(user: User) -> Frame:
    return {"type": "hello", "role": side_of(user), "max_body": MAX_BODY}


def message(stored: Message) -> Frame:
    """A stored message as every member of the conversation may see it: no names, no risk flag.

    An attachment is included only when it is already loaded with the message (`messages_after`
    selects it; `attachments.store` caches it on the message it stores), so building a frame
    never costs a query. Its original name is left out: it may identify someone.
    """
    data = {
        "type": "message",
        "conversation": stored.conversation_id,
        "seq": stored.seq,
        "sender_role": stored.sender_role,
        "body": stored.body,
        "created_at": stored.created_at.isoformat(),
        "client_key": str(stored.client_key),
    }
    # Not `stored.attachment`: a missing reverse one-to-one raises, and an unloaded one queries.
    attachment = Message.attachment.related.get_cached_value(stored, default=None)
    if attachment is not None:
        data["attachment"] = {
            "url": reverse("counseling:attachment", args=[attachment.pk]),
            "content_type": attachment.content_type,
            "size": attachment.size,
        }
    return data


def messages(conversation_id: int, batch: list[Frame], complete: bool, after: int) -> Frame:
    """The answer to subscribe/sync: `last_seq` is the last one sent, or `after` when none."""
    return {
        "type": "messages",
        "conversation": conversation_id,
        "messages": batch,
        "complete": complete,
        "last_seq": batch[-1]["seq"] if batch else after,
    }


def ack(stored: Message, client_key: uuid.UUID | str, *, duplicate: bool, crisis_contacts: list[str]) -> Frame:
    frame = {
        "type": "ack",
        "conversation": stored.conversation_id,
        "client_key": str(client_key),
        "seq": stored.seq,
        "created_at": stored.created_at.isoformat(),
        "duplicate": duplicate,
    }
    if crisis_contacts:
        frame["crisis_contacts"] = crisis_contacts
    return frame


def error(code: str, message: str, *, conversation: int | None = None, client_key: Any = None) -> Frame:
    """A refused frame or request; `message` is translated, ready to show."""
    frame = {"type": "error", "code": code, "message": str(message)}
    if conversation is not None:
        frame["conversation"] = conversation
    if client_key is not None:
        frame["client_key"] = str(client_key)
    return frame


def http_status(frame: Frame) -> int:
    """The HTTP status of an answer: 200 for anything but an error, 429 when rate limited."""
    if frame.get("type") != "error":
        return 200
    return 429 if frame.get("code") == "rate_limited" else 400


def receipt(conversation_id: int, side: str, delivered: int, read: int) -> Frame:
    return {
        "type": "receipt",
        "conversation": conversation_id,
        "role": side,
        "delivered_seq": delivered or 0,
        "read_seq": read or 0,
    }


def other_side_receipt(conversation: Conversation, viewer: User) -> Frame:
    """How far the other side has received and read, as the viewer's page shows it.

    A side may be several people: the coordinator reads an urgent chat next to the guru BK, and a
    transferred conversation keeps its first counselor's marks. A student expects "read" once a
    counselor has read the message, whichever one, so each mark is the highest among the other
    side's participants, taken separately (delivered 4 by one and read 3 by another is 4 / 3).
    Live `receipt` frames carry one participant's marks; pages keep the highest they have seen,
    which is this same rule.
    """
    marks = _other_side(viewer).filter(conversation=conversation).aggregate(**_MARKS)
    return receipt(conversation.pk, _other_side_name(viewer), marks["delivered"], marks["read"])


_MARKS = {"delivered": Max("delivered_seq"), "read": Max("read_seq")}
RECEIPT_ANNOTATIONS = ("other_side_delivered", "other_side_read")


@functools.cache
def other_side_marks(of_student: bool) -> dict[str, Subquery]:
    """`other_side_receipt`'s marks, for a viewer who is (or is not) a student, as annotations of a
    Conversation queryset (the socket's subscribe reads the conversation and its receipt in one
    statement); the same rule, read back with `annotated_receipt`. Two variants only: built once
    per process; annotate() copies them.

    Each participant's role is read by the user's pk, not through a join with the users: with a
    join, PostgreSQL without statistics on the tables (a new school, a bulk import, the benchmarks'
    fresh database, until autovacuum analyses them) chose to scan every student account and probe
    the participants with each, about 1 ms of database CPU per subscribe in place of 0.05 ms, a
    second of it in a thousand sockets' connect storm. Here the conversation's participants are the
    only rows it can start from."""
    is_student = Exact(Subquery(User.objects.filter(pk=OuterRef("user_id")).values("role")[:1]), Role.SISWA)
    others = Participant.objects.filter(conversation=OuterRef("pk")).filter(
        ~Q(is_student) if of_student else is_student
    )
    others = others.order_by().values("conversation")
    return {
        name: Subquery(others.annotate(mark=Max(field)).values("mark")[:1])
        for name, field in zip(RECEIPT_ANNOTATIONS, ("delivered_seq", "read_seq"), strict=True)
    }


def annotated_receipt(conversation: Conversation, viewer: User) -> Frame:
    """The receipt of a conversation loaded with `other_side_marks` of the viewer's side."""
    delivered, read = (getattr(conversation, name) for name in RECEIPT_ANNOTATIONS)
    return receipt(conversation.pk, _other_side_name(viewer), delivered, read)


_OTHER_SIDE = {True: ~Q(user__role=Role.SISWA), False: Q(user__role=Role.SISWA)}  # keyed by "the viewer is a student"


def _other_side(viewer: User) -> QuerySet[Participant]:
    return Participant.objects.filter(_OTHER_SIDE[viewer.role == Role.SISWA])


def _other_side_name(viewer: User) -> str:
    return "counselor" if viewer.role == Role.SISWA else "student"


def typing(conversation_id: int, side: str) -> Frame:
    return {"type": "typing", "conversation": conversation_id, "role": side}


def inbox(event: dict) -> Frame:
    return {"type": "inbox", "event": event}


# --- channel-layer events (what one process tells the sockets of every process) ----------------------------------
# A frame that goes to sockets travels as its JSON text (`text`), encoded once by the publisher: a
# socket sends it as it is. Encoding it per socket (and packing the dict for Redis, then unpacking
# it per socket) was a good share of the CPU a message costs. `conversation` says, unencoded, which
# conversation a frame belongs to (the socket sends only those it is subscribed to).


def encode(frame: Frame) -> str:
    """A frame as the socket sends it (the same JSON as Channels' `send_json`)."""
    return json.dumps(frame)


def event_text(event: dict, key: str) -> str:
    """The frame of an event as text: encoded by the publisher, or (an event from a process that
    predates `text`, during a deploy) from its `key` field."""
    text = event.get("text")
    return text if text is not None else encode(event[key])


def message_event(stored: Message, origin: str = "") -> tuple[str, dict]:
    """A stored message for the conversation's sockets; `origin`, the socket that sent it, has its ack."""
    event = {"type": "conversation.message", "conversation": stored.conversation_id, "text": encode(message(stored))}
    if origin:
        event["origin"] = origin
    return conversation_group(stored.conversation_id), event


def receipt_event(frame: Frame, origin: str = "") -> tuple[str, dict]:
    event = {"type": "conversation.receipt", "conversation": frame["conversation"], "text": encode(frame)}
    if origin:
        event["origin"] = origin
    return conversation_group(frame["conversation"]), event


def inbox_event(user_id: int, event: dict) -> tuple[str, dict]:
    return user_group(user_id), {"type": "inbox.event", "event": event, "text": encode(inbox(event))}


def reply_refresh_event(user_id: int, conversation_ids) -> tuple[str, dict]:
    """A `live.refresh` for a student told of replies in these conversations: a socket subscribed
    to every one of them skips it, having the `message` frames (which the page marks read, so the
    badge does not change); their other pages re-count (`CounselingConsumer.live_refresh`)."""
    return user_group(user_id), {"type": realtime.LIVE_REFRESH, "conversations": sorted(conversation_ids)}


def typing_event(conversation_id: int, side: str, origin: str) -> tuple[str, dict]:
    """Someone is typing: for the conversation's other sockets (`origin` is the typing one)."""
    return conversation_group(conversation_id), {
        "type": "conversation.typing",
        "conversation": conversation_id,
        "role": side,
        "origin": origin,
    }


def access_event(conversation_id: int) -> tuple[str, dict]:
    return conversation_group(conversation_id), {"type": "conversation.access", "conversation": conversation_id}


def session_ended_event(user_id: int, session_key: str | None) -> tuple[str, dict]:
    return user_group(user_id), {"type": "session.ended", "session_key": session_key}
