"""The case book (buku kasus): one student's problem from the referral that raised it to its closing.

A `Case` belongs to one student and is handled by one or more counselors (`counselors`); another
counselor reads it only when it is explicitly shared with them (`CaseShare`). Its status moves
baru → ditangani → dirujuk → selesai and every move is kept (`StatusChange`). Private notes
(`CaseNote`) are encrypted and read only by the handling and shared counselors. Follow-ups
(`FollowUp`) have a due date. The services around a case have their own records and letters:
referral out (alih tangan kasus, `ReferralOut`), home visits (`HomeVisit`), case conferences
(`CaseConference`) and parent call-ins (`ParentCallIn`).

A referral in (`Referral`) comes from a wali kelas (an account) or is recorded by a counselor for
a teacher, a parent, the student themselves, an instrument result or a safety alert; a counselor
accepts it into a case. The wali kelas sees only that it was received and handled.

Content (titles, notes, reasons, findings) is in EncryptedTextField columns: the case book is
counseling content.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned

# The four bidang of BK are the service records' (one list; a case names the same values).
from ekonseling.records.models import Bidang


class Source(models.TextChoices):
    """Where a referral, and so a case, came from."""

    WALI_KELAS = "wali_kelas", _("Homeroom teacher")
    TEACHER = "teacher", _("Subject teacher")
    PARENT = "parent", _("Parent or guardian")
    STUDENT = "student", _("The student themselves")
    INSTRUMENT = "instrument", _("Instrument result")
    ALERT = "alert", _("Safety alert")
    COUNSELOR = "counselor", _("Counselor's own observation")
    OTHER = "other", pgettext_lazy("referral source", "Other")


class Case(SchoolOwned):
    class Status(models.TextChoices):
        NEW = "baru", pgettext_lazy("case status", "New")
        HANDLING = "ditangani", _("Being handled")
        REFERRED = "dirujuk", _("Referred out")
        CLOSED = "selesai", pgettext_lazy("case status", "Closed")

    OPEN_STATUSES = (Status.NEW, Status.HANDLING, Status.REFERRED)

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="cases")
    title = EncryptedTextField(_("problem"))
    bidang = models.CharField(_("bidang"), max_length=10, choices=Bidang.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.COUNSELOR)
    # Where there is one: the safety alert or the instrument sheet the case came from.
    alert = models.ForeignKey("safety.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sheet = models.ForeignKey(
        "instruments.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counselors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="handled_cases", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"case #{self.pk}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def private_notes(self):
        """The private notes with their authors, decrypted: read through `audit.read_confidential`."""
        return list(self.notes.select_related("author"))


class CaseShare(models.Model):
    """An explicit share: `counselor` reads the case (notes included) though they do not handle it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_cases")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "counselor"], name="case_share_once")]

    def __str__(self):
        return f"share of case #{self.case_id}"


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Case.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"case #{self.case_id}: {self.to_status}"


class CaseNote(models.Model):
    """A private note: read only by the handling and shared counselors, every read audited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"note #{self.pk} of case #{self.case_id}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    description = EncryptedTextField(_("what to do"))
    due_on = models.DateField(_("due date"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=models.Q(done_at__isnull=True), name="followup_open_due")]

    def __str__(self):
        return f"follow-up #{self.pk} of case #{self.case_id}"

    def is_overdue(self, today=None):
        return self.done_at is None and self.due_on < (today or timezone.localdate())


class Referral(SchoolOwned):
    """A referral in: someone asks BK to look at a student."""

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="referrals")
    source = models.CharField(_("from"), max_length=12, choices=Source.choices)
    # The account that referred (a wali kelas), or the counselor who recorded it for someone without one.
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    referrer_name = models.CharField(_("referred by (name)"), max_length=200, blank=True)
    reason = EncryptedTextField(_("reason"))
    alert = models.ForeignKey("safety.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")

    class Meta:
        verbose_name = _("referral")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "received_at"])]

    def __str__(self):
        return f"referral #{self.pk}"

    @property
    def progress(self):
        """What the referrer may know: waiting, received, handled (being handled or closed)."""
        if self.received_at is None:
            return "waiting"
        if self.case_id is not None and self.case.status != Case.Status.NEW:
            return "handled"
        return "received"


class ReferralOut(models.Model):
    """Alih tangan kasus: the case handed to a psychologist, doctor or other service."""

    class To(models.TextChoices):
        PSYCHOLOGIST = "psychologist", _("Psychologist")
        DOCTOR = "doctor", _("Doctor or health centre")
        POLICE = "police", _("Police or child protection unit")
        OTHER = "other", pgettext_lazy("referral target", "Other service")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals_out")
    to_kind = models.CharField(_("referred to"), max_length=14, choices=To.choices)
    to_name = models.CharField(_("name of the professional or service"), max_length=200)
    to_address = models.CharField(_("address"), max_length=300, blank=True)
    reason = EncryptedTextField(_("why"))
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    result = EncryptedTextField(_("result"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self):
        return f"referral out #{self.pk} of case #{self.case_id}"

    @property
    def day(self):
        return self.referred_on


class HomeVisit(models.Model):
    """Kunjungan rumah."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="home_visits")
    visit_on = models.DateField(_("date of the visit"))
    address = models.CharField(_("address"), max_length=300)
    purpose = EncryptedTextField(_("purpose"))
    met_with = models.CharField(_("met with"), max_length=200, blank=True)
    findings = EncryptedTextField(_("findings"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["visit_on", "id"]

    def __str__(self):
        return f"home visit #{self.pk} of case #{self.case_id}"

    @property
    def day(self):
        return self.visit_on


class CaseConference(models.Model):
    """Konferensi kasus: the people concerned meet about the case; the minutes are its berita acara."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    # One participant a line: "name — role" (wali kelas, parent, teacher...).
    participants = models.TextField(_("participants"))
    agenda = EncryptedTextField(_("agenda"))
    outcome = EncryptedTextField(_("discussion and decisions"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"case conference #{self.pk} of case #{self.case_id}"

    @property
    def day(self):
        return self.held_on

    def participant_list(self):
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class ParentCallIn(models.Model):
    """Panggilan orang tua: the parent is invited to school; the letter names no problem."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="call_ins")
    parent_name = models.CharField(_("parent or guardian"), max_length=200)
    meet_on = models.DateField(_("date"))
    meet_at = models.TimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    purpose = EncryptedTextField(_("purpose (not printed)"))
    outcome = EncryptedTextField(_("outcome"), blank=True, default="")
    attended = models.BooleanField(_("the parent came"), null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["meet_on", "id"]

    def __str__(self):
        return f"parent call-in #{self.pk} of case #{self.case_id}"

    @property
    def day(self):
        return self.meet_on
