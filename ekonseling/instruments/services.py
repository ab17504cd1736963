"""Instrument work that views, commands and the demo share: the library, administrations, answers.

Every write of an answer sheet goes through here, so the rules hold wherever answers come from
(a phone, a typed paper sheet, a spreadsheet): the sheet is checked against its definition, the
window is enforced for students, a submitted sheet is locked, and critical items raise an alert.
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from ekonseling.students.models import Student

from . import answers as sheets
from . import definition as definitions
from .models import Administration, Assignment, Instrument

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


class InstrumentError(Exception):
    """A refusal with a message for the user (translated, like the definition errors)."""


class WindowClosed(InstrumentError):
    pass


class SheetLocked(InstrumentError):
    pass


# --- the library ------------------------------------------------------------------------------------------


def import_definition(school, content, filename, *, user=None, sample=False):
    """Store a definition file in the school's library; returns (instrument, outcome).

    outcome is "created", "unchanged" (the same content again) or "replaced" (same code and version,
    new content, no answers yet). Raises DefinitionInvalid with located errors, or InstrumentError
    when the version already has answers: then the file must carry a new version.
    """
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
                raise InstrumentError(
                    _(
                        "%(code)s version %(version)s is in use and already has answers, so its content may not "
                        "change. Raise 'version' in the file, then import it again."
                    )
                    % {"code": definition.code, "version": definition.version}
                )
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


def install_samples(school, user=None):
    """Put our sample instruments (our own item texts) into a school's library."""
    installed = []
    for path in sorted(SAMPLES_DIR.glob("*.json")):
        instrument, _ = import_definition(school, path.read_bytes(), path.name, user=user, sample=True)
        installed.append(instrument)
    return installed


def export_definition(instrument):
    return definitions.to_json(instrument.definition)


# --- administrations --------------------------------------------------------------------------------------


def open_administration(
    *,
    instrument,
    title,
    opens_at,
    closes_at,
    created_by,
    rombels=(),
    students=(),
    attention_percent=50,
    attention_min_areas=1,
):
    """Give an instrument to the active students of some rombel and/or chosen students."""
    if closes_at <= opens_at:
        raise InstrumentError(_("The closing time must come after the opening time."))
    if instrument.archived:
        raise InstrumentError(_("This instrument is archived."))
    chosen = {s.pk: s for s in students}
    rombels = list(rombels)
    if rombels:
        for student in Student.objects.filter(rombel__in=rombels, status=Student.Status.ACTIVE):
            chosen.setdefault(student.pk, student)
    if not chosen:
        raise InstrumentError(_("Choose at least one rombel or one student."))
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
    return administration


def extend(assignment, until, *, by):
    """Give one student more time (or reopen the window for them after it closed)."""
    if until <= timezone.now():
        raise InstrumentError(_("The new deadline must lie in the future."))
    assignment.closes_at = until
    assignment.save(update_fields=["closes_at"])
    return assignment


def reopen(assignment, *, by, until=None):
    """Unlock a submitted sheet so the student can change it; only counselors do this."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.status != Assignment.Status.SUBMITTED:
            raise InstrumentError(_("This answer sheet has not been submitted, so it need not be reopened."))
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.submitted_at = None
        assignment.reopened_by = by
        assignment.reopened_at = timezone.now()
        fields = ["status", "submitted_at", "reopened_by", "reopened_at"]
        if until is not None or not assignment.window_open():
            assignment.closes_at = until or timezone.now() + timezone.timedelta(days=3)
            fields.append("closes_at")
        assignment.save(update_fields=fields)
    return assignment


def release_results(administration, *, by, released=True):
    administration.released_at = timezone.now() if released else None
    administration.save(update_fields=["released_at"])


# --- answers ----------------------------------------------------------------------------------------------


def _locked_sheet(assignment):
    return (
        Assignment.objects.select_for_update()
        .select_related("administration__instrument", "student")
        .get(pk=assignment.pk)
    )


def _check_student_may_write(assignment, now):
    if assignment.status == Assignment.Status.SUBMITTED:
        raise SheetLocked(
            _("Your answers are submitted and locked. Ask your guru BK to reopen them if they need changing.")
        )
    if not assignment.window_open(now):
        if now < assignment.administration.opens_at:
            raise WindowClosed(_("Filling in has not opened yet."))
        raise WindowClosed(_("The time for filling in has closed. Contact your guru BK if you need more time."))


def save_answers(assignment, changes, *, by, now=None):
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


def submit(assignment, *, by, now=None):
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


def record_sheet(assignment, doc, *, by, source, now=None):
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


def _raise_critical(sheet, definition, doc):
    """Critical items ticked on the sheet raise one alert through the safety pipeline, which tells
    the counselors once the sheet is stored. The same sheet with the same items again (a re-imported
    file, a resubmission) is the alert already raised: no second alert, no second e-mail."""
    hits = sheets.critical_hits(definition, doc)
    if hits:
        safety.raise_alert(student=sheet.student, source=Alert.Source.SHEET, source_id=sheet.pk, items=hits)


def open_alerts(user, *, administration=None, limit=None):
    """The open critical-item alerts this user may decide (on students they serve), described for
    the lists; only one administration's when it is given."""
    sheets = None if administration is None else administration.assignments.values("pk")
    return safety.open_alerts(user, source=Alert.Source.SHEET, source_ids=sheets, limit=limit)


# --- counts for the counselor's pages ---------------------------------------------------------------------


def with_status_counts(queryset):
    """Administrations annotated with their sheets' counts: one query for a whole list, nothing decrypted."""
    from django.db.models import Count, Q

    status = Assignment.Status
    return queryset.annotate(
        sheet_total=Count("assignments", distinct=True),
        sheet_submitted=Count("assignments", filter=Q(assignments__status=status.SUBMITTED), distinct=True),
        sheet_in_progress=Count("assignments", filter=Q(assignments__status=status.IN_PROGRESS), distinct=True),
    )


def status_counts(assignments):
    """{"pending", "in_progress", "submitted", "total"} for a queryset of sheets, from their status only."""
    from django.db.models import Count

    counts = dict.fromkeys(Assignment.Status.values, 0)
    for row in assignments.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def window_state(administration, now=None):
    """ "upcoming", "open" or "closed" for the administration's own window (not per-student extensions)."""
    now = now or timezone.now()
    if now < administration.opens_at:
        return "upcoming"
    return "open" if now < administration.closes_at else "closed"
