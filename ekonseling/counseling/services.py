"""The counseling message store: every medium (WebSocket, HTTP polling, letters, questions) posts
through `post_messages`, so numbering, idempotency, encryption and risk screening happen once.

A message is stored before anyone is told of it; the channel layer only carries the news. A client
that missed a broadcast asks `messages_after(its last seq)`, so nothing is lost, and a resend with
the same client key returns the stored message, so nothing is duplicated.
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit, policy
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students import caseload

from . import lexicons, risk
from .models import Conversation, ConversationEvent, Message, Participant

log = logging.getLogger(__name__)

MAX_BODY = 4000  # characters; a long story belongs in a counseling letter
MAX_LETTER_BODY = 20000
SYNC_PAGE = 200
MAX_SEQ = 2**31 - 1  # the receipt columns' range
DEFAULT_CRISIS_CONTACTS = ["Layanan Kesehatan Jiwa (Kemenkes): 119 ext. 8"]


class PostError(Exception):
    """A message that cannot be posted; the text is shown to the sender."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Draft:
    conversation_id: int
    sender: User
    client_key: uuid.UUID
    body: str


@dataclass
class Posted:
    draft: Draft
    message: Message | None = None
    duplicate: bool = False
    alert: Alert | None = None
    error: PostError | None = None
    crisis_contacts: list = field(default_factory=list)
    # Whose inbox should refresh: the handling counselor, or everyone who may claim it.
    inbox_user_ids: list = field(default_factory=list)
    # Who must hear of a risk alert at once (the caller tells their open pages).
    alert_user_ids: list = field(default_factory=list)

    def inbox_events(self):
        """(user id, channel-layer event) pairs the caller sends once the message is stored."""
        conversation = self.draft.conversation_id
        events = [
            (user_id, {"type": "inbox.event", "event": {"type": "updated", "conversation": conversation}})
            for user_id in self.inbox_user_ids
        ]
        if self.alert is not None:
            alert = {"type": "alert", "conversation": conversation, "severity": self.alert.severity}
            events += [(user_id, {"type": "inbox.event", "event": alert}) for user_id in self.alert_user_ids]
        return events

    def ack(self):
        """What the sender is told: the stored sequence number, or why it was refused."""
        if self.error is not None:
            return {
                "type": "error",
                "conversation": self.draft.conversation_id,
                "client_key": str(self.draft.client_key),
                "code": self.error.code,
                "message": str(self.error),
            }
        ack = {
            "type": "ack",
            "conversation": self.draft.conversation_id,
            "client_key": str(self.draft.client_key),
            "seq": self.message.seq,
            "created_at": self.message.created_at.isoformat(),
            "duplicate": self.duplicate,
        }
        if self.crisis_contacts:
            ack["crisis_contacts"] = self.crisis_contacts
        return ack


def validate_body(body, limit=MAX_BODY):
    if not isinstance(body, str) or not body.strip():
        raise PostError(_("The message is empty."), "empty")
    if len(body) > limit:
        raise PostError(
            _("The message is too long (%(length)d characters; at most %(limit)d). Split it, or write a letter.")
            % {"length": len(body), "limit": limit},
            "too_long",
        )
    return body.strip()


def parse_client_key(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise PostError(_("The message has no valid client key."), "bad_key") from None


def payload(message):
    """A message as every member of the conversation may see it: no names, no risk flag.

    An attachment is included only when it is already loaded with the message (`messages_after`
    selects it; `attachments.store` caches it on the message it stores), so building a payload
    never costs a query. Its original name is left out: it may identify someone.
    """
    data = {
        "type": "message",
        "conversation": message.conversation_id,
        "seq": message.seq,
        "sender_role": message.sender_role,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
        "client_key": str(message.client_key),
    }
    # Not `message.attachment`: a missing reverse one-to-one raises, and an unloaded one queries.
    attachment = Message.attachment.related.get_cached_value(message, default=None)
    if attachment is not None:
        data["attachment"] = {
            "url": reverse("counseling:attachment", args=[attachment.pk]),
            "content_type": attachment.content_type,
            "size": attachment.size,
        }
    return data


def crisis_contacts(school):
    configured = [line.strip() for line in (school.crisis_contacts or "").splitlines() if line.strip()]
    return configured or list(DEFAULT_CRISIS_CONTACTS)


def post_messages(drafts, *, limit=MAX_BODY):
    """Store a batch of messages in one transaction; one result per draft, in order.

    Batching is what lets one process keep up with hundreds of messages a second: one
    transaction, one sequence update per conversation and one insert for the whole batch.
    """
    results = [Posted(draft=d) for d in drafts]
    for result in results:
        try:
            validate_body(result.draft.body, limit)
        except PostError as exc:
            result.error = exc
    pending = [r for r in results if r.error is None]
    if not pending:
        return results
    try:
        with transaction.atomic():
            # No look for stored client keys first: resends are rare, and the unique constraint
            # on (conversation, sender, client key) catches them; then the batch is undone and
            # stored one message at a time, each looked up first.
            _store(pending, check_stored=False)
    except IntegrityError:
        # A resend of a stored message, or two processes racing on the same client key: store one
        # by one, so only the repeats are answered with the stored message.
        for result in pending:
            _forget(result)
            try:
                with transaction.atomic():
                    _store([result])
            except IntegrityError as exc:
                _store_duplicate_or_fail(result, exc)
    return results


def _forget(result):
    """What an undone attempt wrote into a result; the next attempt decides it afresh."""
    result.message, result.duplicate, result.alert, result.error = None, False, None, None
    result.crisis_contacts, result.inbox_user_ids, result.alert_user_ids = [], [], []


def _store_duplicate_or_fail(result, error):
    existing = Message.objects.filter(
        conversation_id=result.draft.conversation_id,
        sender=result.draft.sender,
        client_key=result.draft.client_key,
    ).first()
    if existing is None:
        raise error
    result.message, result.duplicate = existing, True


def _store(results, *, check_stored=True):
    now = timezone.now()
    conversation_ids = {r.draft.conversation_id for r in results}
    loaded = (
        Conversation.objects.filter(pk__in=conversation_ids)
        .select_related("student")
        # Encrypted columns the write path never reads: decrypting them per batch costs CPU and
        # puts health data in memory for nothing.
        .defer("subject", "student__health_notes", "student__special_needs")
        .order_by("pk")
    )
    if connection.vendor == "postgresql":
        # The sequence update needs the rows locked; taking the locks in this same query, in id
        # order, saves a round trip and keeps two server processes from deadlocking.
        loaded = loaded.select_for_update(of=("self",))
    conversations = {c.pk: c for c in loaded}
    # Only a conversation nobody has claimed needs to know who serves the student (who may claim
    # it, whose inbox to refresh); a claimed one names its counselor.
    unclaimed = [c for c in conversations.values() if c.counselor_id is None]
    if unclaimed:
        prefetch_related_objects(unclaimed, "student__rombel__counselors", "student__counselors")
    existing = {}
    if check_stored:
        existing = {
            (m.conversation_id, m.sender_id, m.client_key): m
            for m in Message.objects.filter(
                conversation_id__in=conversation_ids, client_key__in={r.draft.client_key for r in results}
            )
        }
    fresh_by_conversation = {}
    repeats = []  # (result, the first result with its key in this batch)
    first_in_batch = {}
    for result in results:
        draft = result.draft
        conversation = conversations.get(draft.conversation_id)
        if conversation is None or not policy.can(draft.sender, "conversation.post", conversation):
            result.error = PostError(_("You cannot write in this conversation."), "forbidden")
            continue
        key = (draft.conversation_id, draft.sender.pk, draft.client_key)
        if key in existing:
            result.message, result.duplicate = existing[key], True
            continue
        if key in first_in_batch:  # a resend that arrived in the same batch as the original
            result.duplicate = True
            repeats.append((result, first_in_batch[key]))
            continue
        first_in_batch[key] = result
        fresh_by_conversation.setdefault(draft.conversation_id, []).append(result)
    messages = []
    # In id order, the order the rows were locked in.
    ordered = sorted(fresh_by_conversation.items())
    for conversation_id, fresh in ordered:
        # Rare changes first (a student reopening a closed conversation, a counselor's first reply
        # claiming it); the sequence numbers for the whole batch come after, in one statement.
        conversation = conversations[conversation_id]
        updates = {}
        if conversation.status == Conversation.Status.CLOSED and any(r.draft.sender.role == Role.SISWA for r in fresh):
            updates["status"] = Conversation.Status.OPEN
        claimer = next((r.draft.sender for r in fresh if r.draft.sender.role in COUNSELOR_ROLES), None)
        if conversation.counselor_id is None and claimer is not None:
            updates["counselor"] = claimer
            ConversationEvent.objects.create(
                conversation=conversation, kind=ConversationEvent.Kind.CLAIMED, actor=claimer
            )
        if updates:
            Conversation.objects.filter(pk=conversation_id).update(**updates)
    last_seqs = _allocate_seqs(
        [(cid, len(fresh), fresh[-1].draft.sender.role == Role.SISWA) for cid, fresh in ordered], now
    )
    for conversation_id, fresh in ordered:
        conversation = conversations[conversation_id]
        first_seq = last_seqs[conversation_id] - len(fresh) + 1
        for offset, result in enumerate(fresh):
            draft = result.draft
            is_student = draft.sender.role == Role.SISWA
            screening = risk.screen(draft.body, lexicons.for_school(conversation.school_id)) if is_student else None
            message = Message(
                conversation_id=conversation_id,
                seq=first_seq + offset,
                sender=draft.sender,
                sender_role=Message.SenderRole.STUDENT if is_student else Message.SenderRole.COUNSELOR,
                client_key=draft.client_key,
                body=draft.body.strip(),
                flagged=bool(screening and screening.flagged),
                created_at=now,
            )
            result.message = message
            messages.append((message, screening, result, conversation))
    Message.objects.bulk_create([m for m, *_ in messages])
    for result, first in repeats:
        result.message = first.message
    coordinators = None
    for message, screening, result, conversation in messages:
        if screening is not None and screening.flagged:
            result.alert = _raise_alert(conversation, message, screening)
            result.crisis_contacts = crisis_contacts(conversation.school)
            result.alert_user_ids = [u.pk for u in alert_recipients(conversation)]
        if message.sender_role != Message.SenderRole.STUDENT:
            continue
        if conversation.counselor_id:
            result.inbox_user_ids = [conversation.counselor_id]
            continue
        if coordinators is None:
            coordinators = list(
                User.objects.filter(
                    school_id__in={c.school_id for *_, c in messages}, role=Role.KOORDINATOR_BK, is_active=True
                ).values_list("pk", "school_id")
            )
        student = conversation.student
        assigned = [*student.counselors.all(), *(student.rombel.counselors.all() if student.rombel_id else ())]
        # As caseload.serving_guru_bk, on the prefetched rows: an assignment left behind by someone
        # who left, or moved school, tells them nothing.
        serving = {
            u.pk for u in assigned if u.is_active and u.role == Role.GURU_BK and u.school_id == conversation.school_id
        }
        serving |= {pk for pk, school_id in coordinators if school_id == conversation.school_id}
        result.inbox_user_ids = sorted(serving)


def _allocate_seqs(rows, now):
    """{conversation id: its new last_seq} for rows of (id, messages in this batch, last is the
    student's). On PostgreSQL one UPDATE … RETURNING serves the whole batch; a statement per
    conversation was what made the store fall behind at a few hundred messages a second."""
    if not rows:
        return {}
    if connection.vendor == "postgresql":
        table = Conversation._meta.db_table
        values = ", ".join(["(%s::bigint, %s::integer, %s::boolean)"] * len(rows))
        params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET last_seq = c.last_seq + v.n, last_message_at = %s, "  # noqa: S608
                f"awaiting_reply = v.student FROM (VALUES {values}) AS v(id, n, student) "
                "WHERE c.id = v.id RETURNING c.id, c.last_seq",
                [now, *params],
            )
            return dict(cursor.fetchall())
    last_seqs = {}
    for conversation_id, count, last_is_student in rows:
        Conversation.objects.filter(pk=conversation_id).update(
            last_seq=F("last_seq") + count, last_message_at=now, awaiting_reply=last_is_student
        )
        last_seqs[conversation_id] = (
            Conversation.objects.filter(pk=conversation_id).values_list("last_seq", flat=True).get()
        )
    return last_seqs


def _raise_alert(conversation, message, screening):
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)
    conversation.urgent = True
    # The safety pipeline e-mails the counselors once this transaction commits.
    alert, _created = safety.raise_alert(
        student=conversation.student,
        source=Alert.Source.MESSAGE,
        source_id=message.pk,
        items=screening.categories,
        severity=screening.severity or "medium",
    )
    ConversationEvent.objects.create(conversation=conversation, kind=ConversationEvent.Kind.ALERT)
    return alert


def alert_recipients(conversation):
    """The handling counselor, or while nobody has claimed the conversation the counselors who
    serve the student; always the coordinators (an urgent conversation is open to them)."""
    if conversation.counselor_id is None:
        return caseload.serving_counselors(conversation.student)
    # Only while the handling counselor is still an active counselor of the school: someone who
    # left is not mailed, and the coordinators take over.
    handling = User.objects.filter(
        pk=conversation.counselor_id, school_id=conversation.school_id, role__in=COUNSELOR_ROLES, is_active=True
    )
    return caseload.once(handling, caseload.coordinators(conversation.school_id))


def _broadcast(group, event):
    """Tell open sockets after a change made over HTTP. A failure here must not undo the change:
    the pages catch up on their next reload or resubscribe."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        log.exception("could not broadcast %s to %s", event.get("type"), group)


def tell_inboxes(user_ids, event):
    """Push an inbox event (`{"type": ...}`, docs/websocket.md) to these users' open pages."""
    for user_id in user_ids:
        _broadcast(user_group(user_id), {"type": "inbox.event", "event": event})


def announce_access_change(conversation_id):
    transaction.on_commit(
        lambda: _broadcast(
            conversation_group(conversation_id), {"type": "conversation.access", "conversation": conversation_id}
        )
    )


def end_sockets(user_id, session_key=None):
    """Close the user's open sockets: those of one session (sign-out), or all (sign out everywhere)."""
    _broadcast(user_group(user_id), {"type": "session.ended", "session_key": session_key})


def user_group(user_id):
    return f"user.{user_id}"


def conversation_group(conversation_id):
    return f"conversation.{conversation_id}"


def messages_after(conversation, after_seq, limit=SYNC_PAGE):
    """The messages a client has not seen, in order; `complete` says whether more remain."""
    after_seq = max(0, int(after_seq))
    messages = list(
        Message.objects.filter(conversation=conversation, seq__gt=after_seq)
        .select_related("attachment")
        .order_by("seq")[: limit + 1]
    )
    return [payload(m) for m in messages[:limit]], len(messages) <= limit


@dataclass(frozen=True)
class Mark:
    """A participant's receipt: how far they have received (`delivered`) and read (`read`)."""

    conversation_id: int
    user: User
    delivered: int = 0
    read: int = 0


def mark_seen(conversation, user, *, delivered=None, read=None):
    """Advance a participant's delivered/read marks (never backwards); returns the receipt."""
    return mark_many([Mark(conversation.pk, user, int(delivered or 0), int(read or 0))])[0]


def mark_many(marks):
    """Advance many receipt marks in one statement; one receipt (or None for a conversation that is
    gone) per mark, in order.

    Browsers send a read mark for nearly every message they show, so at chat speed receipts are
    as many as messages: the socket's batch writer stores them together, never one transaction
    each. Marks only move forward, never past the conversation's last seq, and read implies
    delivered.
    """
    if not marks:
        return []
    wanted = {}
    for mark in marks:
        key = (mark.conversation_id, mark.user.pk)
        delivered, read = wanted.get(key, (0, 0))
        # A client may claim any number: past the last seq is clamped below, past a column's range here.
        mark_read = min(mark.read, MAX_SEQ)
        wanted[key] = (max(delivered, min(mark.delivered, MAX_SEQ), mark_read), max(read, mark_read))
    rows = sorted(wanted.items())
    participant, conversation = Participant._meta.db_table, Conversation._meta.db_table
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::bigint, %s::integer, %s::integer)"] * len(rows))
        greatest, least = "GREATEST", "LEAST"
    else:
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        greatest, least = "MAX", "MIN"
    sql = (
        f"WITH v(c, u, d, r) AS (VALUES {values}) "  # noqa: S608 - table names and placeholders only
        f"INSERT INTO {participant} (conversation_id, user_id, delivered_seq, read_seq) "
        f"SELECT v.c, v.u, {least}(v.d, c.last_seq), {least}(v.r, c.last_seq) "
        f"FROM v JOIN {conversation} AS c ON c.id = v.c WHERE true "
        "ON CONFLICT (conversation_id, user_id) DO UPDATE SET "
        f"delivered_seq = {greatest}({participant}.delivered_seq, excluded.delivered_seq), "
        f"read_seq = {greatest}({participant}.read_seq, excluded.read_seq) "
        "RETURNING conversation_id, user_id, delivered_seq, read_seq"
    )
    params = [value for (conversation_id, user_id), (d, r) in rows for value in (conversation_id, user_id, d, r)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stored = {(c, u): (d, r) for c, u, d, r in cursor.fetchall()}
    receipts = []
    for mark in marks:
        found = stored.get((mark.conversation_id, mark.user.pk))
        receipts.append(
            None
            if found is None
            else {
                "type": "receipt",
                "conversation": mark.conversation_id,
                "role": "student" if mark.user.role == Role.SISWA else "counselor",
                "delivered_seq": found[0],
                "read_seq": found[1],
            }
        )
    return receipts


def unread_counts(user, conversations):
    """{conversation id: messages from the other side after the user's read mark}."""
    from django.db.models import Count, OuterRef, Q, Subquery

    read = Participant.objects.filter(conversation=OuterRef("pk"), user=user).values("read_seq")[:1]
    own_role = Message.SenderRole.STUDENT if user.role == Role.SISWA else Message.SenderRole.COUNSELOR
    rows = (
        Conversation.objects.filter(pk__in=[c.pk for c in conversations])
        .annotate(read_seq=Subquery(read))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=F("read_seq")) & ~Q(messages__sender_role=own_role)
                | Q(read_seq__isnull=True) & ~Q(messages__sender_role=own_role),
            )
        )
        .values_list("pk", "unread")
    )
    return dict(rows)


# --- handling ------------------------------------------------------------------------------------------------


def start_conversation(student, *, kind=Conversation.Kind.CHAT, subject="", anonymous=False, notify_student=False):
    return Conversation.objects.create(
        school_id=student.school_id,
        student=student,
        kind=kind,
        subject=subject,
        anonymous=anonymous and kind == Conversation.Kind.QUESTION,
        notify_student=notify_student,
    )


def claim(conversation, counselor, request=None):
    with transaction.atomic():
        updated = Conversation.objects.filter(pk=conversation.pk, counselor__isnull=True).update(counselor=counselor)
        if not updated:
            raise PostError(_("Another counselor has already claimed this conversation."), "claimed")
        ConversationEvent.objects.create(
            conversation=conversation, kind=ConversationEvent.Kind.CLAIMED, actor=counselor
        )
    conversation.refresh_from_db()
    announce_access_change(conversation.pk)
    audit.record(request, audit.Action.CHANGE, conversation, user=counselor, detail="claimed")
    return conversation


def transfer(conversation, actor, to_counselor, note="", request=None):
    if to_counselor.school_id != conversation.school_id or to_counselor.role not in COUNSELOR_ROLES:
        raise PostError(_("A conversation can only be transferred to a counselor of the school."), "bad_target")
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(counselor=to_counselor)
        ConversationEvent.objects.create(
            conversation=conversation,
            kind=ConversationEvent.Kind.TRANSFERRED,
            actor=actor,
            to_user=to_counselor,
            note=note,
        )
    conversation.refresh_from_db()
    announce_access_change(conversation.pk)
    audit.record(request, audit.Action.CHANGE, conversation, user=actor, detail=f"transferred to {to_counselor}")
    return conversation


def set_status(conversation, actor, status, request=None):
    kind = ConversationEvent.Kind.CLOSED if status == Conversation.Status.CLOSED else ConversationEvent.Kind.REOPENED
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(status=status)
        ConversationEvent.objects.create(conversation=conversation, kind=kind, actor=actor)
    conversation.refresh_from_db()
    audit.record(request, audit.Action.CHANGE, conversation, user=actor, detail=str(kind))
    return conversation


def reveal_identity(conversation, student_user, request=None):
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk, revealed_at__isnull=True).update(revealed_at=timezone.now())
        ConversationEvent.objects.create(
            conversation=conversation, kind=ConversationEvent.Kind.REVEALED, actor=student_user
        )
    conversation.refresh_from_db()
    return conversation


def read_conversation(request, conversation):
    """A staff member opens a conversation: the read is audited (students reading their own are not)."""
    if request.user.role != Role.SISWA:
        audit.record(request, audit.Action.READ, conversation, detail="conversation")
