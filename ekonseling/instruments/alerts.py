"""Instruments' part in the safety pipeline: a submitted answer sheet that marks a critical item
("wajib konsultasi", thoughts of suicide) is an alert source ("sheet").

Deciding and being told follow the safety defaults: the counselors who serve the student (and the
coordinators). Their open inbox pages hear of it at once, then an e-mail with a link.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit
from ekonseling.safety import sources
from ekonseling.safety.models import Alert

from .definition import Item
from .models import Assignment

SHEET = Alert.Source.SHEET

# Kept in Indonesian on purpose, like the counseling e-mails: they go out without a request.
MAIL_SUBJECT = "[E-Konseling] Butir kritis pada instrumen: siswa perlu segera ditemui"
MAIL_BODY = (
    "Seorang siswa menandai butir kritis (wajib konsultasi) saat mengisi instrumen BK. "
    "Buka peringatan ini segera:\n{link}\n\n"
    "Nama siswa dan isi jawaban tidak disertakan dalam e-mail ini demi kerahasiaan."
)


def sheet_of(alert: Alert) -> Assignment:
    return Assignment.objects.select_related("administration__instrument", "student__rombel").get(pk=alert.source_id)


def read_alert(
    alert: Alert, viewer: User, *, ip: str | None = None, user_agent: str = ""
) -> tuple[Assignment, list[Item]]:
    """The sheet an alert is on and the critical items it names (their texts), for `viewer`, who may
    decide it (the caller's check); the read is audited, as the items say what the student marked."""
    sheet = sheet_of(alert)
    definition = sheet.administration.instrument.definition
    items = [definition.items_by_number[n] for n in alert.items if n in definition.items_by_number]
    detail = "critical items: " + ", ".join(map(str, alert.items))
    audit.record_for(viewer, audit.Action.READ, alert, detail, ip, user_agent)
    return sheet, items


def _link(alert: Alert) -> str:
    return reverse("instruments:alert", args=[alert.pk])


def _describe(alerts: list[Alert]) -> None:
    sheets = Assignment.objects.filter(pk__in=[a.source_id for a in alerts]).select_related(
        "administration__instrument"
    )
    codes = {sheet.pk: sheet.administration.instrument.code for sheet in sheets}
    for alert in alerts:
        alert.badge = _("critical item")
        alert.url = _link(alert)
        items = _("item %(items)s") % {"items": ", ".join(str(item) for item in alert.items)}
        alert.summary = f"{codes.get(alert.source_id, '')} · {items}"


def _inbox_event(alert: Alert) -> dict:
    # The inbox list then shows the alert at the top (docs/websocket.md).
    return {"type": "critical", "alert": alert.pk}


def register() -> None:
    sources.register(
        sources.Source(
            kind=SHEET,
            mail_subject=MAIL_SUBJECT,
            mail_body=MAIL_BODY,
            link=_link,
            describe=_describe,
            inbox_event=_inbox_event,
        )
    )
