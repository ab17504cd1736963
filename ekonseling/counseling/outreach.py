"""A counselor reaches out: a chat or a letter the counselor starts with a student of their caseload,
and call-ins (panggilan) — "come to the BK room" — that the student sees on their home and
acknowledges. Actions: each takes an explicit actor and origin, checks the policy itself, audits
inside its transaction, and tells the pages whose badges change once committed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit, policy, realtime
from ekonseling.core.errors import ActionError
from ekonseling.core.text import clean as clean_text
from ekonseling.students.models import Student

from . import letters, protocol, services
from .models import CallIn, Conversation, ConversationEvent, Message

MAX_CALL_IN = 1000  # characters of a call-in's message
MAX_PLACE = 120


class OutreachError(ActionError):
    code = "counseling.refused"


def _check_caseload(counselor: User, student: Student, action: str) -> None:
    if not policy.can(counselor, action, student):
        raise OutreachError(_("This student is not in your caseload."), code="counseling.not_in_caseload")
    if student.user_id is None:
        # Nobody could read it: the student signs in to see conversations and call-ins.
        raise OutreachError(
            _("This student has no account yet, so they could not read it. Create their account first."),
            code="counseling.no_account",
        )


# --- conversations ---------------------------------------------------------------------------------------


def start_for_student(
    student: Student,
    counselor: User,
    *,
    kind: str,
    body: str,
    client_key: uuid.UUID,
    subject: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> Conversation:
    """A chat or letter the counselor starts, with its first message, handled by them from the start.

    A student has one open chat: the counselor continues it when it is theirs or nobody's (their
    message claims it), and is told who handles it otherwise. A double submit (same client key)
    returns the conversation the first one started."""
    _check_caseload(counselor, student, "counseling.start_for")
    if kind not in (Conversation.Kind.CHAT, Conversation.Kind.LETTER):
        raise OutreachError(_("Choose a chat or a letter."), code="counseling.bad_kind")
    limit = protocol.MAX_LETTER_BODY if kind == Conversation.Kind.LETTER else protocol.MAX_BODY
    try:
        services.validate_body(body, limit)
    except services.PostError as exc:
        raise OutreachError(str(exc), code=f"counseling.{exc.code}") from None
    with transaction.atomic():
        # One at a time per student: two counselors (or two taps) cannot both open a chat.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        earlier = (
            Message.objects.filter(sender=counselor, client_key=client_key, conversation__student=student)
            .select_related("conversation")
            .first()
        )
        if earlier is not None:
            return earlier.conversation
        conversation = None
        if kind == Conversation.Kind.CHAT:
            conversation = (
                Conversation.objects.filter(
                    student=student, kind=Conversation.Kind.CHAT, status=Conversation.Status.OPEN
                )
                .select_related("counselor")
                .order_by("-pk")
                .first()
            )
            if conversation is not None and conversation.counselor_id not in (None, counselor.pk):
                raise OutreachError(
                    _("The student already has an open chat, handled by %(name)s.")
                    % {"name": conversation.counselor.display_name},
                    code="counseling.chat_taken",
                )
        if conversation is None:
            conversation = Conversation.objects.create(
                school_id=student.school_id,
                student=student,
                kind=kind,
                counselor=counselor,
                subject=clean_text(subject).strip()[: letters.MAX_SUBJECT] if kind == Conversation.Kind.LETTER else "",
                # The student is told of a letter by e-mail when they gave an address ("Data saya").
                notify_student=kind == Conversation.Kind.LETTER and letters.may_be_notified(student),
            )
            ConversationEvent.objects.create(
                conversation=conversation, kind=ConversationEvent.Kind.STARTED, actor=counselor
            )
        draft = services.Draft(conversation.pk, counselor, client_key, body)
        (posted,) = services.post_messages([draft], limit=limit)
        if posted.error is not None:
            raise OutreachError(str(posted.error), code=f"counseling.{posted.error.code}")
        detail = f"started by the counselor ({kind})"
        audit.record_for(counselor, audit.Action.CREATE, conversation, detail, ip, user_agent)
    conversation.refresh_from_db()
    if kind == Conversation.Kind.LETTER:
        message_id = posted.message.pk
        transaction.on_commit(lambda: letters.notify_letter(message_id), robust=True)
    return conversation


# --- call-ins --------------------------------------------------------------------------------------------


def _clean_call_in(message: str, place: str) -> tuple[str, str]:
    message = clean_text(message or "").strip()
    place = clean_text(place or "").strip()
    if not message:
        raise OutreachError(_("Write why you are calling the student in."), code="counseling.empty")
    if len(message) > MAX_CALL_IN:
        raise OutreachError(
            _("The message is too long (at most %(limit)d characters).") % {"limit": MAX_CALL_IN},
            code="counseling.too_long",
        )
    if len(place) > MAX_PLACE:
        raise OutreachError(
            _("The place is too long (at most %(limit)d characters).") % {"limit": MAX_PLACE},
            code="counseling.too_long",
        )
    return message, place


def send_call_in(
    student: Student,
    counselor: User,
    *,
    message: str,
    meet_at: datetime | None = None,
    place: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> CallIn:
    """Call a student of the counselor's caseload in; the student sees it on their home at once."""
    _check_caseload(counselor, student, "callin.create")
    message, place = _clean_call_in(message, place)
    with transaction.atomic():
        call_in = CallIn.objects.create(
            school_id=student.school_id,
            student=student,
            counselor=counselor,
            message=message,
            meet_at=meet_at,
            place=place,
        )
        audit.record_for(counselor, audit.Action.CREATE, call_in, "call-in sent", ip, user_agent)
        realtime.announce_refresh([student.user_id, counselor.pk])
    return call_in


def acknowledge(call_in: CallIn, student_user: User, *, ip: str | None = None, user_agent: str = "") -> CallIn:
    """The student says they have seen it ("I will come"). Twice is once; a cancelled one cannot be."""
    if not policy.can(student_user, "callin.acknowledge", call_in):
        raise OutreachError(_("This call-in is not yours."), code="counseling.not_yours")
    with transaction.atomic():
        locked = CallIn.objects.select_for_update().get(pk=call_in.pk)
        if locked.status == CallIn.Status.CANCELLED:
            raise OutreachError(_("Your counselor cancelled this call-in."), code="counseling.call_in_cancelled")
        if locked.status == CallIn.Status.SENT:
            locked.status, locked.acknowledged_at = CallIn.Status.ACKNOWLEDGED, timezone.now()
            locked.save(update_fields=["status", "acknowledged_at"])
            audit.record_for(student_user, audit.Action.CHANGE, locked, "call-in acknowledged", ip, user_agent)
            realtime.announce_refresh([student_user.pk, locked.counselor_id])
    return locked


def set_call_in_status(
    call_in: CallIn, actor: User, status: str, *, ip: str | None = None, user_agent: str = ""
) -> CallIn:
    """The counselor met the student (done) or calls it off (cancelled)."""
    if not policy.can(actor, "callin.manage", call_in):
        raise OutreachError(_("Only the counselor who sent it may change this call-in."), code="counseling.not_yours")
    if status not in (CallIn.Status.DONE, CallIn.Status.CANCELLED):
        raise OutreachError(_("Unknown status."), code="counseling.bad_status")
    with transaction.atomic():
        locked = CallIn.objects.select_for_update().select_related("student").get(pk=call_in.pk)
        if not locked.is_open:
            raise OutreachError(_("This call-in is already closed."), code="counseling.call_in_closed")
        locked.status = status
        locked.save(update_fields=["status"])
        audit.record_for(actor, audit.Action.CHANGE, locked, f"call-in {status}", ip, user_agent)
        realtime.announce_refresh([locked.student.user_id, locked.counselor_id, actor.pk])
    return locked


def call_ins_for(
    viewer: User, *, student: Student | None = None, ip: str | None = None, user_agent: str = ""
) -> list[CallIn]:
    """The call-ins `viewer` may see (of one student, or all), newest first. A staff member reading
    others' call-in messages is audited, as any read of counseling content."""
    call_ins = policy.visible(
        viewer, "callin.view", CallIn.objects.select_related("student__rombel", "counselor")
    ).order_by("-created_at", "-pk")
    if student is not None:
        call_ins = call_ins.filter(student=student)
    rows = list(call_ins[:200])
    others = [c for c in rows if c.counselor_id != viewer.pk]
    if others and viewer.role != "siswa":
        audit.record_for(viewer, audit.Action.READ, student, f"call-ins: {len(others)}", ip, user_agent)
    for call_in in rows:
        call_in.may_manage = call_in.is_open and policy.can(viewer, "callin.manage", call_in)
    return rows
