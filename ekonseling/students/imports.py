"""The student import, database side: what a parsed file would change, and writing it once confirmed.

`preview()` compares the parsed rows with the school's students and keeps the outcome in an
ImportBatch (the rows encrypted in its payload, counts in its summary); nothing else is written, so
the operator sees every create, update and bad row before anything changes. `apply()` writes a
confirmed batch in one transaction; `cancel()` drops it. The web UI and `manage.py import_students`
both go through these three.

Why it works this way:

- Students are matched by NISN within the school and nowhere else: another school's student with
  the same NISN is a different record, never read or touched.
- A record from `importing.parse` holds only the file's non-empty cells, so an empty cell never
  erases anything, and importing the same file twice finds nothing to change (but special needs, below).
- Special needs are health data that counselors keep and the operator may not read: the file fills
  them only when the record has none, and never overwrites what a counselor wrote. So that the
  preview, the applied counts and the audit detail cannot tell the operator which students already
  have special needs on record (issue 11 item 3, inference by difference), a row carrying the
  column is always an "update" of "special needs (filled only where none is recorded)", whatever
  is stored: the preview depends on the file alone for that field. `BLIND_KEYS` lists such fields.
- `apply()` compares again with the database as it is at confirmation time, and writes only what the
  operator saw: an "update" writes the previewed fields that still differ, an "unchanged" row
  writes nothing even if someone has edited the student since (that edit is newer than the file),
  and a "create" whose NISN appeared in the meantime becomes an update instead of a crash.
- The work is a fixed number of queries, however many rows (one query per kind of lookup,
  bulk_create and bulk_update for the writes), so a 2,000-student Dapodik file stays fast.
- After confirmation or cancellation the parsed rows are dropped from the batch: the personal data
  is either in the student records or not wanted, and a batch keeps only counts and the row errors.
  A preview nobody confirms is dropped the same way after PREVIEW_KEEP_DAYS.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit
from ekonseling.core.errors import ActionError
from ekonseling.core.models import School

from . import caseload, importing
from .importing import ImportFileError, RowError, rombel_grade, rombel_key
from .models import AcademicYear, Enrollment, Guardian, ImportBatch, Rombel, Student

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
PREVIEW_KEEP_DAYS = 7
PAYLOAD_VERSION = 1
BATCH_SIZE = 500

__all__ = ["ImportFileError", "ImportRefused", "apply", "build_preview", "cancel", "describe", "preview"]


class ImportRefused(ActionError):
    """A batch that may not be applied as asked (already applied, cancelled, no current academic year)."""

    code = "students.import_refused"


# Fields the operator may not read: a row carrying one is an update of it whatever is on record, and
# the stored value is only filled when empty (see the module docstring).
BLIND_KEYS = frozenset({"special_needs"})


def max_bytes() -> int:
    return getattr(settings, "STUDENT_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _size(n: int) -> str:
    if n >= 100 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def check_size(size: int) -> None:
    """The upload view asks before reading the file into memory; `preview()` asks again."""
    limit = max_bytes()
    if size > limit:
        raise ImportFileError(
            _(
                "The file is too large (%(size)s); the limit is %(limit)s. Remove the columns or worksheets "
                "you do not need, or split the file into parts."
            )
            % {"size": _size(size), "limit": _size(limit)}
        )


# --- preview ----------------------------------------------------------------------------------------------


def preview(school: School, file_bytes: bytes, filename: str, user: User | None) -> ImportBatch:
    """Parse and compare, then keep the outcome in a new ImportBatch awaiting confirmation."""
    batch = build_preview(school, file_bytes, filename, user=user)
    _expire_stale_previews(school.pk)
    batch.save()
    return batch


def build_preview(
    school: School,
    file_bytes: bytes,
    filename: str,
    *,
    user: User | None = None,
    today: datetime.date | None = None,
) -> ImportBatch:
    """The preview as an unsaved ImportBatch: nothing is written (this is what `--dry-run` shows)."""
    check_size(len(file_bytes))
    parsed = importing.parse(file_bytes, filename, today=today)
    year = _current_year(school.pk)
    state = _State.load(school.pk, year, [record["nisn"] for record in parsed.records])
    errors = list(parsed.errors)
    rows = []
    new_rombels = {}
    for record in parsed.records:
        name = record.get("rombel")
        if name and year is not None:
            key = rombel_key(name)
            if key not in state.rombels and key not in new_rombels:
                grade = rombel_grade(name)
                if grade is None:
                    errors.append(RowError(record["row"], "Rombel", _no_grade_message(name)))
                    continue
                new_rombels[key] = {"name": name, "grade": grade}
        student = state.students.get(record["nisn"])
        changes = [] if student is None else state.changes(record, student)
        action = "create" if student is None else ("update" if changes else "unchanged")
        row = {
            "row": record["row"],
            "action": action,
            "nisn": record["nisn"],
            "name": record["name"],
            "sex": record["sex"],
            "rombel": name or "",
        }
        if action != "unchanged":  # the data an unchanged row would write is not kept at all
            row["record"] = _to_json(record)
        if action == "update":
            row["changes"] = changes
        rows.append(row)
    errors.sort(key=lambda e: e.row_number)
    counts = {action: sum(1 for r in rows if r["action"] == action) for action in ("create", "update", "unchanged")}
    summary = {
        "rows": parsed.data_rows,
        **counts,
        "error_rows": len({e.row_number for e in errors}),
        "errors": len(errors),
        "new_rombels": len(new_rombels),
    }
    payload = {
        "version": PAYLOAD_VERSION,
        "header_row": parsed.header_row,
        "academic_year": year.name if year is not None else None,
        "needs_year": year is None and any(r["rombel"] for r in rows),
        "rows": rows,
        "errors": [e.as_dict() for e in errors],
        "new_rombels": list(new_rombels.values()),
        "dropped_columns": parsed.dropped_columns,
        "unknown_columns": parsed.unknown_columns,
    }
    return ImportBatch(
        school=school,
        uploaded_by=user,
        filename=filename[:255],
        file_sha256=hashlib.sha256(file_bytes).hexdigest(),
        payload=_dumps(payload),
        summary=summary,
    )


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _no_grade_message(name: str) -> str:
    return _(
        "Rombel '%(name)s' does not exist yet and its grade cannot be read from its name: create the rombel "
        "first, or start its name with the grade (X, XI, XII, VII, VIII, IX or a number)"
    ) % {"name": name}


# --- apply and cancel ---------------------------------------------------------------------------------------


def apply(batch: ImportBatch, user: User | None, *, ip: str | None = None, user_agent: str = "") -> dict:
    """Write a confirmed batch in one transaction; returns the counts. A batch applies once."""
    try:
        with transaction.atomic():
            applied = _apply(batch.pk, user, ip, user_agent)
    except IntegrityError as exc:
        # Someone created the same student (or rombel) while this transaction ran: nothing was written.
        raise ImportRefused(
            _("The student data changed while the import ran, so nothing was saved. Upload the file again.")
        ) from exc
    batch.status, batch.applied_at, batch.summary, batch.payload = (
        applied.status,
        applied.applied_at,
        applied.summary,
        applied.payload,
    )
    return applied.summary["applied"]


def cancel(batch: ImportBatch) -> None:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _refuse_unless_preview(locked)
        locked.status = ImportBatch.Status.CANCELLED
        locked.payload = _cleared(locked.payload)
        locked.save(update_fields=["status", "payload"])
    batch.status, batch.payload = locked.status, locked.payload


def _refuse_unless_preview(batch: ImportBatch) -> None:
    if batch.status == ImportBatch.Status.APPLIED:
        if batch.applied_at:
            raise ImportRefused(
                _("This import was already applied on %(when)s; the same import is not applied twice.")
                % {"when": f"{timezone.localtime(batch.applied_at):%d-%m-%Y %H:%M}"}
            )
        raise ImportRefused(_("This import was already applied; the same import is not applied twice."))
    stale = batch.created_at and batch.created_at < timezone.now() - datetime.timedelta(days=PREVIEW_KEEP_DAYS)
    if batch.status == ImportBatch.Status.CANCELLED or stale:
        raise ImportRefused(
            _(
                "This import was cancelled (or expired after %(days)d days). Upload the file again if you want "
                "to import it."
            )
            % {"days": PREVIEW_KEEP_DAYS}
        )


def _apply(batch_pk: int, user: User | None, ip: str | None, user_agent: str) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch_pk)
    _refuse_unless_preview(batch)
    payload = json.loads(batch.payload)
    planned = [
        (row["action"], set(row.get("changes", ())), _from_json(row["record"]))
        for row in payload["rows"]
        if row["action"] in ("create", "update")
    ]
    unchanged = sum(1 for row in payload["rows"] if row["action"] == "unchanged")
    school_id = batch.school_id
    year = _current_year(school_id)
    if year is None and any(record.get("rombel") for _, _, record in planned):
        raise ImportRefused(
            _(
                "No academic year is current, so the students' rombel cannot be recorded. Set the current "
                "academic year in the administration, then confirm again."
            )
        )
    state = _State.load(school_id, year, [record["nisn"] for _, _, record in planned], lock=True)

    creates, updates = [], []
    for action, previewed, record in planned:
        student = state.students.get(record["nisn"])
        if student is None:
            creates.append(record)
            continue
        changes = state.changes(record, student)
        if action == "update":
            changes = [key for key in changes if key in previewed]
        if changes:
            updates.append((student, record, changes))
        else:
            unchanged += 1

    placing = [record for record in creates if record.get("rombel")]
    placing += [record for _, record, changes in updates if "rombel" in changes]
    rombels_created = _create_rombels(school_id, year, state, placing)
    now = timezone.now()

    new_students = [_new_student(school_id, record, state) for record in creates]
    Student.objects.bulk_create(new_students, batch_size=BATCH_SIZE)
    if any(student.pk is None for student in new_students):  # backends that cannot return ids
        ids = dict(
            Student.objects.filter(school_id=school_id, nisn__in=[s.nisn for s in new_students]).values_list(
                "nisn", "pk"
            )
        )
        for student in new_students:
            student.pk = ids[student.nisn]

    changed_students, student_fields, rombels_left = [], set(), set()
    for student, record, changes in updates:
        fields = [key for key in changes if "." not in key]
        for key in fields:
            if key == "rombel":
                rombels_left.add(student.rombel_id)
                student.rombel_id = state.rombels[rombel_key(record["rombel"])][0]
            elif key in BLIND_KEYS:
                if not getattr(student, key):  # fill an empty record, never overwrite a counselor's note
                    setattr(student, key, record[key])
            else:
                setattr(student, key, record[key])
        if fields:
            student.updated_at = now
            student_fields.update(fields)
            changed_students.append(student)
    if changed_students:
        Student.objects.bulk_update(changed_students, sorted(student_fields | {"updated_at"}), batch_size=BATCH_SIZE)
        caseload.rombels_left(r for r in rombels_left if r is not None)

    touched = [(student, record, None) for student, record in zip(new_students, creates, strict=True)]
    touched += updates
    _write_guardians(state, touched)
    _write_enrollments(state, year, touched)

    applied = {
        "created": len(creates),
        "updated": len(updates),
        "unchanged": unchanged,
        "error_rows": batch.summary.get("error_rows", 0),
        "rombels_created": rombels_created,
    }
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = now
    batch.summary = {**batch.summary, "applied": applied}
    batch.payload = _cleared(batch.payload)
    batch.save(update_fields=["status", "applied_at", "summary", "payload"])
    audit.record_for(
        user,
        audit.Action.CREATE if applied["created"] else audit.Action.CHANGE,
        batch,
        ip=ip,
        user_agent=user_agent,
        detail=(
            f"student import {batch.filename}: {applied['created']} created, {applied['updated']} updated, "
            f"{applied['unchanged']} unchanged, {applied['error_rows']} rows with errors skipped, "
            f"{rombels_created} rombel created"
        ),
    )
    return batch


def _create_rombels(school_id: int, year: AcademicYear, state: _State, records: Iterable[dict]) -> int:
    missing = {}
    for record in records:
        key = rombel_key(record["rombel"])
        if key not in state.rombels:
            missing.setdefault(key, record["rombel"])
    if not missing:
        return 0
    new = []
    for name in missing.values():
        grade = rombel_grade(name)
        if grade is None:  # the preview caught this, unless the rombel was deleted since
            raise ImportRefused(_("%(reason)s. Nothing was saved.") % {"reason": _no_grade_message(name)})
        new.append(Rombel(school_id=school_id, academic_year=year, name=name, grade=grade))
    Rombel.objects.bulk_create(new)
    for rombel in Rombel.objects.filter(academic_year=year, name__in=list(missing.values())):
        state.rombels[rombel_key(rombel.name)] = (rombel.pk, rombel.name)
    return len(new)


def _new_student(school_id: int, record: dict, state: _State) -> Student:
    fields = {key: record[key] for key in importing.STUDENT_KEYS if key in record and key != "rombel"}
    student = Student(school_id=school_id, **fields)
    if record.get("rombel"):
        student.rombel_id = state.rombels[rombel_key(record["rombel"])][0]
    return student


def _write_guardians(state: _State, touched: Iterable[Touched]) -> None:
    """`touched` is (student, record, changes); changes None means a new student: everything is new."""
    new, changed, fields = [], [], set()
    for student, record, changes in touched:
        for relation, data in record.get("guardians", {}).items():
            keys = [key for key in data if changes is None or f"{relation}.{key}" in changes]
            if not keys:
                continue
            guardian = state.guardians.get((student.pk, relation))
            if guardian is None:
                new.append(Guardian(student_id=student.pk, relation=relation, **data))
                continue
            for key in keys:
                setattr(guardian, key, data[key])
            fields.update(keys)
            changed.append(guardian)
    Guardian.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        Guardian.objects.bulk_update(changed, sorted(fields), batch_size=BATCH_SIZE)


def _write_enrollments(state: _State, year: AcademicYear, touched: Iterable[Touched]) -> None:
    """The rombel of the current year, kept as history that promotion builds on."""
    new, changed = [], []
    for student, record, changes in touched:
        if not record.get("rombel") or (changes is not None and "rombel" not in changes):
            continue
        rombel_id, rombel_name = state.rombels[rombel_key(record["rombel"])]
        enrollment = state.enrollments.get(student.pk)
        if enrollment is None:
            new.append(
                Enrollment(student_id=student.pk, academic_year=year, rombel_id=rombel_id, rombel_name=rombel_name)
            )
        elif (enrollment.rombel_id, enrollment.rombel_name) != (rombel_id, rombel_name):
            enrollment.rombel_id, enrollment.rombel_name = rombel_id, rombel_name
            changed.append(enrollment)
    Enrollment.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        Enrollment.objects.bulk_update(changed, ["rombel", "rombel_name"], batch_size=BATCH_SIZE)


_KEPT_AFTER_USE = ("errors", "new_rombels", "dropped_columns", "unknown_columns")


def _cleared(payload_text: str) -> str:
    """What a finished batch keeps: counts are in the summary; the rows' personal data goes."""
    try:
        payload = json.loads(payload_text) if payload_text else {}
    except ValueError:
        payload = {}
    kept = {
        key: payload[key] for key in ("errors", "new_rombels", "dropped_columns", "unknown_columns") if key in payload
    }
    return _dumps({"version": PAYLOAD_VERSION, "cleared": True, **kept})


def scrub_student(student: Student) -> None:
    """Erasure (UU PDP): a waiting preview that holds the student is cancelled and cleared; applied
    batches lose the row errors that quote them. Called inside the erasure's transaction."""
    for batch in ImportBatch.objects.select_for_update().filter(school_id=student.school_id):
        text = batch.payload or ""
        if student.nisn not in text and student.name.lower() not in text.lower():
            continue
        if batch.status == ImportBatch.Status.PREVIEW:
            batch.status, batch.payload = ImportBatch.Status.CANCELLED, _cleared("")
        else:
            payload = json.loads(text) if text else {}
            payload["errors"] = [
                e
                for e in payload.get("errors", [])
                if student.nisn not in json.dumps(e, ensure_ascii=False)
                and student.name.lower() not in json.dumps(e, ensure_ascii=False).lower()
            ]
            batch.payload = _dumps(payload)
        batch.save(update_fields=["status", "payload"])


def _expire_stale_previews(school_id: int) -> None:
    cutoff = timezone.now() - datetime.timedelta(days=PREVIEW_KEEP_DAYS)
    stale = ImportBatch.objects.filter(school_id=school_id, status=ImportBatch.Status.PREVIEW, created_at__lt=cutoff)
    stale.update(status=ImportBatch.Status.CANCELLED, payload=_cleared(""))


# --- the database as the import sees it ------------------------------------------------------------------------


def _current_year(school_id: int) -> AcademicYear | None:
    return AcademicYear.objects.filter(school_id=school_id, is_current=True).first()


# (student, record, changes): changes None for a new student, whose every field is new.
Touched = tuple[Student, dict, set[str] | None]


class _State:
    """The school's students named in the file, their guardians and current enrollment, and the current
    year's rombel: loaded in a fixed number of queries, whatever the number of rows."""

    def __init__(
        self,
        students: dict[str, Student],
        guardians: dict[tuple[int, str], Guardian],
        enrollments: dict[int, Enrollment],
        rombels: dict[str, tuple[int, str]],
    ):
        self.students = students  # nisn -> Student
        self.guardians = guardians  # (student pk, relation) -> Guardian
        self.enrollments = enrollments  # student pk -> Enrollment of the current year
        self.rombels = rombels  # rombel_key(name) -> (pk, name), current year only

    @classmethod
    def load(cls, school_id: int, year: AcademicYear | None, nisns: Iterable[str], *, lock: bool = False) -> _State:
        queryset = Student.objects.filter(school_id=school_id, nisn__in=set(nisns)).defer("health_notes")
        prefetch = [Prefetch("guardians", to_attr="import_guardians")]
        if year is not None:
            current = Enrollment.objects.filter(academic_year=year)
            prefetch.append(Prefetch("enrollments", queryset=current, to_attr="import_enrollments"))
        if lock:
            queryset = queryset.select_for_update()
        students = {s.nisn: s for s in queryset.prefetch_related(*prefetch)} if nisns else {}
        guardians = {(s.pk, g.relation): g for s in students.values() for g in s.import_guardians}
        enrollments = {}
        for student in students.values():
            for enrollment in getattr(student, "import_enrollments", ()):
                enrollments[student.pk] = enrollment
        rombels = {}
        if year is not None:
            for pk, name in Rombel.objects.filter(academic_year=year).values_list("pk", "name"):
                rombels.setdefault(rombel_key(name), (pk, name))
        return cls(students, guardians, enrollments, rombels)

    def changes(self, record: dict, student: Student) -> list[str]:
        """The keys of `record` that differ from the database: student fields, "rombel", "ayah.name"..."""
        changes = []
        for key in importing.STUDENT_KEYS:
            if key in ("nisn", "rombel") or key not in record:
                continue
            current = getattr(student, key)
            # a blind key is listed whatever is stored: the preview must not depend on it
            if key in BLIND_KEYS or (current if current is not None else "") != record[key]:
                changes.append(key)
        if record.get("rombel"):
            target = self.rombels.get(rombel_key(record["rombel"]), (None,))[0]
            enrollment = self.enrollments.get(student.pk)
            if target is None or student.rombel_id != target or enrollment is None or enrollment.rombel_id != target:
                changes.append("rombel")
        for relation, data in record.get("guardians", {}).items():
            guardian = self.guardians.get((student.pk, relation))
            for key, value in data.items():
                current = getattr(guardian, key) if guardian is not None else None
                if (current if current is not None else "") != value:
                    changes.append(f"{relation}.{key}")
        return changes


# --- payload (de)serialisation and presentation -------------------------------------------------------------


def _to_json(record: dict) -> dict:
    out = dict(record)
    if "birth_date" in out:
        out["birth_date"] = out["birth_date"].isoformat()
    if "distance_km" in out:
        out["distance_km"] = str(out["distance_km"])
    return out


def _from_json(record: dict) -> dict:
    out = dict(record)
    if "birth_date" in out:
        out["birth_date"] = datetime.date.fromisoformat(out["birth_date"])
    if "distance_km" in out:
        out["distance_km"] = Decimal(out["distance_km"])
    return out


def change_label(key: str) -> str:
    """A changed field's name for people, in the user's language: "rombel", "Father: occupation"."""
    if key == "special_needs":
        return _("special needs (filled only where none is recorded)")
    if "." in key:
        relation, name = key.split(".", 1)
        return f"{Guardian.Relation(relation).label}: {Guardian._meta.get_field(name).verbose_name}"
    return str(Student._meta.get_field(key).verbose_name)


def describe(batch: ImportBatch) -> dict[str, Any]:
    """What the preview page and the command show of a batch, from its payload."""
    payload = json.loads(batch.payload) if batch.payload else {}
    rows = payload.get("rows", [])
    updates = [{**row, "change_labels": [change_label(key) for key in row.get("changes", ())]} for row in rows]
    return {
        "summary": batch.summary,
        "creates": [row for row in rows if row["action"] == "create"],
        "updates": [row for row in updates if row["action"] == "update"],
        "unchanged": [row for row in rows if row["action"] == "unchanged"],
        "errors": payload.get("errors", []),
        "new_rombels": payload.get("new_rombels", []),
        "dropped_columns": payload.get("dropped_columns", []),
        "unknown_columns": payload.get("unknown_columns", []),
        "academic_year": payload.get("academic_year"),
        "needs_year": payload.get("needs_year", False),
        "header_row": payload.get("header_row"),
        "cleared": payload.get("cleared", False),
    }
