"""Online counseling: conversations (live chat, counseling letters, anonymous questions) and their
messages. Everything a student or counselor writes is encrypted at rest.

One `Conversation` model serves the three media because they share what matters: who may read,
the ordered and idempotent message store, risk screening and the student's counseling record.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import dates
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned


class Conversation(SchoolOwned):
    class Kind(models.TextChoices):
        CHAT = "chat", _("Chat")
        LETTER = "letter", _("Counseling letter")
        QUESTION = "question", _("Anonymous question")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conversation status", "Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHAT)
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="conversations")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        help_text="The counselor who claimed it; empty while it is new.",
    )
    subject = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    urgent = models.BooleanField(default=False, help_text="A risk alert is open on it.")
    anonymous = models.BooleanField(default=False, help_text="The counselor does not see who asks.")
    revealed_at = models.DateTimeField(null=True, blank=True, help_text="When the student revealed themselves.")
    # The highest sequence number given out; messages are numbered 1, 2, 3... within a conversation.
    last_seq = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    awaiting_reply = models.BooleanField(default=False, help_text="The last message is the student's.")
    # The student may be told of a reply by e-mail about a new letter (only a link, no content).
    notify_student = models.BooleanField(default=False)
    # The handling counselor's summary, printed on the PDF export; counseling content, so encrypted.
    counselor_summary = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-urgent", "-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status", "-urgent", "-last_message_at"]),
            models.Index(fields=["student", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def identity_hidden(self):
        return self.anonymous and self.revealed_at is None


class Message(models.Model):
    """One message, numbered within its conversation. (conversation, sender, client_key) makes a
    resend after a dropped connection land once."""

    class SenderRole(models.TextChoices):
        STUDENT = "student", _("Student")
        COUNSELOR = "counselor", _("Counselor")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sender_role = models.CharField(max_length=10, choices=SenderRole.choices)
    client_key = models.UUIDField(default=uuid.uuid4)
    body = EncryptedTextField()
    flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_unique_seq"),
            models.UniqueConstraint(fields=["conversation", "sender", "client_key"], name="message_idempotent"),
        ]
        indexes = [
            # A conversation's first student message and first counselor reply (the counselor
            # dashboard's reply times, per conversation of the semester) and a student's unread
            # replies: one index step each instead of sorting the conversation's messages.
            models.Index(fields=["conversation", "sender_role", "seq"], name="message_by_role"),
        ]

    def __str__(self):
        return f"{self.conversation_id}#{self.seq}"


class Attachment(models.Model):
    """An image or PDF sent in a conversation. The file's bytes are encrypted before they are
    written, and it is served only through the access policy."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="attachment")
    file = models.FileField(upload_to="counseling/attachments/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    original_name = EncryptedTextField()

    def __str__(self):
        return f"attachment of {self.message}"


class Participant(models.Model):
    """How far a participant has received and read a conversation (receipts and unread counts)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivered_seq = models.PositiveIntegerField(default=0)
    read_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique")]

    def __str__(self):
        return f"{self.user_id} in {self.conversation_id}"


class ConversationEvent(models.Model):
    """Claim, transfer, close, reopen, reveal: the history of handling, shown in the conversation."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        TRANSFERRED = "transferred", _("transferred")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")
        REVEALED = "revealed", _("the student revealed their name")
        ALERT = "alert", _("risk alert")
        STARTED = "started", _("started by the counselor")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.kind} on {self.conversation_id}"


class OfficeHours(models.Model):
    """When a counselor answers; outside these hours a student is told when to expect a reply."""

    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hours")
    # Django's weekday names, Monday = 0 (the appointments' weekly slots use the same list).
    weekday = models.PositiveSmallIntegerField(choices=list(dates.WEEKDAYS.items()))
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["counselor", "weekday", "starts_at"]

    def __str__(self):
        return f"{self.counselor_id} {self.weekday} {self.starts_at}-{self.ends_at}"


class CounselingSettings(models.Model):
    """A school's counseling settings, kept by the counseling app (not on the kernel's School): the
    phrases it adds to the risk screening. Created on demand; no row means the shipped lexicon."""

    school = models.OneToOneField(
        "core.School", on_delete=models.CASCADE, primary_key=True, related_name="counseling_settings"
    )
    risk_lexicon_extension = models.JSONField(
        _("risk lexicon extension"),
        default=dict,
        blank=True,
        help_text=_("Phrases the school adds to (or removes from) the risk screening; edited by the BK coordinator."),
    )

    class Meta:
        verbose_name = _("counseling settings")
        verbose_name_plural = _("counseling settings")

    def __str__(self):
        return str(_("counseling settings"))


class CallIn(SchoolOwned):
    """A call-in (panggilan): a counselor asks a student to come to the BK room. The student sees it
    on their home and acknowledges it; the counselor sees whether they did. The reason is
    counseling content (encrypted); the place and time are the meeting's logistics."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DONE = "done", _("Met")
        CANCELLED = "cancelled", _("Cancelled")

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="call_ins")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="call_ins_sent"
    )
    message = EncryptedTextField(_("message"))
    meet_at = models.DateTimeField(_("when"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=120, blank=True, default="")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["student", "status"]), models.Index(fields=["counselor", "status"])]
        verbose_name = _("call-in")
        verbose_name_plural = _("call-ins")

    def __str__(self):
        return f"call-in #{self.pk}"

    @property
    def is_open(self):
        return self.status in (self.Status.SENT, self.Status.ACKNOWLEDGED)
