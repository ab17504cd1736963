"""Appointments' part of the UU PDP export and erasure (registered in AppointmentsConfig.ready()).

The student's own appointments are theirs: dates, counselor, medium, status, and the topic they
wrote (the topic only to a requester who may read counseling content). Erasure needs no hook: the
appointments cascade from the student's row. Availability, holidays and feeds hold no student data.
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import Appointment, AvailabilityException, CalendarFeed, SchoolHoliday, WeeklySlot

SECTION = "appointments"


def appointments(student: Any, viewer: Any) -> Any:
    with_topic = viewer is None or policy.can(viewer, "student.view_counseling", student)
    rows = []
    for a in Appointment.objects.filter(student=student).select_related("counselor"):
        row = {
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "counselor": a.counselor.get_full_name() or a.counselor.username,
            "medium": a.medium,
            "status": a.status,
            "cancel_reason": a.cancel_reason,
            "late_cancellation": a.late_cancellation,
        }
        if with_topic:
            row["topic"] = a.topic
        rows.append(row)
    if not with_topic:
        return personal_data.Partial(rows, omitted=("appointments.topic",))
    return rows


def register() -> None:
    personal_data.register_export(SECTION, appointments, models=[Appointment], order=85)
    personal_data.register_not_exported(
        [WeeklySlot, AvailabilityException, SchoolHoliday, CalendarFeed],
        "Counselor availability, the school calendar and calendar feeds hold no student's data.",
    )
