"""The counseling message store and its one action: every medium (WebSocket, HTTP polling, letters,
questions) posts through `post_messages`, so numbering, idempotency, encryption, risk screening, the
send limit and telling open pages happen once.

A message is stored before anyone is told of it; the channel layer only carries the news, sent once
the transaction commits. A client that missed a broadcast asks `messages_after(its last seq)`, so
nothing is lost; a resend with the same client key returns the stored message and tells open pages
again (they de-duplicate by seq), so nothing is duplicated and nothing stays unannounced when a
process died between the commit and the broadcast.
"""

import functools
import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit, policy, prepared, realtime
from ekonseling.core.models import AuditEvent
from ekonseling.core.text import clean as clean_text
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students import caseload
from ekonseling.students.models import Student

from . import lexicons, protocol, risk
from .models import Conversation, ConversationEvent, Message, Participant
from .protocol import MAX_BODY, MAX_LETTER_BODY, MAX_SEQ, SYNC_PAGE, conversation_group, user_group

__all__ = ["MAX_BODY", "MAX_LETTER_BODY", "SYNC_PAGE", "conversation_group", "user_group"]

log = logging.getLogger(__name__)


class PostError(Exception):
    """A message that cannot be posted; the text is shown to the sender. It is translated when it is
    shown (str()): the batch writer refuses a socket's message on a thread of its own, in no user's
    language, so the refusals it makes carry a msgid (gettext_noop) and their parameters."""

    def __init__(self, message, code="invalid", params=None):
        super().__init__(message)
        self.code = code
        self.params = params

    def __str__(self):
        text = gettext(self.args[0])
        return text % self.params if self.params is not None else text


@dataclass(frozen=True)
class Draft:
    conversation_id: int
    sender: User
    client_key: uuid.UUID
    body: str
    # The socket that sent it (its channel name): it gets the ack, so the broadcast skips it.
    origin: str = ""


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
    # Who must hear of a risk alert at once.
    alert_user_ids: list = field(default_factory=list)
    # Whose badges and home cards change (core.realtime.LIVE_REFRESH): the sender of a counselor's
    # message (what awaits their reply)...
    refresh_user_ids: list = field(default_factory=list)
    # ...and the student it answers (their unread replies): their sockets subscribed to the
    # conversation get the message itself instead (`protocol.reply_refresh_event`).
    reader_id: int | None = None
    # A student's message screened for risk before it is stored (None for a counselor's).
    screening: risk.Screening | None = None

    def inbox_events(self) -> list[realtime.Event]:
        """The inbox refreshes (and risk alert) this message causes, as channel-layer events."""
        conversation = self.message.conversation_id
        events = [
            protocol.inbox_event(u, {"type": "updated", "conversation": conversation}) for u in self.inbox_user_ids
        ]
        if self.alert is not None:
            alert = {"type": "alert", "conversation": conversation, "severity": self.alert.severity}
            events += [protocol.inbox_event(u, alert) for u in self.alert_user_ids]
        return events

    def ack(self) -> protocol.Frame:
        """What the sender is told: the stored sequence number, or why it was refused."""
        if self.error is not None:
            return protocol.error(
                self.error.code,
                str(self.error),
                conversation=self.draft.conversation_id,
                client_key=self.draft.client_key,
            )
        return protocol.ack(
            self.message, self.draft.client_key, duplicate=self.duplicate, crisis_contacts=self.crisis_contacts
        )


def validate_body(body, limit=MAX_BODY):
    """The body as it is stored (without bidirectional controls, `core.text`), or PostError."""
    if isinstance(body, str):
        body = clean_text(body)
    if not isinstance(body, str) or not body.strip():
        raise PostError(gettext_noop("The message is empty."), "empty")
    if len(body) > limit:
        raise PostError(
            gettext_noop(
                "The message is too long (%(length)d characters; at most %(limit)d). Split it, or write a letter."
            ),
            "too_long",
            {"length": len(body), "limit": limit},
        )
    return body.strip()


def parse_client_key(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise PostError(gettext_noop("The message has no valid client key."), "bad_key") from None


def rate_limited_error() -> PostError:
    return PostError(gettext_noop("You are sending messages too fast. Wait a moment."), "rate_limited")


def post_messages(drafts: Sequence[Draft], *, limit: int = MAX_BODY, rate_limit: bool = False) -> list[Posted]:
    """Store a batch of messages in one transaction and tell open pages once it commits; one
    result per draft, in order.

    Batching is what lets one process keep up with hundreds of messages a second: one
    transaction, one sequence update per conversation and one insert for the whole batch.
    `rate_limit` spends the senders' shared send budget (`protocol.SEND_LIMIT`), one cache round
    trip per batch. Called inside a transaction (letters with their attachment), the broadcast
    waits for that transaction's commit.
    """
    results = [Posted(draft=d) for d in drafts]
    if rate_limit:
        _spend_send_budget(results)
    for result in results:
        if result.error is not None:
            continue
        try:
            validate_body(result.draft.body, limit)
        except PostError as exc:
            result.error = exc
    pending = [r for r in results if r.error is None]
    if not pending:
        return results
    # Screened before the transaction, once: the conversations' rows stay locked only for the writes,
    # and a batch stored again one by one (below) is not screened twice. A student writes only in
    # their own school's conversations (the policy refuses the rest in `_store`), so their school's
    # lexicon is the conversation's.
    for result in pending:
        sender = result.draft.sender
        if sender.role == Role.SISWA:
            result.screening = risk.screen(result.draft.body, lexicons.for_school(sender.school_id))
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
    # Built when the transaction commits, not now: a letter's attachment is stored after this.
    # (Alert e-mails are sent by the safety pipeline once the commit happens.)
    transaction.on_commit(lambda: realtime.publish(_events(pending)), robust=True)
    return results


def _spend_send_budget(results):
    allowed = protocol.sends_allowed(Counter(r.draft.sender.pk for r in results))
    for result in results:  # in order: a sender's first messages go, the rest are refused
        user_id = result.draft.sender.pk
        if allowed[user_id] > 0:
            allowed[user_id] -= 1
        else:
            result.error = rate_limited_error()


def _events(results) -> list[realtime.Event]:
    """What open pages are told of stored messages, a resend's stored message included: the
    message for the conversation's sockets (not the one that sent it, which has the ack), then the
    inbox refreshes. A message repeated within one batch is told once."""
    events, told, refresh, inboxed, readers = [], set(), set(), set(), {}
    for result in results:
        if result.error is not None or result.message is None:
            continue
        key = (result.message.conversation_id, result.message.seq)
        if key in told:
            continue
        told.add(key)
        events.append(protocol.message_event(result.message, result.draft.origin))
        events += result.inbox_events()
        inboxed.update(result.inbox_user_ids)
        refresh.update(result.refresh_user_ids, result.inbox_user_ids, result.alert_user_ids)
        if result.reader_id:
            readers.setdefault(result.reader_id, set()).add(result.message.conversation_id)
    # Last, once per user for the whole batch: badges and home cards count what was just stored. A
    # counselor told through the inbox is not told twice: an `inbox` frame refreshes the badges and
    # cards as well (static/js/live.js), and it is a third of the frames at chat speed. A student
    # told of a reply is told on the sockets that do not show that conversation (the open chat
    # shows the message and marks it read).
    refresh -= inboxed
    events += realtime.refresh_events(refresh)
    return events + [
        protocol.reply_refresh_event(user_id, conversations)
        for user_id, conversations in sorted(readers.items())
        if user_id not in refresh
    ]


def _forget(result):
    """What an undone attempt wrote into a result; the next attempt decides it afresh."""
    result.message, result.duplicate, result.alert, result.error = None, False, None, None
    result.crisis_contacts, result.inbox_user_ids, result.alert_user_ids = [], [], []
    result.refresh_user_ids, result.reader_id = [], None


def _store_duplicate_or_fail(result, error):
    existing = (
        Message.objects.filter(
            conversation_id=result.draft.conversation_id,
            sender=result.draft.sender,
            client_key=result.draft.client_key,
        )
        .select_related("attachment")
        .first()
    )
    if existing is None:
        raise error
    result.message, result.duplicate = existing, True


def _store(results, *, check_stored=True):
    now = timezone.now()
    conversation_ids = {r.draft.conversation_id for r in results}
    if connection.vendor == "postgresql":
        # The sequence update needs the rows locked; taking the locks in this same query, in id
        # order, saves a round trip and keeps two server processes from deadlocking.
        loaded = _locked_conversations().all(sorted(conversation_ids))
    else:
        loaded = _conversations().filter(pk__in=conversation_ids)
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
            # With its attachment: a resend's broadcast carries the message as it was stored.
            for m in Message.objects.filter(
                conversation_id__in=conversation_ids, client_key__in={r.draft.client_key for r in results}
            ).select_related("attachment")
        }
    fresh_by_conversation = {}
    repeats = []  # (result, the first result with its key in this batch)
    first_in_batch = {}
    for result in results:
        draft = result.draft
        conversation = conversations.get(draft.conversation_id)
        if conversation is None or not policy.can(draft.sender, "conversation.post", conversation):
            result.error = PostError(gettext_noop("You cannot write in this conversation."), "forbidden")
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
            screening = result.screening if is_student else None
            message = Message(
                conversation_id=conversation_id,
                seq=first_seq + offset,
                sender=draft.sender,
                sender_role=Message.SenderRole.STUDENT if is_student else Message.SenderRole.COUNSELOR,
                client_key=draft.client_key,
                body=clean_text(draft.body).strip(),
                flagged=bool(screening and screening.flagged),
                created_at=now,
            )
            result.message = message
            # A counselor's message: the student's unread replies, and the counselor's own "awaiting
            # reply" list. (A student's message tells the inbox recipients, below.)
            if not is_student:
                result.refresh_user_ids = [draft.sender.pk]
                result.reader_id = conversation.student.user_id
            messages.append((message, screening, result, conversation))
    Message.objects.bulk_create([m for m, *_ in messages])
    for result, first in repeats:
        result.message = first.message
    for message, screening, result, conversation in messages:
        if screening is not None and screening.flagged:
            result.alert = _raise_alert(conversation, message, screening)
            result.crisis_contacts = safety.crisis_contacts(conversation.school)
            result.alert_user_ids = [u.pk for u in alert_recipients(conversation)]
    told = [r for r in results if r.message is not None and r.message.sender_role == Message.SenderRole.STUDENT]
    _set_inbox_recipients(told, conversations)


def _conversations():
    """The conversations the write path reads, with their student: only the columns it reads
    (the policy's rules read the student's account, rombel and school). The encrypted columns
    (the subject, the counselor's summary, the student's health notes) and the student's forty
    other columns cost more to load and decrypt per batch than the query; a rare path that reads
    one (a risk alert) loads it then."""
    hidden = {"subject", "counselor_summary"}
    fields = [f.name for f in Conversation._meta.concrete_fields if f.name not in hidden]
    return (
        Conversation.objects.select_related("student")
        .only(*fields, "student__user", "student__rombel", "student__school")
        .order_by("pk")
    )


@functools.cache
def _locked_conversations():
    """On PostgreSQL, the batch's conversations locked in id order, in one statement built and
    compiled once per process (`core.prepared`): building and compiling the queryset per batch
    cost more CPU than PostgreSQL spends running it. The ids go as one array parameter."""
    return prepared.by_array(_conversations().select_for_update(of=("self",)), "id")


def _set_inbox_recipients(results, conversations):
    """Whose inbox refreshes for each student message, fresh or a resend of a stored one (its first
    broadcast may never have gone out): the handling counselor, or while nobody has claimed the
    conversation everyone who may claim it."""
    coordinators = None
    for result in results:
        conversation = conversations[result.draft.conversation_id]
        if result.duplicate and result.message.flagged:
            result.crisis_contacts = safety.crisis_contacts(conversation.school)  # the ack says what the first one said
        if conversation.counselor_id:
            result.inbox_user_ids = [conversation.counselor_id]
            continue
        if coordinators is None:
            schools = {conversations[r.draft.conversation_id].school_id for r in results}
            coordinators = list(
                User.objects.filter(school_id__in=schools, role=Role.KOORDINATOR_BK, is_active=True).values_list(
                    "pk", "school_id"
                )
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
        # The rows as three arrays: one statement text and four parameters whatever the batch holds
        # (psycopg parses again on every run a statement of more than 50 parameters).
        ids, counts, students = (list(column) for column in zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET last_seq = c.last_seq + v.n, last_message_at = %s, "  # noqa: S608
                "awaiting_reply = v.student "
                "FROM unnest(%s::bigint[], %s::integer[], %s::boolean[]) AS v(id, n, student) "
                "WHERE c.id = v.id RETURNING c.id, c.last_seq",
                [now, ids, counts, students],
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


def alert_items(screening: risk.Screening) -> list[str]:
    """What the alert tells the counselor: for imminent risk, first why (the lexicon's rule or the
    imminence model, never the student's words: the inbox shows this first item), then the categories
    most severe first."""
    reason = [f"{risk.IMMINENT}: {screening.reason}"[:120]] if screening.reason else []
    # The category model's guess (a possible risk's, round forty-nine) or its second opinion on the phrases' categories
    # (round fifty), after them: a lexicon word, never the student's.
    items = [*reason, *screening.categories, *(f"likely {name}" for name in screening.likely)]
    if screening.possible:
        # The second-stage model raised it (the phrases let it pass): say so and how sure it is; the
        # features that fired are fragments of the student's words, so they are not stored. A possible
        # risk the imminence model made imminent keeps its reason first, like any imminent alert.
        items.append(f"model score {screening.model_score:.2f}")
    return items


def _raise_alert(conversation, message, screening):
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)
    conversation.urgent = True
    # The safety pipeline e-mails the counselors once this transaction commits.
    alert, _created = safety.raise_alert(
        student=conversation.student,
        source=Alert.Source.MESSAGE,
        source_id=message.pk,
        items=alert_items(screening),
        severity=screening.triage or screening.severity or "medium",
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


def tell_inboxes(user_ids, event):
    """Push an inbox event (`{"type": ...}`, docs/websocket.md) to these users' open pages."""
    realtime.publish(protocol.inbox_event(user_id, event) for user_id in user_ids)


def announce_access_change(conversation_id):
    """Once committed, every socket subscribed to the conversation asks the policy again."""
    transaction.on_commit(lambda: realtime.publish([protocol.access_event(conversation_id)]), robust=True)


def end_sockets(user_id, session_key=None):
    """Close the user's open sockets: those of one session (sign-out), or all (sign out everywhere)."""
    realtime.publish([protocol.session_ended_event(user_id, session_key)])


def messages_after(conversation, after_seq, limit=SYNC_PAGE):
    """The messages a client has not seen, in order; `complete` says whether more remain."""
    after_seq = max(0, int(after_seq))
    messages = list(
        Message.objects.filter(conversation=conversation, seq__gt=after_seq)
        .select_related("attachment")
        .order_by("seq")[: limit + 1]
    )
    return [protocol.message(m) for m in messages[:limit]], len(messages) <= limit


@dataclass(frozen=True)
class Mark:
    """A participant's receipt: how far they have received (`delivered`) and read (`read`)."""

    conversation_id: int
    user: User
    delivered: int = 0
    read: int = 0
    # The socket that sent it: a page ignores its own marks, so the broadcast skips it.
    origin: str = ""


def mark_seen(conversation, user, *, delivered=None, read=None):
    """Advance a participant's delivered/read marks (never backwards); returns the receipt.
    Subscribed pages are told when a mark was given."""
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
    params = [value for (conversation_id, user_id), (d, r) in rows for value in (conversation_id, user_id, d, r)]
    if connection.vendor == "postgresql":
        # Four arrays: one statement text and four parameters whatever the batch holds (psycopg
        # parses again on every run a statement of more than 50 parameters).
        values = "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::integer[], %s::integer[])"
        params = [params[0::4], params[1::4], params[2::4], params[3::4]]
        greatest, least = "GREATEST", "LEAST"
    else:
        values = "VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        greatest, least = "MAX", "MIN"
    sql = (
        f"WITH v(c, u, d, r) AS ({values}) "  # noqa: S608 - table names and placeholders only
        f"INSERT INTO {participant} (conversation_id, user_id, delivered_seq, read_seq) "
        f"SELECT v.c, v.u, {least}(v.d, c.last_seq), {least}(v.r, c.last_seq) "
        f"FROM v JOIN {conversation} AS c ON c.id = v.c WHERE true "
        "ON CONFLICT (conversation_id, user_id) DO UPDATE SET "
        f"delivered_seq = {greatest}({participant}.delivered_seq, excluded.delivered_seq), "
        f"read_seq = {greatest}({participant}.read_seq, excluded.read_seq) "
        "RETURNING conversation_id, user_id, delivered_seq, read_seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stored = {(c, u): (d, r) for c, u, d, r in cursor.fetchall()}
    receipts, events, told = [], [], set()
    for mark in marks:
        found = stored.get((mark.conversation_id, mark.user.pk))
        if found is None:
            receipts.append(None)
            continue
        receipt = protocol.receipt(mark.conversation_id, protocol.side_of(mark.user), *found)
        receipts.append(receipt)
        key = (mark.conversation_id, mark.user.pk, mark.origin)
        if (mark.delivered > 0 or mark.read > 0) and key not in told:
            told.add(key)
            events.append(protocol.receipt_event(receipt, mark.origin))
    transaction.on_commit(lambda: realtime.publish(events), robust=True)
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


def open_chat(student: Student, user: User) -> Conversation | None:
    """The student's open chat that this account may read (a student has at most one): a chat
    withheld since a password reset is not continued from an account that may not read it."""
    chats = Conversation.objects.filter(student=student, kind=Conversation.Kind.CHAT, status=Conversation.Status.OPEN)
    return policy.visible(user, "conversation.view", chats).order_by("-pk").first()


def open_or_start_chat(student: Student, user: User) -> Conversation:
    """Continue the student's open chat or start one: one student, one open chat."""
    with transaction.atomic():
        # Lock the student's row so two quick taps cannot both find no chat and create two.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        return open_chat(student, user) or start_conversation(student)


def start_conversation(
    student, *, kind=Conversation.Kind.CHAT, subject="", anonymous=False, notify_student=False, counselor=None
):
    """A new conversation; with `counselor`, handled by them from the start (a chat beside a call)."""
    return Conversation.objects.create(
        school_id=student.school_id,
        student=student,
        kind=kind,
        counselor=counselor,
        subject=subject,
        anonymous=anonymous and kind == Conversation.Kind.QUESTION,
        notify_student=notify_student,
    )


def claim(conversation: Conversation, counselor: User, *, ip: str | None = None, user_agent: str = "") -> Conversation:
    with transaction.atomic():
        updated = Conversation.objects.filter(pk=conversation.pk, counselor__isnull=True).update(counselor=counselor)
        if not updated:
            raise PostError(_("Another counselor has already claimed this conversation."), "claimed")
        ConversationEvent.objects.create(
            conversation=conversation, kind=ConversationEvent.Kind.CLAIMED, actor=counselor
        )
    conversation.refresh_from_db()
    announce_access_change(conversation.pk)
    # Those who could have claimed it see it leave their "unclaimed" list and badge.
    realtime.announce_refresh([u.pk for u in caseload.serving_counselors(conversation.student)] + [counselor.pk])
    audit.record_for(counselor, audit.Action.CHANGE, conversation, "claimed", ip, user_agent)
    return conversation


def transfer(
    conversation: Conversation,
    actor: User,
    to_counselor: User,
    note: str = "",
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> Conversation:
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
    realtime.announce_refresh([actor.pk, to_counselor.pk])  # whose "waiting for my reply" changed
    audit.record_for(actor, audit.Action.CHANGE, conversation, f"transferred to {to_counselor}", ip, user_agent)
    return conversation


def set_status(
    conversation: Conversation, actor: User, status: str, *, ip: str | None = None, user_agent: str = ""
) -> Conversation:
    kind = ConversationEvent.Kind.CLOSED if status == Conversation.Status.CLOSED else ConversationEvent.Kind.REOPENED
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(status=status)
        ConversationEvent.objects.create(conversation=conversation, kind=kind, actor=actor)
    conversation.refresh_from_db()
    realtime.announce_refresh([actor.pk, conversation.counselor_id])
    audit.record_for(actor, audit.Action.CHANGE, conversation, str(kind), ip, user_agent)
    return conversation


def set_summary(
    conversation: Conversation, actor: User, summary: str, *, ip: str | None = None, user_agent: str = ""
) -> Conversation:
    """The counselor's summary of the conversation (encrypted), printed on the PDF export."""
    with transaction.atomic():
        conversation.counselor_summary = clean_text(summary or "").strip()
        conversation.save(update_fields=["counselor_summary"])
        audit.record_for(actor, audit.Action.CHANGE, conversation, "summary", ip, user_agent)
    return conversation


def reveal_identity(conversation: Conversation, student_user: User) -> Conversation:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk, revealed_at__isnull=True).update(revealed_at=timezone.now())
        ConversationEvent.objects.create(
            conversation=conversation, kind=ConversationEvent.Kind.REVEALED, actor=student_user
        )
    conversation.refresh_from_db()
    return conversation


def read_conversation(
    viewer: User,
    conversation: Conversation,
    *,
    detail: str = "conversation",
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    """A staff member opens a conversation (the page, or live on a socket): the read is audited;
    students reading their own are not."""
    if viewer.role != Role.SISWA:
        audit.record_for(viewer, audit.Action.READ, conversation, detail, ip, user_agent)


@dataclass(frozen=True)
class ReadAudit:
    """A staff member's live read of a conversation (the socket's subscribe), for the batch writer
    to write with the others of the moment: one INSERT for a thousand counselors reconnecting."""

    event: AuditEvent


def live_read(
    viewer: User, conversation: Conversation, *, ip: str | None = None, user_agent: str = ""
) -> ReadAudit | None:
    """`read_conversation` on a socket, not yet written: None for a student reading their own."""
    if viewer.role == Role.SISWA:
        return None
    return ReadAudit(audit.event_for(viewer, audit.Action.READ, conversation, "conversation (live)", ip, user_agent))


def write_read_audits(reads: Sequence[ReadAudit]) -> None:
    audit.record_many([read.event for read in reads])
