"""The safety pipeline's actions: raise an alert, decide it, tell the counselors, crisis contacts.

Every source (a counseling message, an instrument sheet) goes through `raise_alert`, so an alert
is idempotent per source and items everywhere: a resent message or a re-imported answer file with
the same critical items raises no second alert and sends no second e-mail.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit, memo, notify, policy, realtime
from ekonseling.core.errors import ActionError
from ekonseling.core.models import School
from ekonseling.students import caseload
from ekonseling.students.models import Student

from . import sources
from .models import ATTENTION, Alert, HeldMail, SafetySettings, items_key, normal_items

log = logging.getLogger(__name__)

DEFAULT_CRISIS_CONTACTS = ["Layanan Kesehatan Jiwa (Kemenkes): 119 ext. 8"]
DECIDE = "safety.alert.decide"  # the policy action
DEFAULT_MAIL_WINDOW = 600  # seconds
# In Indonesian, as the sources' own e-mails (they go out without a request).
HELD_MAIL_LEAD = "Ada {count} peringatan baru lagi pada hal yang sama sejak e-mail terakhir.\n\n"
# The request's counts of open alerts (`open_counts`, core.memo). Who may decide an alert of the
# other sources follows the caseload, so a caseload change drops them too.
OPEN_COUNTS = "safety.open_counts"
memo.depends(OPEN_COUNTS, on=caseload.MEMO)


class SafetyError(ActionError):
    """A refusal with a message for the user."""

    code = "safety.refused"


class AlreadyDecided(SafetyError):
    code = "safety.already_decided"


def raise_alert(
    *, student: Student, source: str, source_id: int, items: Iterable[int | str], severity: str = ""
) -> tuple[Alert, bool]:
    """The alert on this source and items, and whether it is new. A new one tells the counselors
    once the caller's transaction commits; a repeat (same source, same items) tells nobody."""
    sources.get(source)  # an unregistered source would raise alerts nobody could open
    items = normal_items(items)
    key = items_key(items)
    existing = Alert.objects.filter(source=source, source_id=source_id, items_key=key).first()
    if existing is not None:
        return existing, False
    try:
        # A savepoint: losing a race to a twin must not undo the caller's transaction.
        with transaction.atomic():
            alert = Alert.objects.create(
                school_id=student.school_id,
                student=student,
                source=source,
                source_id=source_id,
                items=items,
                items_key=key,
                severity=severity,
            )
    except IntegrityError:
        return Alert.objects.get(source=source, source_id=source_id, items_key=key), False
    memo.forget(OPEN_COUNTS)
    # robust: a failing e-mail is logged, never turned into a lost answer sheet or message.
    transaction.on_commit(partial(notify_alert, alert.pk), robust=True)
    return alert, True


def notify_alert(alert_id: int) -> None:
    """E-mail the counselors a link (never the content, never the student's name) and tell their
    open pages, as the source says. Sending runs on notify's background thread."""
    alert = Alert.objects.select_related("student").filter(pk=alert_id).first()
    if alert is None:  # erased before the commit's callbacks ran
        return
    source = sources.get(alert.source)
    recipients = list(source.recipients(alert))
    event = source.inbox_event(alert)
    if event is not None:
        tell_inboxes([user.pk for user in recipients], event)
    # Their menu badges and home cards count open alerts (static/js/live.js).
    realtime.publish(realtime.refresh_events(user.pk for user in recipients))
    _mail(source, alert, recipients)


def mail_window() -> int:
    """Seconds in which further alerts of one thread (a conversation) are held for one e-mail."""
    return int(getattr(settings, "SAFETY_ALERT_MAIL_WINDOW", DEFAULT_MAIL_WINDOW))


def _mail(source: sources.Source, alert: Alert, recipients: list[User]) -> None:
    """The first alert of a thread is mailed at once and opens a window; the ones after it within
    the window are counted in the thread's `HeldMail` row and mailed together, once, when the
    window ends (a flood of worrying messages is one matter, not fifty e-mails). The inboxes are
    told of every alert live all the same. The row lives in the database, so the held e-mail goes
    even if this process stops: whichever process runs next sends it (`send_due_mail`)."""
    window = mail_window()
    if window <= 0:
        _send_mail(source, alert, recipients, count=1)
        return
    now = timezone.now()
    ends = now + timedelta(seconds=window)
    thread = source.thread(alert)[:100]
    rows = HeldMail.objects.filter(school_id=alert.school_id, thread=thread)
    try:
        with transaction.atomic():  # a savepoint: a twin process may create the row first
            HeldMail.objects.create(school_id=alert.school_id, thread=thread, window_ends_at=ends)
    except IntegrityError:
        pass
    else:
        _send_mail(source, alert, recipients, count=1)
        return
    # A window that ended with nothing held: this alert opens the next one and goes at once.
    if rows.filter(count=0, window_ends_at__lte=now).update(window_ends_at=ends):
        _send_mail(source, alert, recipients, count=1)
        return
    rows.update(count=F("count") + 1, last_alert=alert)
    send_due_mail()  # the window may have ended with nobody to send it yet


def send_due_mail() -> int:
    """Send every held e-mail whose window has ended; the number sent. Any process may call it at
    any time (the next alert, `HeldMailMiddleware`, `manage.py send_pending_alert_mail`): each row is
    claimed with one UPDATE conditional on what was read, so of two processes at most one sends
    it. A claimed e-mail that then fails to send is logged by notify and not retried (at most
    once: the alerts themselves wait in the counselors' lists)."""
    window = mail_window()
    now = timezone.now()
    sent = 0
    due = HeldMail.objects.filter(count__gt=0, window_ends_at__lte=now)
    for row in list(due.values("pk", "count", "window_ends_at", "last_alert_id")[:100]):
        claimed = HeldMail.objects.filter(**row).update(count=0, window_ends_at=now + timedelta(seconds=max(window, 0)))
        if not claimed:
            continue  # another process sent it, or an alert came in between: the next call sees it
        alert = Alert.objects.select_related("student").filter(pk=row["last_alert_id"]).first()
        if alert is None:
            continue
        source = sources.get(alert.source)
        _send_mail(source, alert, list(source.recipients(alert)), count=row["count"])
        sent += 1
    return sent


def _send_mail(source: sources.Source, alert: Alert, recipients: list[User], *, count: int) -> None:
    link = settings.SITE_URL.rstrip("/") + source.link(alert)
    body = source.mail_body.format(link=link)
    if count > 1:
        body = HELD_MAIL_LEAD.format(count=count) + body
    notify.send_link_mails(source.mail_subject, body, [u.email for u in recipients])


def tell_inboxes(user_ids: Iterable[int], event: dict) -> None:
    """Push an inbox event (docs/websocket.md) to these users' open pages. A failure is logged: the
    alert is stored, and the pages show it on their next refresh."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    for user_id in user_ids:
        try:
            async_to_sync(layer.group_send)(f"user.{user_id}", {"type": "inbox.event", "event": event})
        except Exception:
            log.exception("could not tell user %s of an alert", user_id)


def decide(
    alert: Alert, actor: User, outcome: str, note: str = "", *, ip: str | None = None, user_agent: str = ""
) -> Alert:
    """Handled or a false alarm: recorded with who decided, when and why (the note is encrypted),
    never deleted, and audited for `actor` from where they asked (`audit.request_origin`, or
    `audit.scope_origin` on a socket). Access is the caller's check (`safety.alert.decide`)."""
    if outcome not in (Alert.Status.HANDLED, Alert.Status.FALSE):
        raise SafetyError(_("Choose handled or false alarm."), code="safety.bad_outcome")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.OPEN:
            raise AlreadyDecided(_("This alert has already been decided."))
        alert.status, alert.decided_by, alert.decided_at, alert.note = outcome, actor, timezone.now(), note
        alert.save(update_fields=["status", "decided_by", "decided_at", "note"])
        memo.forget(OPEN_COUNTS)
        source = sources.get(alert.source)
        source.decided(alert)
        audit.record_for(actor, audit.Action.CHANGE, alert, f"alert {alert.status}", ip, user_agent)
        realtime.announce_refresh([actor.pk, *(user.pk for user in source.recipients(alert))])
    return alert


def open_alerts(
    user: User,
    *,
    source: str | None = None,
    exclude_source: str | None = None,
    source_ids: Iterable[int] | QuerySet | None = None,
    urgent: bool | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """The open alerts `user` may decide, newest first, each described by its source (`url`,
    `summary`) in one query per source. `urgent`: only the urgent ones (True), only those to follow
    up (False, severity `ATTENTION`), or both (None)."""
    if source is not None and source != exclude_source and _counted_none(user, source, urgent):
        return []  # this request's counts found none (a home page: the counseling card counted them)
    alerts = Alert.objects.filter(status=Alert.Status.OPEN).select_related("student__rombel")
    if urgent is not None:
        alerts = alerts.filter(urgent_q() if urgent else ~urgent_q())
    if source is not None:
        alerts = alerts.filter(source=source)
    if exclude_source is not None:
        alerts = alerts.exclude(source=exclude_source)
    if source_ids is not None:
        alerts = alerts.filter(source_id__in=source_ids)
    # The scope is built only for the sources the rows can come from (not every source's).
    hints = {"source": source, "exclude": exclude_source}
    alerts = policy.visible(user, DECIDE, alerts, **hints).order_by("-created_at", "-pk")
    rows = list(alerts[:limit] if limit is not None else alerts)
    describe(rows)
    return rows


def open_counts(user: User, *, exclude_source: str | None = None) -> dict[str, tuple[int, int]]:
    """{source: (urgent, to follow up)} of the open alerts `user` may decide, in one query; a
    source without any is left out, and `exclude_source` is not counted (nor its scope built). In
    an HTTP request the counts are remembered (`core.memo`): `open_alerts` then skips its query for
    a source they found none of. Raising or deciding an alert, or a caseload change, drops them."""
    counted = memo.remember(OPEN_COUNTS, (user.pk, exclude_source), lambda: _open_counts(user, exclude_source))
    return counted if counted is not None else _open_counts(user, exclude_source)


def _open_counts(user: User, exclude_source: str | None) -> dict[str, tuple[int, int]]:
    alerts = Alert.objects.filter(status=Alert.Status.OPEN)
    if exclude_source is not None:
        alerts = alerts.exclude(source=exclude_source)
    rows = (
        policy.visible(user, DECIDE, alerts, exclude=exclude_source)
        .order_by()
        .values("source")
        .annotate(n_urgent=Count("pk", filter=urgent_q()), n_follow_up=Count("pk", filter=~urgent_q()))
    )
    return {row["source"]: (row["n_urgent"], row["n_follow_up"]) for row in rows}


def _counted_none(user: User, source: str, urgent: bool | None) -> bool:
    """Whether this request's `open_counts` for `user` counted `source` and found no open alert of
    it (of that urgency). Not for chat alerts: who may decide one follows the conversation's
    handling (a claim, a transfer), which changes no alert and so would not drop the counts."""
    if source == Alert.Source.MESSAGE:
        return False
    for excluded in (None, *Alert.Source.values):
        counted = None if excluded == source else memo.remember(OPEN_COUNTS, (user.pk, excluded), None, only_known=True)
        if counted is not None:
            n_urgent, n_follow_up = counted.get(source, (0, 0))
            return (n_urgent if urgent else n_follow_up if urgent is False else n_urgent + n_follow_up) == 0
    return False


def urgent_q() -> Q:
    """The urgent alerts, as a filter on Alert: every severity but `ATTENTION`."""
    return ~Q(severity=ATTENTION)


def run_sweeps() -> int:
    """Raise the alerts that come due with time (a sociometric survey whose window has ended): every
    source's `sweep`, each isolated so one failing source does not stop the others. The number of
    new alerts. Called with `send_due_mail` (the middleware's periodic check, the cron command)."""
    raised = 0
    for source in sources.registered():
        if source.sweep is None:
            continue
        try:
            raised += source.sweep()
        except Exception:
            log.exception("the %s alert sweep failed", source.kind)
    return raised


def describe(alerts: list[Alert]) -> None:
    by_source: dict[str, list[Alert]] = {}
    for alert in alerts:
        by_source.setdefault(alert.source, []).append(alert)
    for kind, group in by_source.items():
        sources.get(kind).describe(group)


def alerts_on(source: str, source_ids: Iterable[int] | QuerySet) -> QuerySet[Alert]:
    """Every alert (any status) on these sources of one kind, newest first."""
    return Alert.objects.filter(source=source, source_id__in=source_ids)


def crisis_contacts(school: School) -> list[str]:
    """Whom a student in distress can call now: their school's list (one per line), or the national line."""
    text = SafetySettings.objects.filter(school=school).values_list("crisis_contacts", flat=True).first() or ""
    configured = [line.strip() for line in text.splitlines() if line.strip()]
    return configured or list(DEFAULT_CRISIS_CONTACTS)


def set_crisis_contacts(school: School, contacts: str) -> SafetySettings:
    """Store a school's crisis contacts (one per line), creating its settings row on first use."""
    settings_row, _created = SafetySettings.objects.update_or_create(
        school=school, defaults={"crisis_contacts": contacts}
    )
    return settings_row
