"""Himpunan data: academic years, rombel, caseloads and the student record (buku pribadi).

Only what BK needs is kept: an import drops bank accounts, parents' NIK, social-aid card numbers
and coordinates (see `importing.DROPPED_COLUMNS`).
"""

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


class Semester(models.Model):
    class Number(models.IntegerChoices):
        GANJIL = 1, _("Odd (1)")
        GENAP = 2, _("Even (2)")

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="semesters")
    number = models.PositiveSmallIntegerField(_("semester"), choices=Number.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        ordering = ["academic_year__starts_on", "number"]
        constraints = [models.UniqueConstraint(fields=["academic_year", "number"], name="semester_unique_number")]

    def __str__(self):
        return f"{self.academic_year} {self.get_number_display()}"

    @property
    def school_id(self):
        return self.academic_year.school_id


class Rombel(SchoolOwned):
    """A class group for one academic year (rombongan belajar), e.g. "X-1" or "XI MIPA 2"."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="rombels", verbose_name=_("academic year")
    )
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


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    KRISTEN = "kristen", "Kristen"
    KATOLIK = "katolik", "Katolik"
    HINDU = "hindu", "Hindu"
    BUDDHA = "buddha", "Buddha"
    KHONGHUCU = "khonghucu", "Khonghucu"
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan kepada Tuhan YME")


class Student(SchoolOwned):
    """The student record (buku pribadi)."""

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        GRADUATED = "graduated", _("Graduated")
        LEFT = "left", _("Moved or left")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
        verbose_name=_("account"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("graduated or left on"), null=True, blank=True)

    # Identity
    nisn = models.CharField(_("NISN"), max_length=10, help_text=_("10 digits; keeps its leading zeros."))
    nipd = models.CharField(_("NIPD"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)
    rombel = models.ForeignKey(
        Rombel, on_delete=models.SET_NULL, null=True, blank=True, related_name="students", verbose_name=_("rombel")
    )
    counselors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="caseload_students",
        limit_choices_to={"role__in": ["guru_bk", "koordinator_bk"]},
        verbose_name=_("individual counselors"),
        help_text=_("Counselors who serve this student in addition to the counselors of the rombel."),
    )
    previous_school = models.CharField(_("previous school"), max_length=200, blank=True)

    # Contact and address
    address = models.CharField(_("address"), max_length=300, blank=True)
    rt = models.CharField("RT", max_length=5, blank=True)
    rw = models.CharField("RW", max_length=5, blank=True)
    dusun = models.CharField(_("hamlet (dusun)"), max_length=100, blank=True)
    kelurahan = models.CharField(_("village (kelurahan/desa)"), max_length=100, blank=True)
    kecamatan = models.CharField(_("district (kecamatan)"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # Living situation
    living_with = models.CharField(_("lives with (jenis tinggal)"), max_length=60, blank=True)
    transport = models.CharField(_("transport to school"), max_length=60, blank=True)
    distance_km = models.DecimalField(
        _("distance to school (km)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    siblings = models.PositiveSmallIntegerField(_("siblings"), null=True, blank=True)
    birth_order = models.PositiveSmallIntegerField(_("birth order (anak ke-)"), null=True, blank=True)

    # Health data is "specific" personal data under UU PDP: encrypted, and reads are audited.
    health_notes = EncryptedTextField(_("health notes"), blank=True, default="")
    special_needs = EncryptedTextField(_("special needs"), blank=True, default="")

    # Development
    achievements = models.TextField(_("achievements"), blank=True)
    aspirations = models.CharField(_("aspirations (cita-cita)"), max_length=200, blank=True)
    hobbies = models.CharField(_("hobbies"), max_length=200, blank=True)
    extracurriculars = models.CharField(_("extracurriculars"), max_length=300, blank=True)

    photo = models.ImageField(_("photo"), upload_to="students/photos/", blank=True)
    needs_attention = models.BooleanField(
        _("needs attention"), default=False, help_text=_("Set by a counselor; shown as a flag in lists.")
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "nisn"], name="student_unique_nisn")]
        indexes = [models.Index(fields=["school", "status", "name"])]

    def __str__(self):
        return self.name


class Guardian(models.Model):
    """Father, mother or guardian. No NIK: BK does not need parents' national ID numbers."""

    class Relation(models.TextChoices):
        FATHER = "ayah", _("Father")
        MOTHER = "ibu", _("Mother")
        GUARDIAN = "wali", _("Guardian")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    relation = models.CharField(_("relation"), max_length=4, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=200)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=60, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    income = models.CharField(_("income bracket"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")
        ordering = ["student", "relation"]
        constraints = [models.UniqueConstraint(fields=["student", "relation"], name="guardian_one_per_relation")]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.name}"


class Enrollment(models.Model):
    """Which rombel a student was in, per academic year: the history that promotion keeps."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="+")
    rombel = models.ForeignKey(Rombel, on_delete=models.SET_NULL, null=True, related_name="enrollments")
    rombel_name = models.CharField(max_length=50, help_text="Kept if the rombel is deleted.")
    outcome = models.CharField(
        max_length=10,
        blank=True,
        choices=[("promoted", _("promoted")), ("retained", _("retained")), ("graduated", _("graduated"))],
    )

    class Meta:
        ordering = ["-academic_year__starts_on"]
        constraints = [models.UniqueConstraint(fields=["student", "academic_year"], name="enrollment_one_per_year")]

    def __str__(self):
        return f"{self.academic_year}: {self.rombel_name}"


class AttendanceSummary(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attendance")
    semester = models.ForeignKey(Semester, on_delete=models.CASCADE, related_name="+")
    sick = models.PositiveSmallIntegerField(_("sick (S)"), default=0)
    permitted = models.PositiveSmallIntegerField(_("permitted (I)"), default=0)
    absent = models.PositiveSmallIntegerField(_("absent without notice (A)"), default=0)

    class Meta:
        verbose_name = _("attendance summary")
        verbose_name_plural = _("attendance summaries")
        constraints = [models.UniqueConstraint(fields=["student", "semester"], name="attendance_one_per_semester")]

    def __str__(self):
        return f"{self.semester}: S{self.sick} I{self.permitted} A{self.absent}"


class ProfileChange(models.Model):
    """A change a student made to their own data, for the counselor to see."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="profile_changes")
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.field}: {self.old_value} -> {self.new_value}"


class ImportBatch(SchoolOwned):
    """An uploaded student file between preview and confirmation.

    The parsed rows (personal data) are kept encrypted; the file itself is never stored.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    payload = EncryptedTextField(help_text="JSON: the parsed preview (rows to create/update, errors).")
    summary = models.JSONField(default=dict, help_text="Counts only: created, updated, unchanged, errors.")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class DeletionRequest(SchoolOwned):
    """A data subject's request to erase a student's data (UU PDP), carried out by the operator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Carried out")
        REJECTED = "rejected", _("Rejected")

    student = models.ForeignKey(Student, on_delete=models.SET_NULL, null=True, related_name="deletion_requests")
    student_label = models.CharField(max_length=100, help_text="NISN only, kept after the erasure.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
