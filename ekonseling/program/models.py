"""The BK program (program tahunan, read per semester) drafted from a needs assessment.

A program keeps its versions: the newest is the one being edited; "save as new version" freezes it
and carries a copy of its items (with their RPL and realisation links) into the next number, so what
was agreed at a given date stays readable as it was. Items are plans, not counseling content: a
topic, a bidang, a service type, who it is for and when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core.models import SchoolOwned
from ekonseling.records.models import Bidang, ServiceType

# The months of an Indonesian school year, July to June; semester 1 (ganjil) is July–December.
SCHOOL_MONTHS = (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
WEEK_CHOICES = [(n, str(n)) for n in range(1, 6)]


def semester_of(month: int) -> int:
    return 1 if month >= 7 else 2


class Program(SchoolOwned):
    academic_year = models.ForeignKey(
        "students.AcademicYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("academic year")
    )
    title = models.CharField(_("title"), max_length=200)
    administration = models.ForeignKey(
        "instruments.Administration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("needs assessment"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("BK program")
        verbose_name_plural = _("BK programs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def current(self):
        return self.versions.order_by("-number").first()


class ProgramVersion(SchoolOwned):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    frozen = models.BooleanField(default=False, help_text="A saved version: read-only.")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "-number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="program_version_unique")]

    def __str__(self):
        return f"{self.program} v{self.number}"


class ProgramItem(SchoolOwned):
    version = models.ForeignKey(ProgramVersion, on_delete=models.CASCADE, related_name="items")
    bidang = models.CharField(_("field (bidang)"), max_length=10, choices=Bidang.choices)
    topic = models.CharField(_("topic"), max_length=200)
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    rombel = models.ForeignKey(
        "students.Rombel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rombel")
    )
    month = models.PositiveSmallIntegerField(_("month"), choices=MONTH_CHOICES)
    week = models.PositiveSmallIntegerField(_("week"), choices=WEEK_CHOICES, null=True, blank=True)
    # Where the draft came from: the AKPD item number and the share of students who asked for it.
    need_item = models.PositiveIntegerField(null=True, blank=True)
    need_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # The item this one was copied from in the previous version (realisation follows the plan).
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        ordering = ["id"]

    def __str__(self):
        return self.topic

    @property
    def semester(self) -> int:
        return semester_of(self.month)

    @property
    def school_month_index(self) -> int:
        return SCHOOL_MONTHS.index(self.month)


class Rpl(SchoolOwned):
    """Rencana Pelaksanaan Layanan for one program item."""

    item = models.OneToOneField(ProgramItem, on_delete=models.CASCADE, related_name="rpl")
    tujuan = models.TextField(_("objectives (tujuan)"), blank=True, default="")
    materi = models.TextField(_("material (materi)"), blank=True, default="")
    metode = models.TextField(_("method (metode)"), blank=True, default="")
    media = models.TextField(_("media"), blank=True, default="")
    waktu = models.CharField(_("time allocation"), max_length=100, blank=True, default="")
    langkah = models.TextField(_("steps (langkah kegiatan)"), blank=True, default="")
    evaluasi = models.TextField(_("evaluation (evaluasi)"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    FIELDS = ("tujuan", "materi", "metode", "media", "waktu", "langkah", "evaluasi")

    def __str__(self):
        return f"RPL {self.item}"


class Realisation(SchoolOwned):
    """A service record that carried out a program item."""

    item = models.ForeignKey(ProgramItem, on_delete=models.CASCADE, related_name="realisations")
    record = models.ForeignKey("records.ServiceRecord", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "record"], name="realisation_unique")]

    def __str__(self):
        return f"{self.item_id} ← {self.record_id}"
