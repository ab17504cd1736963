"""The student record's life cycle: the year-end step, the UU PDP export and erasure, rombel exports.

No HTTP here: views check the policy and call these; each function that changes data runs in one
transaction and writes its own audit entry, so a half-done year-end or erasure cannot happen and
cannot go unlogged.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role, User
from ekonseling.core import audit, personal_data, policy
from ekonseling.core.errors import ActionError
from ekonseling.core.models import School

from . import caseload
from .forms_records import StudentRecordForm, guardian_changes
from .models import AcademicYear, DeletionRequest, Enrollment, Guardian, Rombel, Student
from .personal_data import masked_label, without_identity

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

# A rombel export column: header, width, and how to read a student's value (None: the row number).
Column = tuple[str, int, Callable[[Student], object] | None]

# The last grade of each level: its students graduate at the year-end instead of moving up.
FINAL_GRADE = {School.Level.SD: 6, School.Level.SMP: 9, School.Level.SMA: 12, School.Level.SMK: 12}

ROMAN = dict(enumerate(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"], start=1))


class PromotionError(ActionError):
    """The year-end step was refused; the message says why, for the operator."""

    code = "students.promotion_refused"


class DeletionError(ActionError):
    """A deletion request cannot be decided (already decided, or the student is gone)."""

    code = "students.deletion_refused"


# --- the year-end step (kenaikan kelas, kelulusan) ----------------------------------------------------


def final_grade(school: School) -> int:
    return FINAL_GRADE.get(school.level, 12)


def next_rombel_name(name: str, grade: int) -> str:
    """The usual name of a rombel one grade up: "X-1" → "XI-1", "VII A" → "VIII A", "10 IPA" → "11 IPA".

    Schools name rombel by the grade in Roman or Arabic numerals; the first whole numeral equal to
    the grade is raised. A name that carries no recognisable grade gives "", so the operator types
    the target instead of getting a wrong guess.
    """
    roman = ROMAN.get(grade)
    if roman and grade + 1 in ROMAN:
        pattern = rf"(?<![A-Za-z0-9]){roman}(?![A-Za-z])"
        if re.search(pattern, name):
            return re.sub(pattern, ROMAN[grade + 1], name, count=1)
    pattern = rf"(?<![A-Za-z0-9]){grade}(?![0-9])"
    if re.search(pattern, name):
        return re.sub(pattern, str(grade + 1), name, count=1)
    return ""


def suggest_mapping(from_year: AcademicYear) -> dict[Rombel, str | None]:
    """{rombel: suggested target name} for the year-end form; None marks a final-grade rombel (lulus)."""
    last = final_grade(from_year.school)
    rombels = Rombel.objects.filter(academic_year=from_year).order_by("grade", "name")
    return {r: (None if r.grade >= last else next_rombel_name(r.name, r.grade)) for r in rombels}


def next_year_name(name: str) -> str:
    """ "2026/2027" → "2027/2028"; anything else → "" (the operator types it)."""
    match = re.fullmatch(r"(\d{4})/(\d{4})", name.strip())
    if not match:
        return ""
    first, second = (int(n) for n in match.groups())
    return f"{first + 1}/{second + 1}"


def shift_year(day: datetime.date) -> datetime.date:
    """The same calendar day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class PromotionResult:
    year: AcademicYear
    promoted: int
    retained: int
    graduated: int
    rombels_created: int


def promote_year(
    school: School,
    from_year: AcademicYear,
    to_year_name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    mapping: dict,
    actor: User | None,
    *,
    retained: Iterable[int] = (),
    graduated_on: datetime.date | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> PromotionResult:
    """Close `from_year` and open the next one, in one transaction.

    `mapping` is {old rombel (or its id): new rombel name}; final-grade rombel need no entry, their
    students graduate (status, left_on = `graduated_on` or the end of the old year, no rombel).
    `retained` are the ids of students who are not promoted ("tidak naik"): they go to the rombel of
    the new year with their old rombel's name and grade, made when no mapping already makes it.
    Every student of the old year gets an Enrollment row with the outcome; nothing is deleted, so
    the old rombel and the history stay. Raises PromotionError, changing nothing, when refused.
    """
    to_year_name = (to_year_name or "").strip()
    with transaction.atomic():
        _check_years(school, from_year, to_year_name, starts_on, ends_on)
        rombels = {r.pk: r for r in Rombel.objects.filter(academic_year=from_year).prefetch_related("counselors")}
        targets = _clean_mapping(mapping, rombels)
        students = list(
            Student.objects.select_for_update().filter(
                rombel__in=list(rombels), status=Student.Status.ACTIVE, school=school
            )
        )
        retained = {int(pk) for pk in retained}
        unknown = retained - {s.pk for s in students}
        if unknown:
            raise PromotionError(_("Only active students of this year's rombel can be marked as not promoted."))
        last = final_grade(school)

        plan = _plan_new_rombels(rombels, targets, students, retained, last)
        AcademicYear.objects.filter(school=school, is_current=True).update(is_current=False)
        new_year = AcademicYear.objects.create(
            school=school, name=to_year_name, starts_on=starts_on, ends_on=ends_on, is_current=True
        )
        created = _create_rombels(school, new_year, plan)
        counts = _move_students(
            students, rombels, targets, retained, created, from_year, new_year, last, graduated_on or from_year.ends_on
        )
        result = PromotionResult(new_year, *counts, rombels_created=len(created))
        audit.record_for(
            actor,
            audit.Action.CHANGE,
            new_year,
            ip=ip,
            user_agent=user_agent,
            school=school,
            detail=(
                f"year-end from {from_year.name}: {result.promoted} promoted, {result.retained} retained, "
                f"{result.graduated} graduated, {result.rombels_created} rombel created"
            ),
        )
    return result


def _check_years(
    school: School,
    from_year: AcademicYear,
    to_year_name: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> None:
    if from_year.school_id != school.pk or not from_year.is_current:
        raise PromotionError(_("Only the current academic year can be closed."))
    if not to_year_name:
        raise PromotionError(_("Give the new academic year a name."))
    if len(to_year_name) > AcademicYear._meta.get_field("name").max_length:
        raise PromotionError(_("The name of the new academic year is too long."))
    if AcademicYear.objects.filter(school=school, name=to_year_name).exists():
        raise PromotionError(
            _("The academic year %(name)s already exists; the year-end step has been done.") % {"name": to_year_name}
        )
    if not (starts_on and ends_on) or ends_on <= starts_on:
        raise PromotionError(_("The new academic year must end after it starts."))
    if starts_on <= from_year.starts_on:
        raise PromotionError(_("The new academic year must start after the current one."))


def _clean_mapping(mapping: Mapping | None, rombels: Mapping[int, Rombel]) -> dict[int, str]:
    targets = {}
    for key, name in (mapping or {}).items():
        pk = key.pk if isinstance(key, Rombel) else int(key)
        if pk not in rombels:
            raise PromotionError(_("A rombel in the mapping is not a rombel of the current year."))
        name = (name or "").strip()
        if len(name) > Rombel._meta.get_field("name").max_length:
            raise PromotionError(_("The rombel name %(name)s is too long.") % {"name": name})
        if name:
            targets[pk] = name
    return targets


def _plan_new_rombels(
    rombels: Mapping[int, Rombel],
    targets: Mapping[int, str],
    students: Iterable[Student],
    retained: Collection[int],
    last: int,
) -> dict[str, tuple[int, set[int]]]:
    """{new name: (grade, counselor ids)} for every rombel the new year needs.

    Promotion targets get grade + 1 and the counselors of their source rombel (several rombel may
    merge into one name). Retained students need their old name at the old grade.
    """
    plan = {}

    def want(name: str, grade: int, counselors: set[int]) -> None:
        if name in plan and plan[name][0] != grade:
            raise PromotionError(
                _("The new rombel %(name)s would hold grade %(a)d and grade %(b)d; choose another name.")
                % {"name": name, "a": plan[name][0], "b": grade}
            )
        plan.setdefault(name, (grade, set()))[1].update(counselors)

    with_students = {s.rombel_id for s in students if s.pk not in retained}
    for pk, rombel in rombels.items():
        if rombel.grade >= last:
            continue
        if pk not in targets:
            if pk in with_students:
                raise PromotionError(_("Choose the new rombel for the students of %(name)s.") % {"name": rombel.name})
            continue
        want(targets[pk], rombel.grade + 1, {u.pk for u in rombel.counselors.all()})
    for student in students:
        if student.pk in retained:
            rombel = rombels[student.rombel_id]
            want(rombel.name, rombel.grade, {u.pk for u in rombel.counselors.all()})
    return plan


def _create_rombels(
    school: School, new_year: AcademicYear, plan: Mapping[str, tuple[int, set[int]]]
) -> dict[str, Rombel]:
    # The wali kelas of the new year is assigned afresh; the counselors carry over.
    rombels = Rombel.objects.bulk_create(
        [Rombel(school=school, academic_year=new_year, name=name, grade=grade) for name, (grade, _ids) in plan.items()]
    )
    created = {r.name: r for r in rombels}
    through = Rombel.counselors.through
    through.objects.bulk_create(
        [through(rombel_id=created[name].pk, user_id=uid) for name, (_grade, ids) in plan.items() for uid in ids]
    )
    caseload.changed()
    return created


def _move_students(
    students: list[Student],
    rombels: Mapping[int, Rombel],
    targets: Mapping[int, str],
    retained: Collection[int],
    created: Mapping[str, Rombel],
    from_year: AcademicYear,
    new_year: AcademicYear,
    last: int,
    graduated_on: datetime.date,
) -> tuple[int, int, int]:
    now = timezone.now()
    promoted = kept = graduated = 0
    outcomes = {}
    new_enrollments = []
    for student in students:
        old = rombels[student.rombel_id]
        if student.pk in retained:
            outcome, new_rombel = "retained", created[old.name]
            kept += 1
        elif old.grade >= last:
            outcome, new_rombel = "graduated", None
            student.status, student.left_on = Student.Status.GRADUATED, graduated_on
            graduated += 1
        else:
            outcome, new_rombel = "promoted", created[targets[old.pk]]
            promoted += 1
        outcomes[student.pk] = (old, outcome)
        student.rombel = new_rombel
        student.updated_at = now
        if new_rombel is not None:
            new_enrollments.append(
                Enrollment(student=student, academic_year=new_year, rombel=new_rombel, rombel_name=new_rombel.name)
            )
    _record_old_year(outcomes, from_year)
    Student.objects.bulk_update(students, ["rombel", "status", "left_on", "updated_at"], batch_size=500)
    caseload.rombels_left(rombels)
    Enrollment.objects.bulk_create(new_enrollments, batch_size=500)
    # A graduate's record stays in the archive; their sign-in does not.
    graduates = [pk for pk, (_old, outcome) in outcomes.items() if outcome == "graduated"]
    User.objects.filter(student__pk__in=graduates, role=Role.SISWA).update(is_active=False)
    return promoted, kept, graduated


def _record_old_year(outcomes: Mapping[int, tuple[Rombel, str]], from_year: AcademicYear) -> None:
    """One Enrollment per student for the closing year, with its outcome (an import may have made it)."""
    existing = {e.student_id: e for e in Enrollment.objects.filter(academic_year=from_year, student_id__in=outcomes)}
    to_create = []
    for student_id, (rombel, outcome) in outcomes.items():
        row = existing.get(student_id)
        if row is None:
            to_create.append(
                Enrollment(
                    student_id=student_id,
                    academic_year=from_year,
                    rombel=rombel,
                    rombel_name=rombel.name,
                    outcome=outcome,
                )
            )
        else:
            row.rombel, row.rombel_name, row.outcome = rombel, rombel.name, outcome
    Enrollment.objects.bulk_update(list(existing.values()), ["rombel", "rombel_name", "outcome"], batch_size=500)
    Enrollment.objects.bulk_create(to_create, batch_size=500)


# --- UU PDP: the right of access ---------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataExport:
    content: bytes  # the JSON file
    complete: bool
    omitted: tuple[str, ...]


def export_personal_data(
    student: Student, viewer: User, *, ip: str | None = None, user_agent: str = ""
) -> PersonalDataExport:
    """The UU PDP export file for `viewer`, gathered from every app's registered contributors
    (`core.personal_data`), and its EXPORT entry in the audit log.

    The file holds what the student may see of their own data; a viewer who may not read part of
    it (the operator: health data and counseling content) gets a file that lists what it leaves
    out under `omitted`, with `complete: false`. See docs/personal-data.md.
    """
    data = personal_data.export(student, viewer)
    omitted = tuple(data["omitted"])
    detail = "personal data (UU PDP), JSON, " + ("complete" if data["complete"] else "leaves out " + ", ".join(omitted))
    audit.record_for(viewer, audit.Action.EXPORT, student, detail, ip, user_agent)
    return PersonalDataExport(personal_data.to_json(data), data["complete"], omitted)


# --- UU PDP: erasure ---------------------------------------------------------------------------------


def request_deletion(
    student: Student, actor: User, reason: str, *, ip: str | None = None, user_agent: str = ""
) -> DeletionRequest:
    """Open a deletion request for the operator; one pending request per student is enough."""
    with transaction.atomic():
        if DeletionRequest.objects.filter(student=student, status=DeletionRequest.Status.PENDING).exists():
            raise DeletionError(_("A deletion request for this student is already waiting for the operator."))
        deletion = DeletionRequest.objects.create(
            school_id=student.school_id,
            student=student,
            student_label=masked_label(student),
            requested_by=actor,
            reason=reason.strip(),
        )
        audit.record_for(actor, audit.Action.CREATE, student, f"deletion request #{deletion.pk}", ip, user_agent)
    return deletion


def _lock_pending(deletion: DeletionRequest) -> DeletionRequest:
    locked = DeletionRequest.objects.select_for_update().filter(pk=deletion.pk).first()
    if locked is None or locked.status != DeletionRequest.Status.PENDING:
        raise DeletionError(_("This deletion request has already been decided."))
    return locked


def carry_out_deletion(
    request_obj: DeletionRequest, actor: User, *, note: str = "", ip: str | None = None, user_agent: str = ""
) -> DeletionRequest:
    """Erase the student: their record and everything hanging from it, and their account.

    Earlier audit events about the student keep their time, actor and action but lose the name
    (and the student's own addresses), so the log still shows what happened without identifying
    whom. The request stays, labelled with the masked NISN, as proof that it was carried out.
    """
    with transaction.atomic():
        deletion = _lock_pending(request_obj)
        student = Student.objects.select_for_update().filter(pk=deletion.student_id).first()
        if student is None:
            raise DeletionError(_("The student of this request no longer exists."))
        label = masked_label(student)
        user = student.user
        # Every app's erasure hook scrubs what does not cascade from the student's row (audit
        # trail, requests, pending imports); photo and attachment files go after the commit, by
        # their post_delete receivers.
        personal_data.erase(student)
        student.delete()
        if user is not None and user.role == Role.SISWA:
            # Only the student's own login goes; a staff account wrongly linked stays, unlinked.
            user.delete()
        DeletionRequest.objects.filter(pk=deletion.pk).update(
            status=DeletionRequest.Status.DONE,
            student_label=label,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=without_identity(note.strip(), student),
        )
        audit.record_for(
            actor,
            audit.Action.DELETE,
            ip=ip,
            user_agent=user_agent,
            school=deletion.school,
            detail=f"student erased ({label}), deletion request #{deletion.pk}",
        )
    deletion.refresh_from_db()
    return deletion


def reject_deletion(
    request_obj: DeletionRequest, actor: User, *, note: str = "", ip: str | None = None, user_agent: str = ""
) -> DeletionRequest:
    with transaction.atomic():
        deletion = _lock_pending(request_obj)
        deletion.status = DeletionRequest.Status.REJECTED
        deletion.decided_by = actor
        deletion.decided_at = timezone.now()
        deletion.decision_note = note.strip()
        deletion.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record_for(
            actor,
            audit.Action.CHANGE,
            deletion.student,
            ip=ip,
            user_agent=user_agent,
            school=deletion.school,
            detail=f"deletion request #{deletion.pk} rejected",
        )
    return deletion


# --- rombel export -----------------------------------------------------------------------------------


def _guardian(relation: str, attr: str) -> Callable[[Student], object]:
    def get(student: Student) -> object:
        for g in student.guardians.all():
            if g.relation == relation:
                return getattr(g, attr)
        return ""

    return get


def _basic_columns() -> list[Column]:
    return [
        (_("No."), 5, None),
        ("NISN", 13, lambda s: s.nisn),
        ("NIPD", 12, lambda s: s.nipd),
        (_("Name"), 32, lambda s: s.name),
        (_("L/P"), 5, lambda s: s.sex),
        (_("Place of birth"), 16, lambda s: s.birth_place),
        (_("Date of birth"), 13, lambda s: s.birth_date),
        (_("Religion"), 12, lambda s: s.get_religion_display() if s.religion else ""),
    ]


def _record_columns() -> list[Column]:
    father, mother, guardian = (Guardian.Relation.FATHER, Guardian.Relation.MOTHER, Guardian.Relation.GUARDIAN)
    return [
        (_("Home address"), 32, lambda s: s.address),
        ("RT", 5, lambda s: s.rt),
        ("RW", 5, lambda s: s.rw),
        (_("Hamlet"), 14, lambda s: s.dusun),
        (_("Village"), 16, lambda s: s.kelurahan),
        (_("District"), 16, lambda s: s.kecamatan),
        (_("Postal code"), 10, lambda s: s.postal_code),
        (_("Phone"), 15, lambda s: s.phone),
        (_("Mobile phone"), 15, lambda s: s.mobile),
        (_("Lives with"), 18, lambda s: s.living_with),
        (_("Transport"), 16, lambda s: s.transport),
        (_("Distance (km)"), 10, lambda s: s.distance_km),
        (_("Siblings"), 9, lambda s: s.siblings),
        (_("Birth order"), 9, lambda s: s.birth_order),
        (_("Father"), 24, _guardian(father, "name")),
        (_("Father's occupation"), 18, _guardian(father, "occupation")),
        (_("Father's phone"), 15, _guardian(father, "phone")),
        (_("Mother"), 24, _guardian(mother, "name")),
        (_("Mother's occupation"), 18, _guardian(mother, "occupation")),
        (_("Mother's phone"), 15, _guardian(mother, "phone")),
        (_("Guardian"), 24, _guardian(guardian, "name")),
        (_("Guardian's phone"), 15, _guardian(guardian, "phone")),
    ]


def rombel_students(rombel: Rombel) -> QuerySet[Student]:
    """The rombel's active students, or, for a rombel of an earlier year, those enrolled in it."""
    return (
        Student.objects.filter(Q(rombel=rombel, status=Student.Status.ACTIVE) | Q(enrollments__rombel=rombel))
        .distinct()
        .order_by("name", "pk")
    )


def save_record(
    student: Student,
    form: StudentRecordForm,
    guardians: BaseInlineFormSet,
    actor: User,
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> list[str]:
    """Save the record form and its guardian formset (both valid) in one transaction, audit what
    changed, and delete a replaced photo once the commit happened; returns the changed fields."""
    old_photo = form.initial_photo_name
    changed = [*form.changed_fields(), *guardian_changes(guardians)]
    with transaction.atomic():
        form.save()
        guardians.save()
        if changed:
            audit.record_for(actor, audit.Action.CHANGE, student, "changed: " + ", ".join(changed), ip, user_agent)
        if old_photo and student.photo.name != old_photo:
            storage = student.photo.storage
            transaction.on_commit(lambda: storage.delete(old_photo))
    return changed


def export_rombel(rombel: Rombel, actor: User, *, ip: str | None = None, user_agent: str = "") -> bytes:
    """The rombel spreadsheet for `actor` (`rombel_xlsx`), with its EXPORT line in the audit log."""
    content = rombel_xlsx(rombel, actor)
    columns = "basic and record" if policy.can(actor, "student.view_record") else "basic"
    audit.record_for(actor, audit.Action.EXPORT, rombel, f"rombel xlsx, {columns} columns", ip, user_agent)
    return content


def rombel_xlsx(rombel: Rombel, user: User) -> bytes:
    """The rombel as a spreadsheet with the columns `user` may see.

    Basic columns always; address, family and living situation only for whoever may read the whole
    buku pribadi; health notes never (a spreadsheet travels by e-mail and flash drive).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    with_record = policy.can(user, "student.view_record")
    columns = _basic_columns() + (_record_columns() if with_record else [])
    students = rombel_students(rombel)
    if with_record:
        students = students.prefetch_related("guardians")

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "-", rombel.name)[:31] or "Rombel"
    title = f"{rombel.school.name} — {_('Rombel')} {rombel.name} — {rombel.academic_year.name}"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    header_fill = PatternFill("solid", fgColor="DDEBE5")
    for col, (header, width, _get) in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=col, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    row = 2
    for row, student in enumerate(students, start=3):
        for col, (_header, _width, get) in enumerate(columns, start=1):
            value = row - 2 if get is None else get(student)
            cell = ws.cell(row=row, column=col)
            if isinstance(value, datetime.date):
                cell.value, cell.number_format = value, "DD-MM-YYYY"
            elif isinstance(value, str):
                _set_text(cell, value)
            else:
                cell.value = float(value) if isinstance(value, Decimal) else value
        # NISN and NIPD are identifiers, not numbers: text keeps their leading zeros.
        ws.cell(row=row, column=2).number_format = "@"
        ws.cell(row=row, column=3).number_format = "@"
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(row, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _set_text(cell: Cell, value: object) -> None:
    """Store text as text: openpyxl would turn "=…" into a formula that runs when the file opens."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"
