"""The counselor's ICS feed. A calendar leaves the school's control (phones, cloud calendars), so an
event carries only "Konseling (initials)" and the medium: never a name in full, never the topic."""

import datetime

from django.utils import timezone

from .models import Appointment

SHOWN = (Appointment.Status.REQUESTED, Appointment.Status.PROPOSED, Appointment.Status.CONFIRMED)


def initials(name):
    return "".join(part[0].upper() for part in (name or "").split() if part[:1].isalpha())[:3] or "?"


def _stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text):
    return str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_for(counselor, now=None):
    now = now or timezone.now()
    rows = Appointment.objects.filter(
        counselor=counselor, status__in=SHOWN, starts_at__gte=now - datetime.timedelta(days=30)
    ).select_related("student")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//E-Konseling//Jadwal//ID", "CALSCALE:GREGORIAN"]
    for a in rows:
        status = "CONFIRMED" if a.status == Appointment.Status.CONFIRMED else "TENTATIVE"
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{a.pk}@e-konseling",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(a.starts_at)}",
            f"DTEND:{_stamp(a.ends_at)}",
            f"SUMMARY:{_escape(f'Konseling ({initials(a.student.name)}) – {a.get_medium_display()}')}",
            f"STATUS:{status}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
