"""One alert model for every source of a risk signal: a chat or letter message screened by the
risk lexicon, an instrument sheet marking a critical item, a closed sociometric survey in which
several classmates reject a student (later a case note).

The source is a kind and an id, not a foreign key: safety sits below the apps that raise alerts
and imports none of them, and a kind string keeps every list one table wide (no content-type
join). The student is a real foreign key, so erasing a student erases their alerts.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ekonseling.core.fields import EncryptedTextField
from ekonseling.core.models import SchoolOwned

# The severity of an alert that is not an emergency: a matter the counselor should follow up and
# decide (a student several classmates reject), listed after the urgent ones, never among them.
# Every other severity (a message's "imminent", "high", "medium", "low"; a critical item's "") is
# urgent: it made a conversation urgent or flagged a sheet "wajib konsultasi".
ATTENTION = "attention"


def normal_items(items: Iterable[int | str]) -> list:
    """The items as stored and shown: each once, in the source's order (risk categories come most
    severe first)."""
    return list(dict.fromkeys(items))


def items_key(items: Iterable[int | str]) -> str:
    """The items sorted: the same items in any order make the same key, so the same alert."""
    return ",".join(str(item) for item in sorted(set(items)))


class Alert(SchoolOwned):
    class Source(models.TextChoices):
        MESSAGE = "message", _("Counseling message")
        SHEET = "sheet", _("Instrument answer sheet")
        SOCIOMETRY = "sociometry", _("Sociometric survey")
        GROUP_CHAT = "group_chat", _("Group session chat")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("alert status", "Open")
        HANDLED = "handled", _("Handled")
        FALSE = "false", _("False alarm")

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="safety_alerts")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    # Risk categories of a message, critical item numbers of a sheet: what the counselor must look at.
    items = models.JSONField(default=list)
    items_key = models.CharField(max_length=255, help_text="The items, sorted and comma-joined (uniqueness).")
    severity = models.CharField(max_length=10, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alert")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same source raising the same items again (a resend, a re-imported file) is the same alert.
            models.UniqueConstraint(fields=["source", "source_id", "items_key"], name="alert_once_per_source_items"),
        ]
        indexes = [models.Index(fields=["school", "status", "-created_at"])]

    def __str__(self):
        return f"alert on {self.source} {self.source_id}"


class SafetySettings(models.Model):
    """A school's safety settings, kept by the safety app (not on the kernel's School): whom a
    student in distress is told to call. Created on demand; no row means the defaults."""

    school = models.OneToOneField(
        "core.School", on_delete=models.CASCADE, primary_key=True, related_name="safety_settings"
    )
    crisis_contacts = models.TextField(
        _("crisis contacts"),
        blank=True,
        default="",
        help_text=_("Shown to a student whose message signals risk. One contact per line."),
    )

    class Meta:
        verbose_name = _("safety settings")
        verbose_name_plural = _("safety settings")

    def __str__(self):
        return str(_("safety settings"))


class HeldMail(SchoolOwned):
    """The alert e-mail of one thread (a conversation, a sheet) held until its window ends.

    The first alert of a thread is mailed at once and opens a window; alerts after it within the
    window are counted here, and one e-mail with their number goes when the window ends. The row is
    the state, so the e-mail does not depend on one process living until then: whichever process
    runs next sends it (the next alert, the periodic check in `HeldMailMiddleware`, or
    `manage.py send_pending_alert_mail` from cron), and a conditional UPDATE claims it, so it goes at
    most once (`actions.send_due_mail`)."""

    thread = models.CharField(max_length=100)
    window_ends_at = models.DateTimeField()
    # Alerts held since the last e-mail, and the latest of them (its link and recipients are used).
    count = models.PositiveIntegerField(default=0)
    last_alert = models.ForeignKey(Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("held alert e-mail")
        constraints = [models.UniqueConstraint(fields=["school", "thread"], name="held_mail_once_per_thread")]
        indexes = [models.Index(fields=["window_ends_at"], condition=models.Q(count__gt=0), name="held_mail_due")]

    def __str__(self):
        return f"{self.count} held on {self.thread}"
