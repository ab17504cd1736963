"""Service records' part of the UU PDP export and erasure (registered in RecordsConfig.ready()).

The section `service_records` lists the services the student took part in (date, service, field,
medium, counselor, topic, how many took part) and their own Laiseg answers with their plan. The
counselor's notes (what happened, result, follow-up) are counselor-side, as case notes are, and
never in the file. A staff requester who may not read the student's counseling (the operator)
gets nothing of it, and the file says so.

Erasure: a service the student received alone goes whole (its notes are about them); from a group
or a rombel the student's participation and Laiseg go (they cascade with the student's row), and
their name is scrubbed from the group's topic and notes.
"""

from __future__ import annotations

import re
from typing import Any

from ekonseling.core import personal_data, policy

from .models import Laiseg, Participation, Scope, ServiceRecord

SECTION = "service_records"
SCRUBBED = "[dihapus]"


def service_records(student: Any, viewer: Any) -> Any:
    if viewer is not None and not policy.can(viewer, "student.view_counseling", student):
        return personal_data.Partial(None, omitted=(SECTION,))
    laisegs = {laiseg.record_id: laiseg for laiseg in Laiseg.objects.filter(student=student)}
    records = (
        ServiceRecord.objects.filter(participations__student=student).select_related("counselor").order_by("date", "pk")
    )
    exported = []
    for record in records:
        entry = {
            "date": record.date,
            "service": str(record.get_service_type_display()),
            "field": str(record.get_bidang_display()),
            "medium": str(record.get_medium_display()),
            "who_took_part": str(record.get_scope_display()),
            "duration_minutes": record.duration_minutes,
            "topic": record.topic,
            "counselor": record.counselor.display_name if record.counselor else "",
        }
        laiseg = laisegs.get(record.pk)
        if laiseg is not None:
            entry["laiseg"] = {
                "requested_at": laiseg.requested_at,
                "answered_at": laiseg.answered_at,
                "understanding": laiseg.understanding,
                "comfort": laiseg.comfort,
                "action": laiseg.action,
                "plan": laiseg.plan,
            }
        exported.append(entry)
    return exported


def erase(student: Any) -> None:
    alone = ServiceRecord.objects.filter(scope=Scope.STUDENT, participations__student=student)
    ServiceRecord.objects.filter(pk__in=list(alone.values_list("pk", flat=True))).delete()
    names = [re.escape(part) for part in (student.name, student.nisn) if part]
    pattern = re.compile("|".join(names), re.IGNORECASE) if names else None
    shared = ServiceRecord.objects.filter(participations__student=student).distinct()
    for record in shared:
        changed = []
        for name in ("topic", *ServiceRecord.NARRATIVE):
            value = getattr(record, name)
            if pattern is not None and value and pattern.search(value):
                setattr(record, name, pattern.sub(SCRUBBED, value)[: 200 if name == "topic" else None])
                changed.append(name)
        if changed:
            record.save(update_fields=changed)


def register() -> None:
    personal_data.register_export(SECTION, service_records, models=[ServiceRecord, Participation, Laiseg], order=80)
    personal_data.register_erasure("records.services", erase, models=[ServiceRecord], order=50)
