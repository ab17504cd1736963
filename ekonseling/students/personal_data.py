"""The student record's part of the UU PDP export and erasure (registered in StudentsConfig.ready()).

Exported: the record (health notes and special needs only to a viewer who may read them, as on
the record page), rombel and counselors, photo, parents and guardians, rombel history, attendance,
the change log, deletion requests and the audit trail about the student. Erasure scrubs what does
not cascade from the student's row: audit events, deletion requests and import batches.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from django.db.models import Q

from ekonseling.accounts.models import User
from ekonseling.core import personal_data, policy
from ekonseling.core.models import AuditEvent

from .models import (
    AttendanceSummary,
    DeletionRequest,
    Enrollment,
    Guardian,
    ImportBatch,
    ProfileChange,
    Rombel,
    Student,
)

ERASED = "[dihapus]"
RECORD_EXCLUDED = {"id", "school", "user", "rombel", "photo", "counselors"}
HEALTH_FIELDS = ("health_notes", "special_needs")
# Left out with the health fields: the flag is a counselor's judgement, and the last-changed time
# moves when a hidden field changes.
COUNSELOR_SIDE_FIELDS = ("needs_attention", "updated_at")


def _value(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _may_read_health(student: Student, viewer: User | None) -> bool:
    return viewer is None or policy.can(viewer, "student.view_health", student)


# --- export ---------------------------------------------------------------------------------------------


def record(student: Student, viewer: User | None) -> Any:
    """The buku pribadi's fields; the health fields only for whoever may read them (the operator's
    copy leaves them out and says so). The same viewer gets neither the counselor's "needs
    attention" flag nor the record's last-changed time, which moves when a hidden field changes and
    so told the operator that one had (issue 11, inference by difference)."""
    with_health = _may_read_health(student, viewer)
    hidden = () if with_health else HEALTH_FIELDS + COUNSELOR_SIDE_FIELDS
    data = {}
    for f in Student._meta.concrete_fields:
        if f.name in RECORD_EXCLUDED or f.attname in RECORD_EXCLUDED:
            continue
        if f.name in hidden:
            continue
        data[f.name] = _value(getattr(student, f.attname))
    return data if with_health else personal_data.Partial(data, omitted=hidden)


def rombel(student: Student, viewer: User | None) -> dict | None:
    if not student.rombel_id:
        return None
    return {"name": student.rombel.name, "academic_year": student.rombel.academic_year.name}


def individual_counselors(student: Student, viewer: User | None) -> list[str]:
    return [u.display_name for u in student.counselors.all()]


def rombel_counselors(student: Student, viewer: User | None) -> list[str]:
    return [u.display_name for u in student.rombel.counselors.all()] if student.rombel_id else []


def photo(student: Student, viewer: User | None) -> dict | None:
    if not student.photo:
        return None
    with student.photo.open("rb") as fh:
        content = fh.read()
    return {"content_type": "image/jpeg", "base64": base64.b64encode(content).decode("ascii")}


def guardians(student: Student, viewer: User | None) -> list[dict]:
    return [
        {
            "relation": g.relation,
            "name": g.name,
            "birth_year": g.birth_year,
            "education": g.education,
            "occupation": g.occupation,
            "income": g.income,
            "phone": g.phone,
        }
        for g in student.guardians.all()
    ]


def enrollments(student: Student, viewer: User | None) -> list[dict]:
    return [
        {"academic_year": e.academic_year.name, "rombel": e.rombel_name, "outcome": e.outcome}
        for e in student.enrollments.select_related("academic_year")
    ]


def attendance(student: Student, viewer: User | None) -> list[dict]:
    rows = student.attendance.select_related("semester__academic_year").order_by(
        "semester__academic_year__starts_on", "semester__number"
    )
    return [{"semester": str(a.semester), "sick": a.sick, "permitted": a.permitted, "absent": a.absent} for a in rows]


def profile_changes(student: Student, viewer: User | None) -> list[dict]:
    return [
        {"time": c.created_at, "field": c.field, "old": c.old_value, "new": c.new_value}
        for c in student.profile_changes.all()
    ]


def deletion_requests(student: Student, viewer: User | None) -> list[dict]:
    return [
        {"time": r.created_at, "status": r.status, "reason": r.reason}
        for r in student.deletion_requests.all().order_by("created_at")
    ]


def _events_about(student: Student):
    about = Q(object_type=Student._meta.label, object_id=str(student.pk))
    if student.user_id:
        about |= Q(object_type=User._meta.label, object_id=str(student.user_id)) | Q(actor_id=student.user_id)
    return AuditEvent.objects.filter(about, school_id=student.school_id)


def audit_events(student: Student, viewer: User | None) -> list[dict]:
    """Who read, changed or exported the record or the account, and what the student did."""
    trail = []
    for event in _events_about(student).order_by("created_at", "id"):
        row = {
            "time": event.created_at,
            "by": event.actor_name,
            "action": event.action,
            "object": event.object_type,
            "detail": event.detail,
        }
        if student.user_id and event.actor_id == student.user_id:
            # The student's own sign-ins: their address and browser are their data too.
            row["ip_address"] = event.ip_address
            row["user_agent"] = event.user_agent
        trail.append(row)
    return trail


# --- erasure --------------------------------------------------------------------------------------------


def without_identity(text: str, student: Student) -> str:
    # Whole words only: erasing "Adi" must not touch "Adinda", another student.
    for word in (student.name, student.nisn):
        if word:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", ERASED, text, flags=re.IGNORECASE)
    return text


def masked_label(student: Student) -> str:
    """What stays of the student after erasure: the last four NISN digits, enough to answer "was
    my request carried out?" without keeping the number."""
    return f"NISN ****{student.nisn[-4:]}"


def scrub_audit_trail(student: Student) -> None:
    """Events about the student keep time, actor and action, but no longer name them."""
    events = AuditEvent.objects.filter(school_id=student.school_id)
    events.filter(object_type=Student._meta.label, object_id=str(student.pk)).update(object_repr=ERASED)
    if student.user_id:
        events.filter(object_type=User._meta.label, object_id=str(student.user_id)).update(object_repr=ERASED)
        events.filter(actor_id=student.user_id).update(actor_name=ERASED, ip_address=None, user_agent="")
    # Free-text details written elsewhere (an import, a note) may name the student too.
    named = events.filter(Q(detail__icontains=student.name) | Q(detail__contains=student.nisn))
    for event in named.only("pk", "detail"):
        AuditEvent.objects.filter(pk=event.pk).update(detail=without_identity(event.detail, student))


def scrub_requests(student: Student) -> None:
    """The requests outlive the student: their reasons and notes must not name them."""
    for row in DeletionRequest.objects.filter(student=student):
        row.reason = without_identity(row.reason, student)
        row.decision_note = without_identity(row.decision_note, student)
        row.student_label = masked_label(student)
        row.save(update_fields=["reason", "decision_note", "student_label"])


def scrub_imports(student: Student) -> None:
    """An import batch may still hold the student's row (a preview) or quote it (a row error)."""
    from .imports import scrub_student

    scrub_student(student)


# --- registration ---------------------------------------------------------------------------------------


def register() -> None:
    personal_data.register_subject(Student, account_field="user")
    sections = [
        ("student", record, [Student]),
        ("rombel", rombel, [Rombel]),
        ("individual_counselors", individual_counselors, []),
        ("rombel_counselors", rombel_counselors, []),
        ("photo", photo, []),
        ("guardians", guardians, [Guardian]),
        ("enrollments", enrollments, [Enrollment]),
        ("attendance", attendance, [AttendanceSummary]),
        ("profile_changes", profile_changes, [ProfileChange]),
        ("deletion_requests", deletion_requests, [DeletionRequest]),
        ("audit_events", audit_events, [AuditEvent]),
    ]
    for order, (name, contributor, models) in enumerate(sections, start=10):
        personal_data.register_export(name, contributor, models=models, order=order)
    personal_data.register_not_exported(
        [ImportBatch],
        "An operator's upload between preview and confirmation; the student's row in it becomes the "
        "record, which is exported. Erasure clears the student from it.",
    )
    personal_data.register_not_erased(
        [Rombel],
        "A class group of the school, linked to staff (wali kelas, counselors); the student's place in "
        "it is a key on the student's row and enrollments, which go with the student.",
    )
    personal_data.register_erasure("students.audit_trail", scrub_audit_trail, models=[AuditEvent])
    personal_data.register_erasure("students.deletion_requests", scrub_requests, models=[DeletionRequest])
    personal_data.register_erasure("students.import_batches", scrub_imports, models=[ImportBatch])
