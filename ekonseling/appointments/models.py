"""Appointments (jadwal konseling).

A counselor's availability is their weekly slots (`WeeklySlot`), the exceptions of a date
(`AvailabilityException`: a day off or extra hours) and the school's closed dates (`SchoolHoliday`).
An `Appointment` is one student's session with one counselor. No two active appointments of a
counselor start at the same moment: a conditional unique constraint in the database, so two
students taking the same slot at once cannot both get it (one INSERT fails).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned

# One weekday list for the project (counseling's office hours use it too): Django's, Monday first.
WEEKDAYS = list(dates.WEEKDAYS.items())


class Medium(models.TextChoices):
    TATAP_MUKA = "tatap_muka", _("Face to face")
    CHAT = "chat", _("Chat")
    VIDEO = "video", _("Video")
    TELEPON = "telepon", _("Telephone")


class SchoolHoliday(SchoolOwned):
    """A date the school is closed: no slot is offered on it."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="appointments_holiday_once")]

    def __str__(self):
        return f"{self.date} {self.name}"


class WeeklySlot(SchoolOwned):
    """Hours a counselor takes appointments each week, cut into sessions of `session_minutes`."""

    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_slots")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=30)

    class Meta:
        ordering = ["weekday", "starts_at"]


class AvailabilityException(SchoolOwned):
    """A date that differs from the week: the counselor is away, or offers extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", _("Day off")
        EXTRA = "extra", _("Extra hours")

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=30)

    class Meta:
        ordering = ["date", "starts_at"]


class Appointment(SchoolOwned):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PROPOSED = "proposed", _("Other time proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Held")
        NO_SHOW = "no_show", _("Student did not come")

    ACTIVE = (Status.REQUESTED, Status.PROPOSED, Status.CONFIRMED)

    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices, default=Medium.TATAP_MUKA)
    topic = EncryptedTextField(_("topic"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    booked_by_counselor = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["counselor", "starts_at"],
                condition=Q(status__in=["requested", "proposed", "confirmed"]),
                name="appointments_no_double_booking",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointments_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"#{self.pk} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class CalendarFeed(SchoolOwned):
    """A counselor's secret calendar address. Only the SHA-256 of the token is stored: the address
    is shown once when made; regenerating or revoking replaces or deletes the row."""

    counselor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class GroupMember(SchoolOwned):
    """Another student of a group session (konseling kelompok) held as one appointment: with its
    own student and the counselor, at most `MAX_CALL_PARTICIPANTS` people in the call."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="group_members")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="group_appointments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "student"], name="appointments_group_member_once")
        ]


MAX_CALL_PARTICIPANTS = 6  # a mesh of browsers: each sends its media to every other one
# The members beside the appointment's own student and its counselor: five students in all.
MAX_GROUP_MEMBERS = MAX_CALL_PARTICIPANTS - 2


class CallSession(SchoolOwned):
    """When a video or voice appointment's call ran: from the first student the counselor admitted
    to the counselor's last leaving (or "End the call"). Nothing of the call itself is stored."""

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="call")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    @property
    def minutes(self):
        if self.started_at is None or self.ended_at is None or self.ended_at <= self.started_at:
            return None
        return max(1, round((self.ended_at - self.started_at).total_seconds() / 60))


class GroupChatMessage(SchoolOwned):
    """One message of the chat beside a group session's call (konseling kelompok), numbered within
    the session. Its readers are the session's participants now (`appointment.group_chat`): a
    removed member reads no more of it. The body is encrypted at rest as counseling messages are; a
    student's message is risk-screened and an alert names the student who wrote it (`student`,
    whose erasure takes their messages with it). (appointment, sender, client_key) makes a resend
    land once."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="chat_messages")
    seq = models.PositiveIntegerField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, null=True, blank=True, related_name="group_chat_messages"
    )
    client_key = models.UUIDField()
    body = EncryptedTextField()
    flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appointment", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "seq"], name="appointments_chat_seq_once"),
            models.UniqueConstraint(
                fields=["appointment", "sender", "client_key"], name="appointments_chat_idempotent"
            ),
        ]
