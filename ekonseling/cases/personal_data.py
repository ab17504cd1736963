"""The case book's part of the UU PDP export and erasure (registered in CasesConfig.ready()).

The case book is the counselor's working file: its notes, follow-ups, findings and the letters'
contents are counselor-side and declared not exported, as counseling's risk alerts are
(services.md: access to counseling notes may be refused where it would harm someone or reveal other
people's data). The section `case_book` tells the student that case records exist: each case's
dates, bidang and status and how many visits, conferences, call-ins and referrals out it holds, and
the referrals about them (date, source, received), so the student knows and may ask their
counselor. A requester who may not read counseling content (the operator) gets none of it, and
the file says so whether or not there are cases, so that it reveals nothing.

Erasure needs no hook: every row cascades from the student's (cases, referrals) or from the case.
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import (
    Case,
    CaseConference,
    CaseNote,
    CaseShare,
    FollowUp,
    HomeVisit,
    ParentCallIn,
    Referral,
    ReferralOut,
    StatusChange,
)

SECTION = "case_book"


def case_book(student: Any, viewer: Any) -> Any:
    if viewer is not None and not policy.can(viewer, "student.view_counseling", student):
        return personal_data.Partial(None, omitted=(SECTION,))
    cases = [
        {
            "opened_at": case.opened_at,
            "bidang": case.bidang,
            "status": case.status,
            "closed_at": case.closed_at,
            "home_visits": len(case.home_visits.all()),
            "case_conferences": len(case.conferences.all()),
            "parent_call_ins": len(case.call_ins.all()),
            "referrals_out": len(case.referrals_out.all()),
        }
        for case in Case.objects.filter(student=student).prefetch_related(
            "home_visits", "conferences", "call_ins", "referrals_out"
        )
    ]
    referrals = [
        {"referred_at": r.created_at, "source": r.source, "received_at": r.received_at}
        for r in Referral.objects.filter(student=student)
    ]
    return {"cases": cases, "referrals": referrals}


def register() -> None:
    personal_data.register_export(SECTION, case_book, models=[Case, Referral], order=80)
    personal_data.register_not_exported(
        [CaseNote, StatusChange, FollowUp, CaseShare, HomeVisit, CaseConference, ParentCallIn, ReferralOut],
        "The case book's contents (private notes, follow-ups, findings, letters) are the counselor's "
        "working file; the export lists the cases and what was done, not the contents.",
    )
