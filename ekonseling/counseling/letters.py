"""Counseling letters and anonymous questions: the slow media of online counseling.

A letter thread (konseling lewat surat) has a subject and long, considered messages; an anonymous
question (tanya BK) hides the student from the guru BK until the student reveals themselves. Both
are conversations of the one message store (`services.post_messages`), so numbering, idempotency,
encryption and risk screening are the chat's own.

Letters tell the other side by e-mail, because nobody sits waiting for a letter: the counselors when
a student writes, the student when a counselor answers (only if the student asked for it and has an
address). An e-mail leaves the school's control, so it carries a link and nothing else: not the
letter, not its subject, not even the student's name.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit, policy
from ekonseling.core.text import clean as clean_text
from ekonseling.students.models import Student

from . import attachments, protocol, services
from .models import Conversation, Message

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
# Kept in Indonesian on purpose: e-mails go out without a request, to people who use the app in
# Indonesian, and they contain nothing but the link.
COUNSELOR_MAIL_SUBJECT = "[E-Konseling] Ada surat konseling baru"
COUNSELOR_MAIL_BODY = (
    "Yth. Guru BK,\n\n"
    "Ada surat konseling baru yang menunggu balasan Anda di E-Konseling. "
    "Silakan masuk dan buka tautan berikut:\n{link}\n\n"
    "Demi kerahasiaan, isi surat tidak disertakan dalam e-mail ini.\n"
)
STUDENT_MAIL_SUBJECT = "[E-Konseling] Suratmu sudah dibalas"
STUDENT_MAIL_BODY = (
    "Halo,\n\n"
    "Guru BK sudah membalas suratmu di E-Konseling. Silakan masuk dan buka tautan berikut:\n{link}\n\n"
    "Demi kerahasiaan, isi balasan tidak disertakan dalam e-mail ini. "
    "Kamu menerima e-mail ini karena memintanya saat menulis surat.\n"
)


class Started:
    """The result of starting a thread: the conversation and the first message as posted."""

    def __init__(self, conversation, posted):
        self.conversation = conversation
        self.posted = posted

    @property
    def duplicate(self):
        return self.posted.duplicate


def student_of(user):
    """The student record of a signed-in student, or None (a student account without a record
    cannot start a conversation: there is no counseling record to put it in)."""
    if user.role != Role.SISWA:
        return None
    return Student.objects.select_related("rombel").filter(user=user, school_id=user.school_id).first()


def student_address(student):
    """Where a student's notices go: the e-mail the student gave in "Data saya" (their record, which
    their guru BK can also edit), else their account's, else none."""
    if not student.user_id:
        return ""
    return student.email or student.user.email or ""


def may_be_notified(student):
    """A student can ask for e-mail only when there is an address to send it to."""
    return bool(student_address(student))


# --- starting and replying ----------------------------------------------------------------------------------


def start_letter(student, sender, *, subject, body, client_key, notify_student=False, rate_limit=False):
    """A new letter thread with its first letter. A double submit (same client key) returns the
    thread the first submit created instead of a second one. `rate_limit` (what users' requests
    ask for) spends the sender's letter budget (`protocol.rate_limit`)."""
    return _start(
        student,
        sender,
        kind=Conversation.Kind.LETTER,
        subject=clean_text(subject).strip()[:MAX_SUBJECT],
        body=body,
        client_key=client_key,
        notify_student=notify_student and may_be_notified(student),
        limit=protocol.MAX_LETTER_BODY,
        rate_limit=rate_limit,
    )


def start_question(student, sender, *, body, client_key, rate_limit=False):
    """A new anonymous question: the guru BK sees the question, not who asks it."""
    return _start(
        student,
        sender,
        kind=Conversation.Kind.QUESTION,
        subject="",
        body=body,
        client_key=client_key,
        anonymous=True,
        limit=protocol.MAX_BODY,
        rate_limit=rate_limit,
    )


def _start(
    student, sender, *, kind, subject, body, client_key, limit, anonymous=False, notify_student=False, rate_limit=False
):
    services.validate_body(body, limit)
    with transaction.atomic():
        # Serialises two submits of the same form, so the duplicate check below sees the first.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        earlier = (
            Message.objects.filter(
                sender=sender, client_key=client_key, conversation__student=student, conversation__kind=kind
            )
            .select_related("conversation")
            .first()
        )
        if earlier is not None:
            # Posted again, so the resend is answered and told to open pages as any resend is.
            return Started(earlier.conversation, _post(earlier.conversation, sender, body, client_key, limit))
        # Only a new thread spends the budget: a double submit above is answered, not counted.
        if rate_limit and not protocol.may(kind, sender.pk):
            raise services.rate_limited_error()
        conversation = services.start_conversation(
            student, kind=kind, subject=subject, anonymous=anonymous, notify_student=notify_student
        )
        posted = _post(conversation, sender, body, client_key, limit)
    conversation.refresh_from_db()
    _after_commit(conversation, posted)
    return Started(conversation, posted)


def reply(conversation, sender, *, body, client_key, prepared=None, rate_limit=False):
    """A reply in a letter thread or question, by either side, with an optional checked
    attachment (`attachments.prepare`). A resend with the same client key lands once.
    `rate_limit` spends the sender's reply budget (a chat's attachment spends the message budget
    in its view, before the file is read)."""
    limit = body_limit(conversation)
    if rate_limit and not protocol.may("reply", sender.pk):
        raise services.rate_limited_error()
    with transaction.atomic():
        posted = _post(conversation, sender, body, client_key, limit)
        if prepared is not None and not posted.duplicate:
            attachments.store(posted.message, prepared)
    _after_commit(conversation, posted)
    return posted


def body_limit(conversation):
    return protocol.MAX_LETTER_BODY if conversation.kind == Conversation.Kind.LETTER else protocol.MAX_BODY


def _post(conversation, sender, body, client_key, limit):
    """The one action (`services.post_messages`): stored, and told to open pages once committed."""
    draft = services.Draft(conversation_id=conversation.pk, sender=sender, client_key=client_key, body=body)
    (posted,) = services.post_messages([draft], limit=limit)
    if posted.error is not None:
        raise posted.error
    return posted


def _after_commit(conversation, posted):
    """The letter's e-mail nudge (the open pages are told by `post_messages`)."""
    if posted.duplicate:
        return
    if conversation.kind == Conversation.Kind.LETTER:
        message_id = posted.message.pk
        transaction.on_commit(lambda: notify_letter(message_id), robust=True)


def reveal(conversation, student_user, *, ip=None, user_agent=""):
    """The student shows their name on an anonymous question; it cannot be hidden again."""
    if not conversation.identity_hidden:
        return conversation
    conversation = services.reveal_identity(conversation, student_user)
    audit.record_for(student_user, audit.Action.CHANGE, conversation, "identity revealed", ip, user_agent)
    transaction.on_commit(lambda: _tell_handlers(conversation.pk), robust=True)
    return conversation


# --- telling people -------------------------------------------------------------------------------------------


def _tell_handlers(conversation_id):
    """Ask the open inbox pages of those who may handle the conversation to reload its row (after
    a reveal, the row shows a name where it said "Anonymous")."""
    conversation = Conversation.objects.select_related("student__rombel", "counselor").get(pk=conversation_id)
    recipients = [user.pk for user in services.alert_recipients(conversation)]
    services.tell_inboxes(recipients, {"type": "updated", "conversation": conversation_id})


def letter_recipients(conversation):
    """Who is told of a student's new letter: the counselor handling the thread; while nobody
    has claimed it, every counselor who serves the student (by rombel or individually); and when
    the student has no counselor at all, the school's coordinators, so no letter goes unread."""
    school_users = User.objects.filter(school_id=conversation.school_id, is_active=True, role__in=COUNSELOR_ROLES)
    if conversation.counselor_id:
        return list(school_users.filter(pk=conversation.counselor_id))
    student = conversation.student
    serving = {*student.counselors.values_list("pk", flat=True)}
    if student.rombel_id:
        serving.update(student.rombel.counselors.values_list("pk", flat=True))
    counselors = list(school_users.filter(pk__in=serving).order_by("pk"))
    return counselors or list(school_users.filter(role=Role.KOORDINATOR_BK).order_by("pk"))


def conversation_link(conversation_id):
    return settings.SITE_URL.rstrip("/") + reverse("counseling:conversation", args=[conversation_id])


def notify_letter(message_id):
    """One e-mail per person (nobody sees who else was told), with the link only."""
    message = Message.objects.select_related("conversation__student__user", "conversation__student__rombel").get(
        pk=message_id
    )
    conversation = message.conversation
    link = conversation_link(conversation.pk)
    if message.sender_role == Message.SenderRole.STUDENT:
        addresses = [u.email for u in letter_recipients(conversation) if u.email]
        subject, body = COUNSELOR_MAIL_SUBJECT, COUNSELOR_MAIL_BODY.format(link=link)
    elif message.sender_role == Message.SenderRole.COUNSELOR and conversation.notify_student:
        student = conversation.student
        addresses = [student_address(student)] if may_be_notified(student) and student.user.is_active else []
        subject, body = STUDENT_MAIL_SUBJECT, STUDENT_MAIL_BODY.format(link=link)
    else:
        return 0
    if not addresses:
        return 0
    try:
        connection = get_connection()
        mails = [EmailMessage(subject, body, to=[address], connection=connection) for address in addresses]
        return connection.send_messages(mails) or 0
    except Exception:  # the letter is stored and shows in the inbox; the e-mail is only a nudge
        log.exception("could not send the letter notification for message %s", message_id)
        return 0


# --- the counseling record ----------------------------------------------------------------------------------


def student_record(user, student, *, ip=None, user_agent=""):
    """The student's conversations that the viewer may open, newest first, for the student page.

    An anonymous question the viewer may not attribute is left out: listing it on the student's
    page would tell the guru BK who asked. Subjects are counseling content, so a staff member's
    look at a non-empty list is written to the audit log.
    """
    conversations = policy.visible(
        user, "conversation.view", Conversation.objects.filter(student=student).select_related("student", "counselor")
    ).order_by("-created_at", "-id")
    shown = [c for c in conversations if not c.identity_hidden or policy.can(user, "conversation.see_identity", c)]
    if shown and user.role != Role.SISWA:
        detail = f"counseling record: {len(shown)} conversations"
        audit.record_for(user, audit.Action.READ, student, detail, ip, user_agent)
    return shown
