"""The case book's actions: every write, its transaction and its audit line.

Each action takes an explicit actor (and the request's origin as `ip` and `user_agent`), asks the
policy itself, and raises `CaseError` with a `cases.<reason>` code when it refuses; a refused
action changes nothing and writes no audit line.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core import audit, policy
from ekonseling.core.errors import ActionError
from ekonseling.students.models import Student

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
    Source,
    StatusChange,
)

Action = audit.Action

MAX_TEXT = 20_000


class CaseError(ActionError):
    code = "cases.refused"


class NotAllowed(CaseError):
    code = "cases.not_allowed"


class BadTransition(CaseError):
    code = "cases.bad_transition"


class BadCounselor(CaseError):
    code = "cases.bad_counselor"


class AlreadyReceived(CaseError):
    code = "cases.already_received"


def _require(actor: User, action: str, obj: Model | None) -> None:
    if not policy.can(actor, action, obj):
        raise NotAllowed(_("You may not do this."))


def _text(value: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise CaseError(_("This text may not be empty."), code="cases.empty")
    if len(value) > limit:
        raise CaseError(_("This text is too long."), code="cases.too_long")
    return value


# --- cases ----------------------------------------------------------------------------------------------

# Which status may follow which: a closed case can be reopened (it is handled again).
TRANSITIONS: dict[str, set[str]] = {
    Case.Status.NEW: {Case.Status.HANDLING, Case.Status.REFERRED, Case.Status.CLOSED},
    Case.Status.HANDLING: {Case.Status.REFERRED, Case.Status.CLOSED},
    Case.Status.REFERRED: {Case.Status.HANDLING, Case.Status.CLOSED},
    Case.Status.CLOSED: {Case.Status.HANDLING},
}


def open_case(
    student: Student,
    actor: User,
    *,
    title: str,
    bidang: str,
    source: str = Source.COUNSELOR,
    alert: Model | None = None,
    sheet: Model | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Case:
    """A new case of `student`, handled by `actor` (a counselor who serves the student)."""
    _require(actor, "case.open_for", student)
    if alert is not None and alert.student_id != student.pk:
        raise CaseError(_("The alert is about another student."), code="cases.wrong_student")
    if sheet is not None and sheet.student_id != student.pk:
        raise CaseError(_("The answer sheet is another student's."), code="cases.wrong_student")
    title = _text(title, limit=300)
    with transaction.atomic():
        case = Case.objects.create(
            school_id=student.school_id,
            student=student,
            title=title,
            bidang=bidang,
            source=source,
            alert=alert,
            sheet=sheet,
            opened_by=actor,
        )
        case.counselors.add(actor)
        StatusChange.objects.create(case=case, from_status="", to_status=Case.Status.NEW, by=actor)
        audit.record_for(actor, Action.CREATE, case, f"case opened ({source})", ip, user_agent)
    return case


def edit_case(case: Case, actor: User, *, title: str, bidang: str, ip: str | None = None, user_agent: str = "") -> Case:
    """Correct the problem and the bidang as the case becomes clearer."""
    _require(actor, "case.manage", case)
    title = _text(title, limit=300)
    changed = [name for name, value in (("title", title), ("bidang", bidang)) if getattr(case, name) != value]
    if changed:
        with transaction.atomic():
            case.title, case.bidang = title, bidang
            case.save(update_fields=changed)
            audit.record_for(actor, Action.CHANGE, case, f"changed: {', '.join(changed)}", ip, user_agent)
    return case


def set_status(
    case: Case, actor: User, to_status: str, note: str = "", *, ip: str | None = None, user_agent: str = ""
) -> StatusChange:
    _require(actor, "case.manage", case)
    note = _text(note, required=False, limit=2000)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if to_status not in TRANSITIONS.get(case.status, set()):
            raise BadTransition(_("A case cannot move from this status to that one."))
        change = StatusChange.objects.create(
            case=case, from_status=case.status, to_status=to_status, by=actor, note=note
        )
        case.status = to_status
        case.closed_at = timezone.now() if to_status == Case.Status.CLOSED else None
        case.save(update_fields=["status", "closed_at"])
        audit.record_for(actor, Action.CHANGE, case, f"status {change.from_status} -> {to_status}", ip, user_agent)
    return change


def _counselor_of_school(case: Case, counselor: User | None) -> User:
    if (
        counselor is None
        or counselor.school_id != case.school_id
        or counselor.role not in COUNSELOR_ROLES
        or not counselor.is_active
    ):
        raise BadCounselor(_("Choose an active counselor of this school."))
    return counselor


def share(case: Case, actor: User, counselor: User | None, *, ip: str | None = None, user_agent: str = "") -> CaseShare:
    """Let another counselor read the case, its private notes included."""
    _require(actor, "case.manage", case)
    counselor = _counselor_of_school(case, counselor)
    if case.counselors.filter(pk=counselor.pk).exists():
        raise BadCounselor(_("This counselor already handles the case."), code="cases.already_handles")
    with transaction.atomic():
        shared, created = CaseShare.objects.get_or_create(case=case, counselor=counselor, defaults={"shared_by": actor})
        if created:
            audit.record_for(actor, Action.CHANGE, case, f"shared with {counselor.get_username()}", ip, user_agent)
    return shared


def unshare(case: Case, actor: User, counselor: User | None, *, ip: str | None = None, user_agent: str = "") -> None:
    _require(actor, "case.manage", case)
    if counselor is None:
        raise BadCounselor(_("Choose an active counselor of this school."))
    with transaction.atomic():
        deleted, _rows = CaseShare.objects.filter(case=case, counselor=counselor).delete()
        if deleted:
            audit.record_for(
                actor, Action.CHANGE, case, f"no longer shared with {counselor.get_username()}", ip, user_agent
            )


def add_handler(
    case: Case, actor: User, counselor: User | None, *, ip: str | None = None, user_agent: str = ""
) -> None:
    """A counselor takes the case on (handles it from now on); a share becomes handling."""
    _require(actor, "case.manage", case)
    counselor = _counselor_of_school(case, counselor)
    with transaction.atomic():
        CaseShare.objects.filter(case=case, counselor=counselor).delete()
        if not case.counselors.filter(pk=counselor.pk).exists():
            case.counselors.add(counselor)
            audit.record_for(actor, Action.CHANGE, case, f"handled by {counselor.get_username()}", ip, user_agent)


def remove_handler(
    case: Case, actor: User, counselor: User | None, *, ip: str | None = None, user_agent: str = ""
) -> None:
    """A counselor stops handling the case (a transfer, someone who left); a case keeps at least one."""
    _require(actor, "case.manage", case)
    if counselor is None:
        raise BadCounselor(_("Choose an active counselor of this school."))
    with transaction.atomic():
        handlers = list(Case.objects.select_for_update().get(pk=case.pk).counselors.values_list("pk", flat=True))
        if counselor.pk not in handlers:
            raise BadCounselor(_("This counselor does not handle the case."), code="cases.not_a_handler")
        if len(handlers) == 1:
            raise BadCounselor(
                _("A case needs a counselor who handles it: add another first."), code="cases.last_handler"
            )
        case.counselors.remove(counselor)
        audit.record_for(actor, Action.CHANGE, case, f"no longer handled by {counselor.get_username()}", ip, user_agent)


def add_note(case: Case, actor: User, body: str, *, ip: str | None = None, user_agent: str = "") -> CaseNote:
    _require(actor, "case.write_notes", case)
    body = _text(body)
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, body=body)
        audit.record_for(actor, Action.CREATE, case, f"case note #{note.pk}", ip, user_agent)
    return note


# --- follow-ups ------------------------------------------------------------------------------------------


def add_follow_up(
    case: Case,
    actor: User,
    *,
    description: str,
    due_on: datetime.date,
    assigned_to: User | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> FollowUp:
    _require(actor, "case.manage", case)
    description = _text(description, limit=2000)
    if assigned_to is not None:
        _counselor_of_school(case, assigned_to)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, description=description, due_on=due_on, assigned_to=assigned_to or actor, created_by=actor
        )
        audit.record_for(actor, Action.CREATE, case, f"follow-up #{follow_up.pk} due {due_on}", ip, user_agent)
    return follow_up


def complete_follow_up(follow_up: FollowUp, actor: User, *, ip: str | None = None, user_agent: str = "") -> FollowUp:
    _require(actor, "case.manage", follow_up.case)
    with transaction.atomic():
        if follow_up.done_at is None:
            follow_up.done_at, follow_up.done_by = timezone.now(), actor
            follow_up.save(update_fields=["done_at", "done_by"])
            audit.record_for(actor, Action.CHANGE, follow_up.case, f"follow-up #{follow_up.pk} done", ip, user_agent)
    return follow_up


# --- referrals in ----------------------------------------------------------------------------------------


def refer(
    student: Student,
    actor: User,
    *,
    reason: str,
    source: str | None = None,
    referrer_name: str = "",
    alert: Model | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Referral:
    """A wali kelas refers a student of their rombel; a counselor records a referral made by someone
    without an account (a teacher, a parent), the student, an instrument result or an alert."""
    _require(actor, "referral.create", student)
    reason = _text(reason, limit=4000)
    referrer_name = _text(referrer_name, required=False, limit=200)
    if actor.role == "wali_kelas":
        source, referrer_name = Source.WALI_KELAS, actor.display_name
    elif source not in Source.values:
        raise CaseError(_("Say where the referral comes from."), code="cases.no_source")
    elif source in (Source.TEACHER, Source.PARENT, Source.WALI_KELAS, Source.OTHER) and not referrer_name:
        raise CaseError(_("Write the name of the person who referred the student."), code="cases.no_referrer")
    if alert is not None and alert.student_id != student.pk:
        raise CaseError(_("The alert is about another student."), code="cases.wrong_student")
    with transaction.atomic():
        referral = Referral.objects.create(
            school_id=student.school_id,
            student=student,
            source=source,
            referred_by=actor,
            referrer_name=referrer_name,
            reason=reason,
            alert=alert,
        )
        audit.record_for(actor, Action.CREATE, referral, f"referral ({source})", ip, user_agent)
    return referral


def accept_referral(
    referral: Referral,
    actor: User,
    *,
    case: Case | None = None,
    title: str = "",
    bidang: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> Case:
    """Receive a referral into an open case of the student, or into a new one."""
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",)).select_related("student__rombel").get(pk=referral.pk)
        )
        if referral.received_at is not None:
            raise AlreadyReceived(_("This referral was already received."))
        _require(actor, "referral.accept", referral)
        if case is None:
            case = open_case(
                referral.student,
                actor,
                title=title,
                bidang=bidang,
                source=referral.source,
                alert=referral.alert,
                ip=ip,
                user_agent=user_agent,
            )
        elif case.student_id != referral.student_id or not case.is_open:
            raise CaseError(_("Choose an open case of the same student."), code="cases.wrong_case")
        else:
            _require(actor, "case.manage", case)
        referral.received_at, referral.received_by, referral.case = timezone.now(), actor, case
        referral.save(update_fields=["received_at", "received_by", "case"])
        audit.record_for(actor, Action.CHANGE, referral, f"referral received into case #{case.pk}", ip, user_agent)
    return case


# --- services around a case: referral out, home visit, case conference, parent call-in -----------------

RECORD_MODELS: dict[str, type[Model]] = {
    "alih-tangan": ReferralOut,
    "kunjungan-rumah": HomeVisit,
    "konferensi": CaseConference,
    "panggilan-ortu": ParentCallIn,
}
AUDIT_NAMES = {
    ReferralOut: "referral out",
    HomeVisit: "home visit",
    CaseConference: "case conference",
    ParentCallIn: "parent call-in",
}


def save_record(record: Any, actor: User, *, ip: str | None = None, user_agent: str = "") -> Any:
    """Store a new or edited record of a service around its case (the form has validated it). A first
    referral out moves an open case to "dirujuk" (referred out), with its status history."""
    case = record.case
    _require(actor, "case.manage", case)
    created = record.pk is None
    name = AUDIT_NAMES[type(record)]
    with transaction.atomic():
        if created:
            record.created_by = actor
        record.save()
        audit.record_for(
            actor, Action.CREATE if created else Action.CHANGE, case, f"{name} #{record.pk}", ip, user_agent
        )
        if created and isinstance(record, ReferralOut) and case.status in (Case.Status.NEW, Case.Status.HANDLING):
            set_status(case, actor, Case.Status.REFERRED, ip=ip, user_agent=user_agent)
    return record


# --- reading ----------------------------------------------------------------------------------------------


def notes_of(case: Case) -> list[CaseNote]:
    """The case's private notes with their authors (decrypted: callers audit the read)."""
    return list(case.notes.select_related("author"))


def export_letter(record: Any, actor: User, *, ip: str | None = None, user_agent: str = "") -> bytes:
    """The record's letter as a PDF on the school letterhead; the export is audited."""
    from . import letters

    _require(actor, "case.manage", record.case)
    data = letters.build(record, actor)
    audit.record_for(
        actor, Action.EXPORT, record.case, f"{AUDIT_NAMES[type(record)]} #{record.pk} letter PDF", ip, user_agent
    )
    return data
