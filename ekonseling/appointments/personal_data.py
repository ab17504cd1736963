"""Appointments' part of the UU PDP export and erasure (registered in AppointmentsConfig.ready()).

The student's own appointments are theirs: dates, counselor, medium, status, and the topic they
wrote, and what they wrote in a group session's chat (never the others' messages); nothing of it to
a requester who may not read counseling content. Erasure needs no hook: the appointments and the
student's group-chat messages cascade from the student's row. Availability, holidays and feeds hold no student data.
"""

from __future__ import annotations

from typing import Any

from ekonseling.core import personal_data, policy

from .models import (
    Appointment,
    AvailabilityException,
    CalendarFeed,
    CallSession,
    GroupChatMessage,
    GroupMember,
    SchoolHoliday,
    WeeklySlot,
)

SECTION = "appointments"


def appointments(student: Any, viewer: Any) -> Any:
    """That a student sees BK is confidential: a requester who may not read counseling content
    (the operator) gets no section at all, and the file says so, with or without appointments."""
    if viewer is not None and not policy.can(viewer, "student.view_counseling", student):
        return personal_data.Partial(None, omitted=(SECTION,))
    calls = {c.appointment_id: c for c in CallSession.objects.filter(appointment__student=student)}
    chats: dict[int, list[dict]] = {}
    for message in GroupChatMessage.objects.filter(student=student).order_by("appointment_id", "seq"):
        chats.setdefault(message.appointment_id, []).append({"at": message.created_at, "body": message.body})
    rows = [
        {
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "counselor": a.counselor.get_full_name() or a.counselor.username,
            "medium": a.medium,
            "topic": a.topic,
            "status": a.status,
            "cancel_reason": a.cancel_reason,
            "late_cancellation": a.late_cancellation,
            "call_started_at": calls[a.pk].started_at if a.pk in calls else None,
            "call_ended_at": calls[a.pk].ended_at if a.pk in calls else None,
            **({"my_group_chat_messages": chats[a.pk]} if a.pk in chats else {}),
        }
        for a in Appointment.objects.filter(student=student).select_related("counselor")
    ]
    # Group sessions the student was a member of: when and with whom, never the other students.
    for member in GroupMember.objects.filter(student=student).select_related("appointment__counselor"):
        a = member.appointment
        rows.append(
            {
                "starts_at": a.starts_at,
                "ends_at": a.ends_at,
                "counselor": a.counselor.get_full_name() or a.counselor.username,
                "medium": a.medium,
                "status": a.status,
                "group_session": True,
                **({"my_group_chat_messages": chats[a.pk]} if a.pk in chats else {}),
            }
        )
    return rows


def register() -> None:
    models = [Appointment, CallSession, GroupMember, GroupChatMessage]
    personal_data.register_export(SECTION, appointments, models=models, order=85)
    personal_data.register_not_exported(
        [WeeklySlot, AvailabilityException, SchoolHoliday, CalendarFeed],
        "Counselor availability, the school calendar and calendar feeds hold no student's data.",
    )
