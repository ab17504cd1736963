"""A sociometric survey of one rombel: its criteria, its members (numbered as in the sociomatrix),
each member's response and the choices in it.

Whom a student chose and rejected is at least as sensitive as counseling content, so a response's
choices are one encrypted JSON document (`Response.answers`, the core crypto as instrument answer
sheets), never rows a database reader could join to names. Who may read them is the policy's
(`sociometry.manage`: the rombel's counselors and the koordinator BK), and staff reads are audited
(`services.read_analysis`, the student page's section, the alert page). Erasing a student rewrites
every other response of their surveys without them (`personal_data.erase`): no foreign key cascades
into ciphertext.
"""

import json
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core import windows
from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned

MAX_CHOICES = 5
MAX_CRITERIA = 5


class Survey(SchoolOwned):
    rombel = models.ForeignKey("students.Rombel", on_delete=models.PROTECT, related_name="sociometric_surveys")
    title = models.CharField(_("title"), max_length=200)
    choices = models.PositiveSmallIntegerField(
        _("choices per criterion"), default=3, help_text=_("Weighted from this number down to 1 (3-2-1).")
    )
    rejections = models.PositiveSmallIntegerField(
        _("rejections per criterion"), default=0, help_text=_("0: no rejections are asked.")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the closed survey's flags were last turned into safety alerts (`services.sweep_alerts`);
    # cleared by anything that may change them (a late paper sheet, a moved window).
    alerts_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sociometric survey")
        ordering = ["-opens_at", "-id"]

    def __str__(self):
        return self.title

    def window_state(self, now=None):
        return windows.state(self.opens_at, self.closes_at, now)

    def is_open(self, now=None):
        return windows.is_open(self.opens_at, self.closes_at, now)


class Criterion(models.Model):
    class Kind(models.TextChoices):
        STUDY = "belajar", _("Study partner")
        PLAY = "bermain", _("Playmate")
        GROUP_WORK = "kelompok", _("Group work")
        OWN = "lain", _("The counselor's own")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STUDY)
    question = models.CharField(_("question"), max_length=300)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.question


class Member(models.Model):
    """A student of the rombel when the survey was opened, with their number in the sociomatrix."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="members")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="sociometric_memberships")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "student"], name="sociometry_member_unique")]

    def __str__(self):
        return f"{self.number}. {self.student}"


class StoredPick(NamedTuple):
    """One choice (positive) or rejection of a response, as stored in `Response.answers`."""

    criterion_id: int
    chosen_id: int
    rank: int
    positive: bool


def encode_picks(picks: list[StoredPick] | list[tuple]) -> str:
    """The plaintext of `Response.answers`: [[criterion, chosen, rank, 1 or 0], ...] in a stable order."""
    rows = sorted((int(c), int(s), int(r), 1 if p else 0) for c, s, r, p in picks)
    rows.sort(key=lambda row: (row[0], -row[3], row[2]))
    return json.dumps(rows, separators=(",", ":"))


def decode_picks(text: str) -> list[StoredPick]:
    return [StoredPick(c, s, r, bool(p)) for c, s, r, p in json.loads(text)] if text else []


class Response(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", _("Filled online")
        PAPER = "paper", _("Typed from paper")
        IMPORT = "import", _("Imported from a spreadsheet")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="sociometric_responses")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # The choices and rejections, encrypted: `encode_picks` of StoredPick rows. Readers that show
    # them to staff audit the read.
    answers = EncryptedTextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "student"], name="sociometry_response_unique")]

    def __str__(self):
        return f"{self.survey} — {self.student}"

    def picks(self) -> list[StoredPick]:
        """The decrypted choices and rejections (by criterion, choices before rejections, by rank)."""
        return decode_picks(self.answers)
