"""Online counseling's part of the UU PDP export (registered in CounselingConfig.ready()).

The section `counseling` holds the student's chats, letters and anonymous questions as the student
sees them: every message decrypted, attachments by name, size and type (the files are not inlined),
and the handling history the letter page shows them (claimed, transferred, closed, reopened,
revealed; never a risk alert, never a counselor's note). Risk screening stays counselor-side: no
message's `flagged`, no `urgent`, no alert. An anonymous question is in the student's own file with
who asked. A staff requester (the coordinator) gets no more than the policy already lets them read:
the conversations they may view, and anonymous questions only where they may see who asked; their
file always says that such conversations are left out, so that it reveals nothing. A requester who
may not read counseling content at all (the operator) gets none of it, and the file says so. A
student account that someone else gave a password (a reset) gets only what it may read, and its
file says that earlier conversations may be left out.

Call-ins (panggilan) are in the same section (`call_ins`), for whoever may read the student's
counseling. A conversation's counselor summary (for the PDF export) is the counselor's note and is
not exported, as alert notes are not.

Erasure needs no hook: call-ins, conversations, messages, attachments, receipts, events and alerts cascade
from the student's row, and attachment files go with their rows (apps._delete_attachment_file).
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import Attachment, CallIn, Conversation, ConversationEvent, Message, OfficeHours, Participant

SECTION = "counseling"
NOT_READABLE = "counseling.not_readable_by_requester"


def _is_subject(student: Any, viewer: Any) -> bool:
    return viewer is None or (student.user_id is not None and viewer.pk == student.user_id)


def _message(message: Message) -> dict:
    row = {
        "seq": message.seq,
        "from": message.sender_role,
        "sent_at": message.created_at,
        "body": message.body,
        "attachment": None,
    }
    if message.sender_role == Message.SenderRole.COUNSELOR:
        row["counselor"] = message.sender.display_name if message.sender_id else None
    attachment = getattr(message, "attachment", None)
    if attachment is not None:
        row["attachment"] = {
            "name": attachment.original_name,
            "size": attachment.size,
            "content_type": attachment.content_type,
        }
    return row


def _event(event: ConversationEvent) -> dict:
    # As on the student's letter page: a student actor is "you", staff are named; no notes.
    by = None
    if event.actor_id and event.actor.role != "siswa":
        by = event.actor.display_name
    return {
        "event": event.kind,
        "at": event.created_at,
        "by": by,
        "to": event.to_user.display_name if event.to_user_id else None,
    }


def _conversation(conversation: Conversation, student: Any) -> dict:
    data = {
        "subject": conversation.subject,
        "status": conversation.status,
        "started_at": conversation.created_at,
        "counselor": conversation.counselor.display_name if conversation.counselor_id else None,
        "e_mail_on_reply": conversation.notify_student,
    }
    if conversation.kind == Conversation.Kind.QUESTION:
        data.update(
            anonymous=conversation.anonymous,
            asked_by={"name": student.name, "nisn": student.nisn},
            revealed_at=conversation.revealed_at,
        )
    data["messages"] = [_message(m) for m in conversation.messages.all()]
    data["events"] = [_event(e) for e in conversation.events.all() if e.kind != ConversationEvent.Kind.ALERT]
    return data


def counseling(student: Any, viewer: Any) -> Any:
    if viewer is not None and not policy.can(viewer, "student.view_counseling", student):
        return personal_data.Partial(None, omitted=(SECTION,))
    subject = _is_subject(student, viewer)
    conversations = (
        Conversation.objects.filter(student=student)
        .select_related("counselor")
        .prefetch_related("messages__attachment", "messages__sender", "events__actor", "events__to_user")
        .order_by("created_at", "id")
    )
    data = {"chats": [], "letters": [], "anonymous_questions": [], "call_ins": _call_ins(student)}
    lists = {
        Conversation.Kind.CHAT: data["chats"],
        Conversation.Kind.LETTER: data["letters"],
        Conversation.Kind.QUESTION: data["anonymous_questions"],
    }
    for conversation in conversations:
        conversation.student = student
        if viewer is not None and not _may_read(viewer, conversation, subject):
            continue
        lists[conversation.kind].append(_conversation(conversation, student))
    if subject and (viewer is None or viewer.counseling_visible_from is None):
        return data
    # Said whether or not anything was left out: a file that said it only when something was
    # would tell the requester that the student has a conversation hidden from them.
    return personal_data.Partial(data, omitted=(NOT_READABLE,))


def _may_read(viewer: Any, conversation: Conversation, subject: bool) -> bool:
    """A requester's copy holds only what the policy already lets them read: a conversation they may
    view, and for staff an anonymous question only if they may see who asked (else the export would
    unmask the student). The student's own account reads its own conversations, except those
    withheld since someone else gave it a password (docs/anonymity.md)."""
    if not policy.can(viewer, "conversation.view", conversation):
        return False
    return subject or not conversation.identity_hidden or policy.can(viewer, "conversation.see_identity", conversation)


def _call_ins(student: Any) -> list[dict]:
    """The call-ins (panggilan) the student received, as their home showed them: the message, when
    and where, who sent it, and whether they acknowledged it."""
    rows = CallIn.objects.filter(student=student).select_related("counselor").order_by("created_at", "id")
    return [
        {
            "message": call_in.message,
            "sent_at": call_in.created_at,
            "counselor": call_in.counselor.display_name if call_in.counselor_id else None,
            "meet_at": call_in.meet_at,
            "place": call_in.place,
            "status": call_in.status,
            "acknowledged_at": call_in.acknowledged_at,
        }
        for call_in in rows
    ]


def register() -> None:
    personal_data.register_export(
        SECTION, counseling, models=[Conversation, Message, Attachment, ConversationEvent, CallIn], order=60
    )
    personal_data.register_not_exported(
        [Participant],
        "Delivery and read positions of the participants (read receipts): technical state of a "
        "conversation, not something the student wrote or is told about themselves.",
    )
    personal_data.register_not_exported(
        [OfficeHours], "A counselor's working hours; it holds no student's data (its key is the counselor's)."
    )
