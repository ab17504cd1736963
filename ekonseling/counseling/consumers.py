"""The counseling WebSocket (docs/websocket.md): one socket per tab, many conversations.

Every frame that touches a conversation asks the access policy first; messages and receipts go
through the process's batch writer, which stores them with the one action (`services`), tells the
other sockets once committed, and only then are they acknowledged. Frames are built by `protocol`,
as the HTTP fallback's answers are.
"""

import asyncio
import functools
import logging

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import user_has_device

from ekonseling.accounts.models import Role
from ekonseling.core import audit, jsonsafe, policy, prepared
from ekonseling.core.dispatch import Receiving
from ekonseling.core.middleware import language_of

from . import admission, protocol, services, socket_extensions, socket_sessions
from .models import Conversation
from .writer import writer

log = logging.getLogger(__name__)

# What the user does (not what the page does by itself: pings, syncs, delivery receipts) keeps the
# session alive, as an HTTP request would (socket_sessions).
USER_ACTIONS = frozenset({"send", "typing", "read", "subscribe"})
# The largest frame: a message of MAX_BODY characters, each escaped as \uXXXX, with room to spare.
MAX_FRAME_BYTES = 64 * 1024
MAX_FRAME_DEPTH = 4  # frames are flat objects
LIVE_REFRESH_FRAME = protocol.encode({"type": "live.refresh"})


class CounselingConsumer(Receiving, socket_sessions.FollowsSession, AsyncJsonWebsocketConsumer):
    """Receives through `core.dispatch` (no task per frame: a thousand open sockets' waiting tasks
    made the collector's pauses the slow seconds under load)."""

    async def connect(self):
        user = self.scope.get("user")
        verdict = protocol.CLOSE_UNAUTHENTICATED
        if admission.SCOPE_KEY in self.scope:
            verdict = self.scope[admission.SCOPE_KEY]  # decided with the user (admission.AdmissionMiddleware)
        elif user is not None and user.is_authenticated and user.is_active:
            verdict = await admission.run(_admission, user, self.scope.get("session"))
        if verdict is not None:
            # Accept, then close with the reason: a refused handshake reaches the browser as a bare
            # 1006, and the page could not tell "sign in again" from "the network is down".
            await self.accept()
            await self.close(code=verdict)
            return
        self.user = user
        # No request passes SchoolLanguageMiddleware here: every frame this socket builds speaks the
        # user's language, not the server's default. Activated once, for good, in this socket's own
        # task (Daphne runs each socket in a task of its own, and a task's context is its own, as
        # asgiref's Local, which holds the active language, is per context): switching it on and off
        # around each frame created the context's storage anew every time, per socket, and the
        # collector had to walk a thousand of them.
        self.language = language_of(user)
        translation.activate(self.language)
        self.role = protocol.side_of(user)
        self.subscribed = set()
        self.audited = set()
        self.user_group = protocol.user_group(user.pk)
        self.follow_session(user.pk)
        # The user's group is joined while the handshake completes: events wait for connect() to
        # return anyway (one handler at a time), and a thousand reconnecting sockets' joins go to
        # Redis together (core.channel_layers).
        await asyncio.gather(self.channel_layer.group_add(self.user_group, self.channel_name), self._greet())

    async def _greet(self):
        await self.accept()
        await self.send_json(protocol.hello(self.user))

    async def dispatch(self, message):
        """Channels' own dispatch hops to the single database thread before every event to close
        stale connections; with a thousand sockets that hop, not the work, became the bottleneck.
        Every database call here goes through `admission.run`, which closes stale connections
        itself, and the batch writer keeps its own connection healthy."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code):
        if not hasattr(self, "user"):
            return
        self.unfollow_session()
        await socket_extensions.disconnected(self)
        await self.channel_layer.group_discard(self.user_group, self.channel_name)
        for conversation_id in list(self.subscribed):
            await self.channel_layer.group_discard(protocol.conversation_group(conversation_id), self.channel_name)

    # --- frames from the client -----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every frame a client can send gets an answer, never a closed socket: a binary, oversized,
        malformed or too deeply nested frame is an error frame (Channels' own decoding would raise
        and close the socket with 1011), and so is a frame that trips over a fault of ours, which is
        logged."""
        if not hasattr(self, "user"):
            return  # refused at connect: the close is on its way
        if text_data is None:
            await self.error("bad_frame", _("Frames must be JSON text."))
            return
        try:
            content = jsonsafe.loads(text_data, max_bytes=MAX_FRAME_BYTES, max_depth=MAX_FRAME_DEPTH, want_object=True)
        except jsonsafe.JSONRejected as rejected:
            await self.error("bad_frame", str(rejected))
            return
        try:
            await self.receive_json(content)
        except Exception:
            log.exception("counseling socket: a %r frame failed", str(content.get("type"))[:32])
            await self.error("server_error", _("Something went wrong. Try again."))

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if not isinstance(kind, str):
            kind = None
        handler = {
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "send": self.on_send,
            "sync": self.on_sync,
            "typing": self.on_typing,
            "delivered": self.on_receipt,
            "read": self.on_receipt,
            "ping": self.on_ping,
        }.get(kind)
        if handler is None and (extension := socket_extensions.for_frame(kind)) is not None:
            handler = functools.partial(extension.receive, self)
        if handler is None:
            await self.error("bad_frame", _("Unknown frame."))
            return
        if kind in USER_ACTIONS:
            self.presence.active = True
        await handler(content)

    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    async def on_subscribe(self, content):
        """One database call (admission.run, `_open`): the policy, the messages and the other
        side's receipt; then a counselor's audit row, written by the batch writer with the other
        reads of the moment before anything is sent. The group is joined before the call, so that
        nothing stored after the messages were read is missed; live frames reach the page only once
        `subscribed` holds the conversation, which a refusal never adds."""
        conversation_id = _int(content.get("conversation"))
        if conversation_id is None:
            await self.error("bad_frame", _("The frame names no conversation."))
            return
        group = protocol.conversation_group(conversation_id)
        joining = conversation_id not in self.subscribed
        if joining:
            await self.channel_layer.group_add(group, self.channel_name)
        audit_origin = None
        if self.role == "counselor" and conversation_id not in self.audited:
            audit_origin = audit.scope_origin(self.scope)
        opened = await admission.run(_open, self.user, conversation_id, _int(content.get("after")) or 0, audit_origin)
        if opened is None:
            if joining:
                await self.channel_layer.group_discard(group, self.channel_name)
            # Another student's conversation and one that does not exist look the same.
            await self.error("not_found", _("There is no such conversation."), conversation=conversation_id)
            return
        messages, receipt, read = opened
        if read is not None:
            # Audited before anything is shown: written with the other reads of the moment.
            await writer().submit(read)
            self.audited.add(conversation_id)
        self.subscribed.add(conversation_id)
        await self.send_json(messages)
        if receipt["delivered_seq"] or receipt["read_seq"]:
            await self.send_json(receipt)

    async def on_unsubscribe(self, content):
        conversation_id = _int(content.get("conversation"))
        if conversation_id in self.subscribed:
            self.subscribed.discard(conversation_id)
            await self.channel_layer.group_discard(protocol.conversation_group(conversation_id), self.channel_name)

    async def on_sync(self, content):
        conversation_id = _int(content.get("conversation"))
        if conversation_id is None:
            await self.error("bad_frame", _("The frame names no conversation."))
            return
        frame = await admission.run(_sync, self.user, conversation_id, _int(content.get("after")) or 0)
        if frame is None:
            await self.error("not_found", _("There is no such conversation."), conversation=conversation_id)
        else:
            await self.send_json(frame)

    async def on_send(self, content):
        """Stored (and rate limited) by the batch writer, which also tells the other sockets once
        committed: this one gets the ack, its other tabs and the other side the message."""
        conversation_id = _int(content.get("conversation"))
        client_key = content.get("client_key")
        if conversation_id is None:
            await self.error("bad_frame", _("The frame names no conversation."), client_key=client_key)
            return
        try:
            key = services.parse_client_key(client_key)
        except services.PostError as exc:
            await self.error(exc.code, str(exc), conversation=conversation_id, client_key=client_key)
            return
        draft = services.Draft(conversation_id, self.user, key, content.get("body"), origin=self.channel_name)
        result = await writer().submit(draft)
        await self.send_json(result.ack())

    async def on_typing(self, content):
        conversation_id = _int(content.get("conversation"))
        if conversation_id in self.subscribed:
            await self.channel_layer.group_send(*protocol.typing_event(conversation_id, self.role, self.channel_name))

    async def on_receipt(self, content):
        """Receipts go through the batch writer like messages (a browser sends one for nearly every
        message it shows). Only a subscribed conversation takes them: subscribing asked the policy,
        and a change of hands revokes the subscription (`conversation_access`), as it stops the
        live messages."""
        conversation_id = _int(content.get("conversation"))
        if conversation_id is None:
            await self.error("bad_frame", _("The frame names no conversation."))
            return
        if conversation_id not in self.subscribed:
            await self.error("forbidden", _("Open the conversation first."), conversation=conversation_id)
            return
        seq = _int(content.get("seq"))
        if seq is None:
            await self.error("bad_frame", _("The receipt names no message."), conversation=conversation_id)
            return
        field = "read" if content["type"] == "read" else "delivered"
        # The writer tells the other sockets once stored (not this one: a page ignores its own marks).
        await writer().submit(services.Mark(conversation_id, self.user, **{field: seq}, origin=self.channel_name))

    # --- events from the channel layer -----------------------------------------------------------------------

    # Live frames arrive encoded (protocol.message_event...): sent as they are, once per socket.

    async def conversation_message(self, event):
        if event.get("origin") == self.channel_name:
            return
        if _event_conversation(event, "message") in self.subscribed:
            await self.send(text_data=protocol.event_text(event, "message"))

    async def conversation_receipt(self, event):
        if event.get("origin") == self.channel_name:
            return
        if _event_conversation(event, "receipt") in self.subscribed:
            await self.send(text_data=protocol.event_text(event, "receipt"))

    async def conversation_typing(self, event):
        if event["conversation"] in self.subscribed and event["origin"] != self.channel_name:
            await self.send_json(protocol.typing(event["conversation"], event["role"]))

    async def inbox_event(self, event):
        if self.role == "counselor":
            text = event.get("text")
            await self.send(text_data=text if text is not None else protocol.encode(protocol.inbox(event["event"])))

    async def live_refresh(self, event):
        """Something this user's badges or home cards count changed (core.realtime.announce_refresh):
        the page re-fetches them through the policy; the frame itself carries nothing. A student's
        refresh for replies (`protocol.reply_refresh_event`) skips a socket subscribed to each of
        those conversations: it has the `message` frames, and the page marks them read."""
        shown = event.get("conversations")
        if shown and self.subscribed.issuperset(shown):
            return
        await self.send(text_data=LIVE_REFRESH_FRAME)

    async def extension_event(self, event):
        """A frame of another app's extension (socket_extensions: the calls' signalling)."""
        await socket_extensions.dispatch_event(self, event)

    async def conversation_access(self, event):
        """A conversation changed hands (transfer, claim, a decided alert): whoever may no longer
        read it stops receiving it."""
        conversation_id = event["conversation"]
        if conversation_id not in self.subscribed:
            return
        if await admission.run(_visible_conversation, self.user, conversation_id) is None:
            self.subscribed.discard(conversation_id)
            await self.channel_layer.group_discard(protocol.conversation_group(conversation_id), self.channel_name)
            await self.error(
                "forbidden", _("You no longer have access to this conversation."), conversation=conversation_id
            )

    async def access_changed(self, event):
        """What the user may see changed elsewhere (core.realtime: a caseload shrank): every
        subscription the policy no longer allows is dropped, as for a change of hands; the
        extensions re-check their own state (a member removed from a group session leaves its call)."""
        for conversation_id in list(self.subscribed):
            await self.conversation_access({"conversation": conversation_id})
        await socket_extensions.access_changed(self)

    # --- helpers ------------------------------------------------------------------------------------------------

    async def error(self, code, message, **fields):
        await self.send_json(protocol.error(code, message, **fields))


def _admission(user, session):
    """The verdict for a scope that came without one (a stack without `admission.AdmissionMiddleware`)."""
    return admission.verdict(user, session, user_has_device(user, confirmed=True))


def _open(user, conversation_id, after, audit_origin, loaded=None):
    """(the `messages` frame, the other side's receipt, the read's audit event or None) of a
    conversation the user may read, or None. One query when the page is up to date (a reconnect):
    the conversation with the receipt's marks (`_visible_conversation`); its messages only when
    there are any after `after`. A counselor's first subscribe on the connection is audited
    (`audit_origin` given): the consumer has the batch writer write the event before it answers."""
    conversation = _visible_conversation(user, conversation_id, loaded)
    if conversation is None:
        return None
    read = None
    if audit_origin is not None:
        read = services.live_read(user, conversation, **audit_origin)
    return _messages(conversation, after), protocol.annotated_receipt(conversation, user), read


def _open_many(calls):
    """`_open` for the subscribes waiting together on a pool thread (a connect storm), as (result,
    error) each (admission.each): on PostgreSQL the conversations in one query per side (a
    student's receipt marks are the counselors', a counselor's the student's), in place of one per
    subscribe; then each is decided alone, by the policy, on its own instance. A conversation the
    batch did not load (gone, or asked twice from the same side) is read as without a batch."""
    loaded = {}
    if connection.vendor == "postgresql":
        for of_student in (True, False):
            pks = sorted({call[1] for call in calls if (call[0].role == Role.SISWA) is of_student})
            if len(pks) > 1:
                loaded[of_student] = {c.pk: c for c in _conversations_by_pks(of_student).all(pks)}
    return [admission.each(_open, *call, loaded.get(call[0].role == Role.SISWA)) for call in calls]


_open.batched = _open_many


def _sync(user, conversation_id, after):
    conversation = _visible_conversation(user, conversation_id)
    return None if conversation is None else _messages(conversation, after)


def _messages(conversation, after):
    if conversation.last_seq <= after:
        # Nothing stored after `after` when the row was read (its last_seq moves in the same
        # transaction as every message); what is stored later comes live (the group was joined first).
        return protocol.messages(conversation.pk, [], True, after)
    batch, complete = services.messages_after(conversation, after)
    return protocol.messages(conversation.pk, batch, complete, after)


def _visible_conversation(user, conversation_id, loaded=None):
    """The conversation, with the other side's receipt marks, if the policy lets the user read it
    (`policy.can` on the row: the rule that also decides the HTTP views' lookups), else None.

    One statement compiled once per process and side (`core.prepared`): building the policy's
    scope as a queryset and compiling it cost 1-2 ms per subscribe, twenty times running it. The
    student comes with only what the rules read (their account, rombel and school): their loaded
    row, encrypted fields and all, would cost more than the query; nor are the conversation's
    encrypted columns, which the socket never shows, read and decrypted. `loaded`: {pk:
    conversation} read for a batch of subscribes (`_open_many`), each the user's side's."""
    if loaded is not None and conversation_id in loaded:
        conversation = loaded.pop(conversation_id)  # its own instance: a second subscribe to it loads anew
    else:
        conversation = _conversation_by_pk(user.role == Role.SISWA).get(conversation_id)
    if conversation is None or not policy.can(user, "conversation.view", conversation):
        return None
    return conversation


@functools.cache
def _conversation_by_pk(of_student):
    conversations = _conversations(of_student).order_by()  # one row: no sort
    return prepared.Prepared(lambda pk: conversations.filter(pk=pk), int)


@functools.cache
def _conversations_by_pks(of_student):
    """`_conversation_by_pk` for a list of pks, one array parameter (PostgreSQL: `_open_many`)."""
    return prepared.by_array(_conversations(of_student).order_by(), "id")


def _conversations(of_student):
    hidden = {"subject", "counselor_summary"}
    fields = [field.name for field in Conversation._meta.concrete_fields if field.name not in hidden]
    return (
        Conversation.objects.select_related("student")
        .only(*fields, "student__user", "student__rombel", "student__school")
        .annotate(**protocol.other_side_marks(of_student))
    )


def _event_conversation(event, key):
    """The conversation of a live event (`conversation`, or inside the frame of an older process's event)."""
    conversation = event.get("conversation")
    return conversation if conversation is not None else event[key]["conversation"]


def _int(value):
    """A conversation id or sequence number from a frame, or None (a list, `1e400`, a huge number)."""
    return jsonsafe.bounded_int(value, minimum=0)
