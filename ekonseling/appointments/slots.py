"""Free slots: a counselor's weekly slots and extra hours, less days off, school holidays, the
past and what is booked. Times are the school's wall-clock times (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import Appointment, AvailabilityException, SchoolHoliday, WeeklySlot

DAYS_AHEAD = 14
MIN_NOTICE = datetime.timedelta(hours=1)


def _aware(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_default_timezone())


def _cut(day, starts_at, ends_at, minutes):
    """Sessions of `minutes` from `starts_at` while they fit before `ends_at`: (start, end) pairs."""
    if not minutes or minutes <= 0 or ends_at <= starts_at:
        return []
    start, end, step = _aware(day, starts_at), _aware(day, ends_at), datetime.timedelta(minutes=minutes)
    out = []
    while start + step <= end:
        out.append((start, start + step))
        start += step
    return out


def offered(counselor, first_day, days=DAYS_AHEAD):
    """Every session the counselor's availability offers from `first_day` for `days` days, booked or not."""
    last_day = first_day + datetime.timedelta(days=days - 1)
    weekly = list(WeeklySlot.objects.filter(counselor=counselor))
    exceptions = list(AvailabilityException.objects.filter(counselor=counselor, date__range=(first_day, last_day)))
    closed = set(
        SchoolHoliday.objects.filter(school_id=counselor.school_id, date__range=(first_day, last_day)).values_list(
            "date", flat=True
        )
    )
    off = {e.date for e in exceptions if e.kind == AvailabilityException.Kind.OFF}
    sessions = set()
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        if day in closed or day in off:
            continue
        for slot in weekly:
            if slot.weekday == day.weekday():
                sessions.update(_cut(day, slot.starts_at, slot.ends_at, slot.session_minutes))
        for extra in exceptions:
            if (
                extra.date == day
                and extra.kind == AvailabilityException.Kind.EXTRA
                and extra.starts_at
                and extra.ends_at
            ):
                sessions.update(_cut(day, extra.starts_at, extra.ends_at, extra.session_minutes))
    return sorted(sessions)


def free(counselor, now=None, days=DAYS_AHEAD):
    """The sessions a student may request: offered, at least MIN_NOTICE ahead, and not taken."""
    now = now or timezone.now()
    first_day = timezone.localtime(now, timezone.get_default_timezone()).date()
    sessions = [s for s in offered(counselor, first_day, days) if s[0] >= now + MIN_NOTICE]
    if not sessions:
        return []
    taken = set(
        Appointment.objects.filter(
            counselor=counselor, status__in=Appointment.ACTIVE, starts_at__range=(sessions[0][0], sessions[-1][0])
        ).values_list("starts_at", flat=True)
    )
    return [s for s in sessions if s[0] not in taken]


def session_at(counselor, starts_at, now=None):
    """The free session starting at `starts_at`, or None."""
    for start, end in free(counselor, now):
        if start == starts_at:
            return start, end
    return None
