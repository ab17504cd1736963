"""Instrument work that views, commands and the demo share: the library, administrations, answers.

Every write of an answer sheet goes through here, so the rules hold wherever answers come from
(a phone, a typed paper sheet, a spreadsheet): the sheet is checked against its definition, the
window is enforced for students, a submitted sheet is locked, and critical items raise an alert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit, realtime, windows
from ekonseling.core.errors import ActionError
from ekonseling.core.models import School
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students.models import Rombel, Student

from . import answers as sheets
from . import definition as definitions
from .models import Administration, Assignment, Instrument

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


class InstrumentError(ActionError):
    """A refusal with a message for the user (translated, like the definition errors)."""

    code = "instruments.refused"


class WindowClosed(InstrumentError):
    code = "instruments.window_closed"


class SheetLocked(InstrumentError):
    code = "instruments.sheet_locked"


# --- the library ------------------------------------------------------------------------------------------


def import_definition(
    school: School,
    content: bytes | str,
    filename: str,
    *,
    user: User | None = None,
    sample: bool = False,
    ip: str | None = None,
    user_agent: str = "",
) -> tuple[Instrument, str]:
    """Store a definition file in the school's library for `user`; returns (instrument, outcome).

    outcome is "created", "unchanged" (the same content again) or "replaced" (same code and version,
    new content, no answers yet); a change is audited. Raises DefinitionInvalid with located errors,
    or InstrumentError when the version already has answers: then the file must carry a new version.
    """
    with transaction.atomic():
        instrument, outcome = _store_definition(school, content, filename, user=user, sample=sample)
        if outcome != "unchanged":
            audit.record_for(user, audit.Action.CREATE, instrument, f"import {filename}: {outcome}", ip, user_agent)
    return instrument, outcome


def _store_definition(
    school: School, content: bytes | str, filename: str, *, user: User | None, sample: bool
) -> tuple[Instrument, str]:
    if filename.lower().endswith(".xlsx"):
        from . import workbook

        definition = workbook.read(content if isinstance(content, bytes) else content.encode())
    else:
        definition = definitions.load_definition(content, filename)
    source = definitions.canonical_json(definition)
    with transaction.atomic():
        existing = (
            Instrument.objects.select_for_update()
            .filter(school=school, code=definition.code, version=definition.version)
            .first()
        )
        if existing is not None:
            if existing.fingerprint == definition.fingerprint:
                return existing, "unchanged"
            if existing.frozen:
                message = _(
                    "%(code)s version %(version)s is in use and already has answers, so its content may not "
                    "change. Raise 'version' in the file, then import it again."
                ) % {"code": definition.code, "version": definition.version}
                raise InstrumentError(message, code="instruments.version_in_use")
            outcome = "replaced"
            instrument = existing
        else:
            outcome = "created"
            instrument = Instrument(school=school, code=definition.code, version=definition.version)
        instrument.title = definition.title[:300]
        instrument.scoring = definition.scoring
        instrument.school_levels = list(definition.school_levels)
        instrument.fingerprint = definition.fingerprint
        instrument.source = source
        instrument.sample = sample
        instrument.imported_by = user
        instrument.save()
        instrument.__dict__.pop("definition", None)
    return instrument, outcome


def install_samples(
    school: School, user: User | None = None, *, ip: str | None = None, user_agent: str = ""
) -> list[Instrument]:
    """Put our sample instruments (our own item texts) into a school's library: one audit line."""
    installed = []
    with transaction.atomic():
        for path in sorted(SAMPLES_DIR.glob("*.json")):
            instrument, _ = _store_definition(school, path.read_bytes(), path.name, user=user, sample=True)
            installed.append(instrument)
        audit.record_for(
            user, audit.Action.CREATE, None, f"sample instruments: {len(installed)}", ip, user_agent, school=school
        )
    return installed


def export_definition(instrument: Instrument, actor: User, *, ip: str | None = None, user_agent: str = "") -> str:
    """The definition file of `instrument` as JSON; carrying it out is audited."""
    content = definitions.to_json(instrument.definition)
    audit.record_for(actor, audit.Action.EXPORT, instrument, "definition file", ip, user_agent)
    return content


def export_definition_xlsx(
    instrument: Instrument, actor: User, *, ip: str | None = None, user_agent: str = ""
) -> bytes:
    """The definition in the spreadsheet template (the same sheets a school fills in); audited."""
    from . import workbook

    content = workbook.to_xlsx(instrument.definition)
    audit.record_for(actor, audit.Action.EXPORT, instrument, "definition workbook", ip, user_agent)
    return content


def edit_definition(
    instrument: Instrument, data: Mapping, actor: User, *, ip: str | None = None, user_agent: str = ""
) -> Instrument:
    """Store `data` (the definition's JSON data, edited in the form) as the same code and version.

    Only while nobody has answered the version (else InstrumentError: raise the version instead);
    the code and version may not change here. Raises DefinitionInvalid with every problem.
    """
    if data.get("code") != instrument.code or data.get("version") != instrument.version:
        raise InstrumentError(_("The code and version of an instrument cannot be changed in the form."))
    content = json.dumps(data, ensure_ascii=False)
    with transaction.atomic():
        locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
        if locked.frozen:
            raise InstrumentError(
                _(
                    "Students have answered %(name)s, so its content cannot change. Export it, raise its version "
                    "and import it again."
                )
                % {"name": str(locked)},
                code="instruments.version_in_use",
            )
        stored, outcome = _store_definition(instrument.school, content, "edit.json", user=actor, sample=locked.sample)
        if outcome != "unchanged":
            audit.record_for(actor, audit.Action.CHANGE, stored, "definition edited in the form", ip, user_agent)
    return stored


def set_archived(
    instrument: Instrument, archived: bool, actor: User, *, ip: str | None = None, user_agent: str = ""
) -> Instrument:
    """Archive an instrument (no new administrations) or put it back in use."""
    with transaction.atomic():
        instrument.archived = archived
        instrument.save(update_fields=["archived"])
        audit.record_for(actor, audit.Action.CHANGE, instrument, "archived" if archived else "restored", ip, user_agent)
    return instrument


# --- administrations --------------------------------------------------------------------------------------


def open_administration(
    *,
    instrument: Instrument,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    created_by: User,
    rombels: Iterable[Rombel] = (),
    students: Iterable[Student] = (),
    attention_percent: int = 50,
    attention_min_areas: int = 1,
    ip: str | None = None,
    user_agent: str = "",
) -> Administration:
    """Give an instrument to the active students of some rombel and/or chosen students (audited,
    `created_by` the actor)."""
    if not windows.valid(opens_at, closes_at):
        raise InstrumentError(_("The closing time must come after the opening time."), code="instruments.bad_window")
    if instrument.archived:
        raise InstrumentError(_("This instrument is archived."), code="instruments.archived")
    chosen = {s.pk: s for s in students}
    rombels = list(rombels)
    if rombels:
        for student in Student.objects.filter(rombel__in=rombels, status=Student.Status.ACTIVE):
            chosen.setdefault(student.pk, student)
    if not chosen:
        raise InstrumentError(_("Choose at least one rombel or one student."), code="instruments.nobody_chosen")
    with transaction.atomic():
        administration = Administration.objects.create(
            school=instrument.school,
            instrument=instrument,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            attention_percent=attention_percent,
            attention_min_areas=attention_min_areas,
        )
        administration.rombels.set(rombels)
        Assignment.objects.bulk_create(
            Assignment(school=instrument.school, administration=administration, student=student)
            for student in chosen.values()
        )
        audit.record_for(created_by, audit.Action.CREATE, administration, str(instrument), ip, user_agent)
        if opens_at <= timezone.now():
            # Open now (the form's default): the students' open pages count the new sheet at once.
            realtime.announce_refresh(s.user_id for s in chosen.values() if s.user_id)
    return administration


def extend(
    assignment: Assignment, until: datetime, *, by: User, ip: str | None = None, user_agent: str = ""
) -> Assignment:
    """Give one student more time (or reopen the window for them after it closed)."""
    if until <= timezone.now():
        raise InstrumentError(_("The new deadline must lie in the future."), code="instruments.bad_window")
    with transaction.atomic():
        assignment.closes_at = until
        assignment.save(update_fields=["closes_at"])
        audit.record_for(by, audit.Action.CHANGE, assignment, f"deadline {until.isoformat()}", ip, user_agent)
    return assignment


def reopen(
    assignment: Assignment,
    *,
    by: User,
    until: datetime | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Assignment:
    """Unlock a submitted sheet so the student can change it; only counselors do this."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status != Assignment.Status.SUBMITTED:
            raise InstrumentError(
                _("This answer sheet has not been submitted, so it need not be reopened."),
                code="instruments.not_submitted",
            )
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.submitted_at = None
        assignment.reopened_by = by
        assignment.reopened_at = timezone.now()
        fields = ["status", "submitted_at", "reopened_by", "reopened_at"]
        if until is not None or not assignment.window_open():
            assignment.closes_at = until or timezone.now() + timezone.timedelta(days=3)
            fields.append("closes_at")
        assignment.save(update_fields=fields)
        audit.record_for(by, audit.Action.CHANGE, assignment, "reopened", ip, user_agent)
    return assignment


def release_results(
    administration: Administration,
    *,
    by: User,
    released: bool = True,
    ip: str | None = None,
    user_agent: str = "",
) -> Administration:
    """Show the students who submitted their own results, or hide them again."""
    with transaction.atomic():
        administration.released_at = timezone.now() if released else None
        administration.save(update_fields=["released_at"])
        detail = "results released" if released else "results withdrawn"
        audit.record_for(by, audit.Action.CHANGE, administration, detail, ip, user_agent)
    return administration


# --- answers ----------------------------------------------------------------------------------------------


def _locked_sheet(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update()
        .select_related("administration__instrument", "student")
        .get(pk=assignment.pk)
    )


def _check_student_may_write(assignment: Assignment, now: datetime) -> None:
    if assignment.status == Assignment.Status.SUBMITTED:
        raise SheetLocked(
            _("Your answers are submitted and locked. Ask your guru BK to reopen them if they need changing.")
        )
    if not assignment.window_open(now):
        if now < assignment.administration.opens_at:
            raise WindowClosed(_("Filling in has not opened yet."), code="instruments.window_not_open")
        raise WindowClosed(_("The time for filling in has closed. Contact your guru BK if you need more time."))


def save_answers(assignment: Assignment, changes: Mapping, *, by: User, now: datetime | None = None) -> Assignment:
    """Autosave part of a sheet (one page, or one answer). Returns the saved assignment.

    Raises AnswersInvalid for a value the item does not accept, WindowClosed or SheetLocked for a
    student writing outside the window or after submitting. The sheet row is locked while the
    change is merged, so two saves in flight from one phone never undo each other.
    """
    now = now or timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(assignment)
        _check_student_may_write(sheet, now)
        definition = sheet.administration.instrument.definition
        merged = sheets.merge(definition, sheet.answer_data(), changes)
        sheet.answers = json.dumps(merged, separators=(",", ":"))
        sheet.revision += 1
        sheet.saved_at = now
        sheet.started_at = sheet.started_at or now
        if sheet.status == Assignment.Status.PENDING:
            sheet.status = Assignment.Status.IN_PROGRESS
        sheet.save(update_fields=["answers", "revision", "saved_at", "started_at", "status"])
    return sheet


def submit(assignment: Assignment, *, by: User, now: datetime | None = None) -> Assignment:
    """Lock a complete sheet; critical items ticked on it alert the counselors at once."""
    now = now or timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(assignment)
        _check_student_may_write(sheet, now)
        definition = sheet.administration.instrument.definition
        doc = sheet.answer_data()
        sheets.check_complete(definition, doc)
        sheet.status = Assignment.Status.SUBMITTED
        sheet.submitted_at = now
        sheet.started_at = sheet.started_at or now
        sheet.saved_at = sheet.saved_at or now
        sheet.save(update_fields=["status", "submitted_at", "started_at", "saved_at"])
        _raise_critical(sheet, definition, doc)
    return sheet


def record_sheet(
    assignment: Assignment, doc: Mapping, *, by: User | None, source: str, now: datetime | None = None
) -> Assignment:
    """Store a whole sheet that a counselor typed from paper or imported, as submitted.

    The window does not apply (the student answered on paper in time); the sheet must be complete.
    Replaces whatever was there: the paper or the spreadsheet is the record.
    """
    now = now or timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(assignment)
        definition = sheet.administration.instrument.definition
        sheets.check_complete(definition, doc)
        changes = {"items": doc.get("items") or {}, "open": doc.get("open") or {}}
        changes["heavy"] = dict.fromkeys(doc.get("heavy") or [], True)
        normal = sheets.merge(definition, {}, changes)
        sheet.answers = json.dumps(normal, separators=(",", ":"))
        sheet.revision += 1
        sheet.status = Assignment.Status.SUBMITTED
        sheet.source = source
        sheet.entered_by = by
        sheet.started_at = sheet.started_at or now
        sheet.saved_at = now
        sheet.submitted_at = now
        sheet.save()
        _raise_critical(sheet, definition, normal)
    return sheet


def enter_paper_sheet(
    assignment: Assignment, doc: Mapping, actor: User, *, ip: str | None = None, user_agent: str = ""
) -> Assignment:
    """A sheet typed from paper by `actor` (see `record_sheet`), audited; it may replace a submitted one."""
    replacing = assignment.status == Assignment.Status.SUBMITTED
    with transaction.atomic():
        sheet = record_sheet(assignment, doc, by=actor, source=Assignment.Source.PAPER)
        detail = "paper sheet entered" + (" (replacing the submitted sheet)" if replacing else "")
        audit.record_for(actor, audit.Action.CHANGE, sheet, detail, ip, user_agent)
    return sheet


def _raise_critical(sheet: Assignment, definition: definitions.Definition, doc: Mapping) -> None:
    """Critical items ticked on the sheet raise one alert through the safety pipeline, which tells
    the counselors once the sheet is stored. The same sheet with the same items again (a re-imported
    file, a resubmission) is the alert already raised: no second alert, no second e-mail."""
    hits = sheets.critical_hits(definition, doc)
    if hits:
        safety.raise_alert(student=sheet.student, source=Alert.Source.SHEET, source_id=sheet.pk, items=hits)


def open_alerts(user: User, *, administration: Administration | None = None, limit: int | None = None) -> list[Alert]:
    """The open critical-item alerts this user may decide (on students they serve), described for
    the lists; only one administration's when it is given."""
    sheets = None if administration is None else administration.assignments.values("pk")
    return safety.open_alerts(user, source=Alert.Source.SHEET, source_ids=sheets, limit=limit)


# --- counts for the counselor's pages ---------------------------------------------------------------------


def with_status_counts(queryset: QuerySet[Administration]) -> QuerySet[Administration]:
    """Administrations annotated with their sheets' counts: one query for a whole list, nothing decrypted."""
    from django.db.models import Count, Q

    status = Assignment.Status
    return queryset.annotate(
        sheet_total=Count("assignments", distinct=True),
        sheet_submitted=Count("assignments", filter=Q(assignments__status=status.SUBMITTED), distinct=True),
        sheet_in_progress=Count("assignments", filter=Q(assignments__status=status.IN_PROGRESS), distinct=True),
    )


def status_counts(assignments: QuerySet[Assignment]) -> dict[str, int]:
    """{"pending", "in_progress", "submitted", "total"} for a queryset of sheets, from their status only."""
    from django.db.models import Count

    counts = dict.fromkeys(Assignment.Status.values, 0)
    for row in assignments.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def window_state(administration: Administration, now: datetime | None = None) -> str:
    """ "upcoming", "open" or "closed" for the administration's own window (not per-student extensions)."""
    return windows.state(administration.opens_at, administration.closes_at, now)
