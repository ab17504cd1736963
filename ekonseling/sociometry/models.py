"""A sociometric survey of one rombel: its criteria, its members (numbered as in the sociomatrix),
each member's response and the choices in it.

Choices are rows (not an encrypted document) so that erasing a student removes them from every
other student's response by the cascade of `Choice.chosen`; who may read them is the policy's
(`sociometry.manage`: the rombel's counselors and the koordinator BK).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ekonseling.core import windows
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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "student"], name="sociometry_response_unique")]

    def __str__(self):
        return f"{self.survey} — {self.student}"


class Choice(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="picks")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="picks")
    chosen = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    positive = models.BooleanField(default=True)

    class Meta:
        ordering = ["criterion", "-positive", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion", "chosen"], name="sociometry_choice_once"),
            models.UniqueConstraint(
                fields=["response", "criterion", "positive", "rank"], name="sociometry_choice_rank_once"
            ),
        ]

    def __str__(self):
        return f"{self.response_id}: {'+' if self.positive else '-'}{self.rank} {self.chosen_id}"
