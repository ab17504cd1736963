"""Office hours: when a counselor usually answers, so a student who writes outside them is told
when to expect a reply instead of wondering whether anyone read the message.

`is_open`, `next_opening` and `describe` are pure functions over rows with `weekday` (0 = Monday),
`starts_at` and `ends_at` (OfficeHours instances or anything shaped like them), so they are tested
without a database. Times are the school's wall-clock times (settings.TIME_ZONE, Asia/Jakarta).
An interval is half-open, [starts_at, ends_at), and never crosses midnight: the form refuses an
end at or before the start, and a row that has one anyway is ignored here rather than guessed at.
"""

import datetime
from collections import namedtuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format

from .models import OfficeHours

Interval = namedtuple("Interval", "weekday starts_at ends_at")


def _valid(hours):
    return [h for h in hours if h.ends_at > h.starts_at and 0 <= h.weekday <= 6]


def _local(at):
    return timezone.localtime(at, timezone.get_default_timezone())


def is_open(hours, at):
    """Whether any row covers the moment `at` (an aware datetime)."""
    local = _local(at)
    moment, weekday = local.time(), local.weekday()
    return any(h.weekday == weekday and h.starts_at <= moment < h.ends_at for h in _valid(hours))


def next_opening(hours, at):
    """The earliest moment at or after `at` inside office hours: `at` itself while open, the next
    start otherwise, or None when no hours are set (the counselor then answers when they can)."""
    rows = _valid(hours)
    if not rows:
        return None
    if is_open(rows, at):
        return at
    local, zone = _local(at), timezone.get_default_timezone()
    # Eight days: today's later intervals, six other weekdays, and today's weekday a week on.
    for offset in range(8):
        day = local.date() + datetime.timedelta(days=offset)
        for start in sorted(h.starts_at for h in rows if h.weekday == day.weekday()):
            candidate = timezone.make_aware(datetime.datetime.combine(day, start), zone)
            if candidate > at:
                return candidate
    return None  # not reached: every weekday recurs within eight days


def describe(hours):
    """Office hours in a line, consecutive days with the same times folded together:
    "Monday–Friday 7.00–15.00; Saturday 7.00–12.00" (day names and times in the active language)."""
    by_day = {}
    for h in sorted(_valid(hours), key=lambda h: (h.weekday, h.starts_at)):
        by_day.setdefault(h.weekday, []).append((h.starts_at, h.ends_at))
    groups = []  # [first day, last day, intervals]
    for weekday in sorted(by_day):
        intervals = tuple(by_day[weekday])
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == intervals:
            groups[-1][1] = weekday
        else:
            groups.append([weekday, weekday, intervals])
    parts = []
    for first, last, intervals in groups:
        days = str(WEEKDAYS[first]) if first == last else f"{WEEKDAYS[first]}–{WEEKDAYS[last]}"
        times = ", ".join(f"{time_format(start)}–{time_format(end)}" for start, end in intervals)
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def hours_for(conversation):
    """The hours that tell a student when a reply may come: those of the counselor handling the
    conversation, or, while nobody has claimed it, those of every counselor who serves the student
    (any of them may answer). One query."""
    if conversation.counselor_id:
        rows = OfficeHours.objects.filter(counselor_id=conversation.counselor_id)
    else:
        student = conversation.student
        serving = Q(counselor__caseload_students=student)
        if student.rombel_id:
            serving |= Q(counselor__caseload_rombels=student.rombel_id)
        rows = OfficeHours.objects.filter(serving, counselor__is_active=True)
    return [Interval(h.weekday, h.starts_at, h.ends_at) for h in rows.distinct()]


def notice(hours, at=None):
    """What the student is told: the hours, whether they are open now, and when to expect a reply."""
    at = at or timezone.now()
    opening = next_opening(hours, at)
    return {
        "has_hours": opening is not None,
        "hours": describe(hours),
        "open_now": opening is not None and opening == at,
        "next_opening": opening,
    }


def save_own(formset, counselor) -> None:
    """Save a counselor's valid office-hours formset (its queryset is theirs) in one transaction."""
    with transaction.atomic():
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            row.counselor = counselor
            row.save()
