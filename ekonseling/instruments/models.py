"""Instruments in the database: stored definitions, administrations, and each student's answers.

A definition is stored as its canonical JSON and never edited in place: a changed file is a new
version, and a version with answers is frozen (`Instrument.frozen`). Answers are counseling
content, so a student's whole answer sheet is one encrypted JSON document (`Assignment.answers`):
one decryption per student keeps a 1,000-student class profile fast, where one encrypted row per
item would need 225,000.
"""

import json
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core import windows
from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned

from . import definition as definitions


class Instrument(SchoolOwned):
    """One version of one instrument definition in a school's library."""

    code = models.CharField(_("code"), max_length=definitions.CODE_MAX)
    version = models.CharField(_("version"), max_length=definitions.VERSION_MAX)
    title = models.CharField(_("title"), max_length=definitions.TITLE_MAX)
    scoring = models.CharField(_("scoring kind"), max_length=30)
    school_levels = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the canonical JSON.")
    # Item texts are not counseling content (and licensed texts belong to the school that typed them).
    source = models.TextField(help_text="The definition as canonical JSON.")
    sample = models.BooleanField(default=False, help_text="One of our sample instruments, not a licensed one.")
    archived = models.BooleanField(default=False, help_text="Hidden when opening a new administration.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        ordering = ["code", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code", "version"], name="instrument_version_unique"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @cached_property
    def definition(self) -> definitions.Definition:
        return definitions.build(json.loads(self.source))

    @property
    def frozen(self):
        """Answers exist: changing the definition now would change what they mean."""
        return Assignment.objects.filter(administration__instrument=self).exclude(saved_at=None).exists()


class Administration(SchoolOwned):
    """One giving of an instrument to rombel or chosen students, open in a window."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="administrations")
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    rombels = models.ManyToManyField("students.Rombel", blank=True, related_name="administrations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(
        null=True, blank=True, help_text="When students were allowed to see their own results."
    )
    # The "needs individual attention" rule: a student whose percentage reaches this in at least
    # `attention_min_areas` areas (or who ticks a critical item, or is below a developmental target).
    attention_percent = models.PositiveSmallIntegerField(_("attention threshold (%)"), default=50)
    attention_min_areas = models.PositiveSmallIntegerField(_("in at least this many areas"), default=1)

    class Meta:
        verbose_name = _("administration")
        ordering = ["-opens_at", "-id"]

    def __str__(self):
        return self.title

    def is_open(self, now=None):
        return windows.is_open(self.opens_at, self.closes_at, now)


class Assignment(SchoolOwned):
    """One student's answer sheet in one administration."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class Source(models.TextChoices):
        ONLINE = "online", _("Filled online")
        PAPER = "paper", _("Paper sheet entered")
        IMPORT = "import", _("Imported from a spreadsheet")

    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="instrument_assignments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ONLINE)
    # {"items": {"12": true}, "heavy": [12], "open": {"bicara": ["guru_bk"]}} as JSON, encrypted.
    answers = EncryptedTextField(blank=True, default="")
    revision = models.PositiveIntegerField(default=0, help_text="Raised by every save; autosave replies with it.")
    closes_at = models.DateTimeField(
        null=True, blank=True, help_text="This student's own deadline, when the counselor extended it."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who typed a paper sheet or imported the answers.",
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer sheet")
        ordering = ["student__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "student"], name="assignment_student_unique"),
        ]
        indexes = [models.Index(fields=["administration", "status"])]

    def __str__(self):
        return f"{self.administration} — {self.student}"

    @property
    def deadline(self):
        return self.closes_at or self.administration.closes_at

    def window_open(self, now=None):
        return windows.is_open(self.administration.opens_at, self.deadline, now)

    def answer_data(self) -> dict:
        """The decrypted answers. Callers that show them to staff audit the read."""
        return json.loads(self.answers) if self.answers else {}


class AnswerImport(SchoolOwned):
    """An uploaded answer spreadsheet between its preview and the confirmation.

    The parsed rows are students' answers (counseling content), so they are kept encrypted; the file
    itself is never stored. Only pending previews exist: confirming or cancelling deletes the row,
    so the same preview can never be applied twice.
    """

    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="answer_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    payload = EncryptedTextField(help_text="JSON: the parsed rows (answers per student), row errors, ignored columns.")
    summary = models.JSONField(default=dict, help_text="Counts only: new, replacing, errors, unknown NISN, ...")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer import")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} → {self.administration}"
