"""Service records (catatan layanan): every BK service and supporting activity a counselor gave,
who took part, and the students' immediate evaluation of it (Laiseg).

The narrative (what happened, the result, the follow-up, a Laiseg's plan) is encrypted at rest and
read through `core.audit.read_confidential`; the topic is a short title shown in lists and reports,
so it stays searchable and must not carry confidential detail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned


class ServiceType(models.TextChoices):
    KONSELING_PERORANGAN = "konseling_perorangan", _("Individual counseling")
    KONSELING_KELOMPOK = "konseling_kelompok", _("Group counseling")
    BIMBINGAN_KELOMPOK = "bimbingan_kelompok", _("Group guidance")
    BIMBINGAN_KLASIKAL = "bimbingan_klasikal", _("Classical guidance / information")
    ORIENTASI = "orientasi", _("Orientation")
    PENEMPATAN = "penempatan", _("Placement and distribution")
    PENGUASAAN_KONTEN = "penguasaan_konten", _("Content mastery")
    KONSULTASI = "konsultasi", _("Consultation")
    MEDIASI = "mediasi", _("Mediation")
    ADVOKASI = "advokasi", _("Advocacy")
    KONFERENSI_KASUS = "konferensi_kasus", _("Case conference")
    KUNJUNGAN_RUMAH = "kunjungan_rumah", _("Home visit")
    ALIH_TANGAN = "alih_tangan", _("Referral (alih tangan kasus)")


class Bidang(models.TextChoices):
    PRIBADI = "pribadi", _("Personal")
    SOSIAL = "sosial", _("Social")
    BELAJAR = "belajar", _("Learning")
    KARIER = "karier", _("Career")


class Medium(models.TextChoices):
    TATAP_MUKA = "tatap_muka", _("Face to face")
    CHAT = "chat", _("Chat")
    SURAT = "surat", _("Letter")
    VIDEO = "video", _("Video")
    TELEPON = "telepon", _("Telephone")
    MEDSOS = "medsos", _("WhatsApp / social media")


class Scope(models.TextChoices):
    STUDENT = "student", _("One student")
    GROUP = "group", _("A group of students")
    ROMBEL = "rombel", _("A rombel")


class ServiceRecord(SchoolOwned):
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    bidang = models.CharField(_("field (bidang)"), max_length=10, choices=Bidang.choices)
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices, default=Medium.TATAP_MUKA)
    date = models.DateField(_("date"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="service_records",
        verbose_name=_("counselor"),
    )
    scope = models.CharField(_("who took part"), max_length=8, choices=Scope.choices, default=Scope.STUDENT)
    rombel = models.ForeignKey(
        "students.Rombel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rombel"),
    )
    students = models.ManyToManyField("students.Student", through="Participation", related_name="+")
    topic = models.CharField(
        _("topic"), max_length=200, help_text=_("A short title, shown in lists and reports; keep details in the notes.")
    )
    description = EncryptedTextField(_("what happened"), blank=True, default="")
    result = EncryptedTextField(_("result"), blank=True, default="")
    follow_up = EncryptedTextField(_("follow-up"), blank=True, default="")
    # The conversation this session took place in (a chat or a letter): linked, never copied.
    conversation = models.ForeignKey(
        "counseling.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("conversation"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    NARRATIVE = ("description", "result", "follow_up")

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["counselor", "date"])]

    def __str__(self):
        return f"{self.get_service_type_display()} {self.date:%Y-%m-%d}"


class Participation(models.Model):
    """A student who took part; for a rombel, every active student of it on the day it was
    recorded (so a report counts the students the service reached, even after they move on)."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="participations")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="service_participations")
    # The student's rombel on the day: reports by rombel count where the student was then.
    rombel = models.ForeignKey("students.Rombel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "student"], name="participation_unique")]

    def __str__(self):
        return f"{self.student_id} in {self.record_id}"


class Laiseg(SchoolOwned):
    """Penilaian segera: one student's immediate evaluation of a service, answered on their phone."""

    SCALE = ((1, _("Not at all")), (2, _("A little")), (3, _("Mostly")), (4, _("Fully")))

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="laisegs")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="laisegs")
    understanding = models.PositiveSmallIntegerField(_("understanding"), null=True, choices=SCALE)
    comfort = models.PositiveSmallIntegerField(_("comfort"), null=True, choices=SCALE)
    action = models.PositiveSmallIntegerField(_("action"), null=True, choices=SCALE)
    plan = EncryptedTextField(_("my plan"), blank=True, default="")
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    SCORES = ("understanding", "comfort", "action")

    class Meta:
        verbose_name = _("Laiseg")
        verbose_name_plural = _("Laiseg")
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["record", "student"], name="laiseg_unique")]

    def __str__(self):
        return f"Laiseg {self.record_id}/{self.student_id}"
