"""What the case book shows outside its own pages: the home cards, the menu badge and the counseling
timeline of the student page. Reads only; a timeline that shows cases writes its read to the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core import audit, policy
from ekonseling.students.models import Student

from .models import Case, Referral

WALI_KELAS_CARD_ROWS = 10


def waiting_referrals(user: User) -> int:
    """Referrals the counselor may receive that nobody has received yet (the menu badge)."""
    if user.role not in COUNSELOR_ROLES:
        return 0
    return policy.visible(user, "referral.accept", Referral.objects.filter(received_at__isnull=True)).count()


def counselor_card(request: HttpRequest) -> dict:
    """Counts by status of the cases the counselor may see, their overdue follow-ups and the referrals
    waiting: two queries, whatever the school's size."""
    user = request.user
    cases = policy.visible(user, "case.list", Case.objects.all())
    # One query, a row per status: the cases joined to their follow-ups, so each case counts once;
    # the overdue follow-ups are those of the open statuses' rows.
    overdue = Q(follow_ups__done_at__isnull=True, follow_ups__due_on__lt=timezone.localdate())
    rows = (
        cases.order_by()
        .values_list("status")
        .annotate(n=Count("pk", distinct=True), overdue=Count("follow_ups", filter=overdue))
    )
    counts, overdue_follow_ups = dict.fromkeys(Case.Status.values, 0), 0
    for status, n, overdue_here in rows:
        counts[status] = n
        overdue_follow_ups += overdue_here if status in Case.OPEN_STATUSES else 0
    return {
        "statuses": [(value, label, counts[value]) for value, label in Case.Status.choices],
        "overdue": overdue_follow_ups,
        "waiting": waiting_referrals(user),
    }


def wali_kelas_card(request: HttpRequest) -> dict:
    referrals = (
        policy.visible(request.user, "referral.view", Referral.objects.all())
        .select_related("student", "case")
        .order_by("-created_at", "-id")
    )
    rows = list(referrals[: WALI_KELAS_CARD_ROWS + 1])
    return {"referrals": rows[:WALI_KELAS_CARD_ROWS], "more": len(rows) > WALI_KELAS_CARD_ROWS}


# --- the student page's timeline ----------------------------------------------------------------------------


@dataclass
class Entry:
    at: Any  # a date or datetime
    kind: str
    text: str
    url: str = ""


def _day(value: Any) -> Any:
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") else value


def timeline(student: Student, viewer: User, *, ip: str | None = None, user_agent: str = "") -> list[Entry]:
    """The student's counseling history as the viewer may see it, newest first: for a counselor the
    cases they may open with their events, the referrals about the student they may see and the
    conversations counseling's policy lets them open; for a wali kelas their own referrals, with
    only whether each was received and handled. Showing cases is audited."""
    entries: list[Entry] = []
    referrals = policy.visible(viewer, "referral.view", Referral.objects.filter(student=student)).select_related("case")
    for referral in referrals:
        entries.append(Entry(referral.created_at, _("Referral"), progress_label(referral)))
    if viewer.role not in COUNSELOR_ROLES:
        return _sorted(entries)

    cases = list(
        policy.visible(viewer, "case.view", Case.objects.filter(student=student)).prefetch_related(
            "status_changes", "follow_ups", "referrals_out", "home_visits", "conferences", "call_ins"
        )
    )
    for case in cases:
        url = reverse("cases:detail", args=[case.pk])
        label = _("Case #%(number)s") % {"number": case.pk}
        for change in case.status_changes.all():
            if change.from_status:
                text = _("%(case)s: status %(status)s") % {"case": label, "status": change.get_to_status_display()}
            else:
                text = _("%(case)s opened (%(bidang)s)") % {"case": label, "bidang": case.get_bidang_display()}
            entries.append(Entry(change.at, _("Case"), text, url))
        for follow_up in case.follow_ups.all():
            state = _("done") if follow_up.done_at else (_("overdue") if follow_up.is_overdue() else _("due"))
            entries.append(Entry(follow_up.due_on, _("Follow-up"), f"{label}: {state}", url))
        for visit in case.home_visits.all():
            entries.append(Entry(visit.visit_on, _("Home visit"), label, url))
        for conference in case.conferences.all():
            entries.append(Entry(conference.held_on, _("Case conference"), label, url))
        for call_in in case.call_ins.all():
            entries.append(Entry(call_in.meet_on, _("Parent call-in"), label, url))
        for out in case.referrals_out.all():
            entries.append(Entry(out.referred_on, _("Referral out"), f"{label}: {out.get_to_kind_display()}", url))

    from ekonseling.counseling.models import Conversation

    conversations = policy.visible(viewer, "conversation.view", Conversation.objects.filter(student=student))
    for conversation in conversations.select_related("student"):
        if not policy.can(viewer, "conversation.see_identity", conversation):
            continue
        entries.append(
            Entry(
                conversation.last_message_at or conversation.created_at,
                conversation.get_kind_display(),
                conversation.get_status_display(),
                reverse("counseling:conversation", args=[conversation.pk]),
            )
        )
    if cases:
        audit.record_for(viewer, audit.Action.READ, student, f"case timeline: {len(cases)} cases", ip, user_agent)
    return _sorted(entries)


def _sorted(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: _day(e.at), reverse=True)


def progress_label(referral: Referral) -> str:
    return {
        "waiting": _("Sent, not received yet"),
        "received": _("Received by BK"),
        "handled": _("Received and handled by BK"),
    }[referral.progress]
