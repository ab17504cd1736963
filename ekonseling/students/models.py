from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned


class AcademicYear(SchoolOwned):
    name = models.CharField(_("name"), max_length=9, help_text=_("For example 2026/2027."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current year"), default=False)

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="academic_year_unique_name"),
            models.UniqueConstraint(
                fields=["school"], condition=models.Q(is_current=True), name="academic_year_one_current"
            ),
        ]

    def __str__(self):
        return self.name


class Rombel(SchoolOwned):
    """A class group for one academic year (rombongan belajar), e.g. "X-1" or "XI MIPA 2"."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, verbose_name=_("academic year"))
    name = models.CharField(_("name"), max_length=50)
    grade = models.PositiveSmallIntegerField(_("grade"), help_text=_("1–12"))
    wali_kelas = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homerooms",
        limit_choices_to={"role": "wali_kelas"},
        verbose_name=_("homeroom teacher"),
    )
    counselors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="caseload_rombels",
        limit_choices_to={"role__in": ["guru_bk", "koordinator_bk"]},
        verbose_name=_("guru BK"),
        help_text=_("The counselors whose caseload includes this class."),
    )

    class Meta:
        verbose_name = _("rombel")
        verbose_name_plural = _("rombel")
        ordering = ["grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "name"], name="rombel_unique_name_per_year"),
        ]

    def __str__(self):
        return self.name


class Student(SchoolOwned):
    """The core of the student record (buku pribadi); the himpunan data issue extends it."""

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        verbose_name=_("account"),
    )
    nisn = models.CharField(_("NISN"), max_length=10, help_text=_("10 digits; keeps its leading zeros."))
    nipd = models.CharField(_("NIPD"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    rombel = models.ForeignKey(
        Rombel, on_delete=models.SET_NULL, null=True, blank=True, related_name="students", verbose_name=_("rombel")
    )
    # Health data is "specific" personal data under UU PDP: encrypted, and reads are audited.
    health_notes = EncryptedTextField(_("health notes"), blank=True, default="")
    special_needs = EncryptedTextField(_("special needs"), blank=True, default="")

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "nisn"], name="student_unique_nisn")]

    def __str__(self):
        return self.name
