"""Office hours as pure functions: open or not, the next opening, and the line a student reads."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from ekonseling.counseling import office_hours
from ekonseling.counseling.models import OfficeHours
from ekonseling.counseling.office_hours import Interval, describe, is_open, next_opening

JAKARTA = ZoneInfo("Asia/Jakarta")
T = datetime.time
WEEKDAYS_7_15 = [Interval(day, T(7), T(15)) for day in range(5)]  # Monday–Friday 07.00–15.00


def at(year, month, day, hour, minute=0, zone=JAKARTA):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


# 2026-07-13 is a Monday.
MONDAY = (2026, 7, 13)
FRIDAY = (2026, 7, 17)
SATURDAY = (2026, 7, 18)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(*MONDAY, 6, 59), False),
        (at(*MONDAY, 7, 0), True),  # the start is inside
        (at(*MONDAY, 14, 59), True),
        (at(*MONDAY, 15, 0), False),  # the end is not
        (at(*SATURDAY, 10), False),
    ],
)
def test_is_open(moment, expected):
    assert is_open(WEEKDAYS_7_15, moment) is expected


def test_is_open_reads_the_time_in_jakarta():
    # 00:30 UTC on Monday is 07:30 in Jakarta.
    assert is_open(WEEKDAYS_7_15, at(*MONDAY, 0, 30, zone=datetime.UTC))
    # 08:30 UTC on Monday is 15:30 in Jakarta: closed.
    assert not is_open(WEEKDAYS_7_15, at(*MONDAY, 8, 30, zone=datetime.UTC))


def test_next_opening_is_now_while_open():
    moment = at(*MONDAY, 9)
    assert next_opening(WEEKDAYS_7_15, moment) == moment


def test_next_opening_before_the_start_is_the_same_day():
    assert next_opening(WEEKDAYS_7_15, at(*MONDAY, 5)) == at(*MONDAY, 7)


def test_next_opening_after_the_end_is_the_next_day():
    assert next_opening(WEEKDAYS_7_15, at(*MONDAY, 15)) == at(2026, 7, 14, 7)


def test_next_opening_over_the_weekend_is_monday():
    assert next_opening(WEEKDAYS_7_15, at(*FRIDAY, 16)) == at(2026, 7, 20, 7)
    assert next_opening(WEEKDAYS_7_15, at(*SATURDAY, 10)) == at(2026, 7, 20, 7)


def test_next_opening_with_one_day_a_week_is_a_week_later():
    hours = [Interval(0, T(9), T(10))]
    assert next_opening(hours, at(*MONDAY, 10, 30)) == at(2026, 7, 20, 9)


def test_next_opening_with_two_intervals_a_day():
    hours = [Interval(0, T(13), T(15)), Interval(0, T(7), T(10))]
    assert next_opening(hours, at(*MONDAY, 11)) == at(*MONDAY, 13)
    assert not is_open(hours, at(*MONDAY, 11))


def test_next_opening_returns_an_aware_datetime_in_jakarta():
    opening = next_opening(WEEKDAYS_7_15, at(*SATURDAY, 10))
    assert opening.utcoffset() == datetime.timedelta(hours=7)


def test_no_hours_means_no_opening():
    assert next_opening([], at(*MONDAY, 9)) is None
    assert not is_open([], at(*MONDAY, 9))


def test_an_overnight_or_empty_row_is_ignored():
    # The form refuses these; a row that got in anyway must not make the counselor look open.
    hours = [Interval(0, T(22), T(6)), Interval(1, T(8), T(8))]
    assert not is_open(hours, at(*MONDAY, 23))
    assert next_opening(hours, at(*MONDAY, 23)) is None


def test_several_counselors_union():
    hours = [Interval(0, T(7), T(9)), Interval(0, T(8), T(12))]
    assert is_open(hours, at(*MONDAY, 11))
    assert next_opening(hours, at(*MONDAY, 6)) == at(*MONDAY, 7)


def test_describe_folds_consecutive_days():
    with translation.override("en"):
        assert describe(WEEKDAYS_7_15 + [Interval(5, T(7), T(12))]) == (
            "Monday–Friday 7 a.m.–3 p.m.; Saturday 7 a.m.–noon"
        )
    with translation.override("id"):
        assert describe(WEEKDAYS_7_15) == "Senin–Jumat 7.00–15.00"


def test_describe_does_not_fold_days_with_a_gap():
    with translation.override("id"):
        assert describe([Interval(0, T(7), T(8)), Interval(2, T(7), T(8))]) == "Senin 7.00–8.00; Rabu 7.00–8.00"
    assert describe([]) == ""


def test_notice(settings):
    notice = office_hours.notice(WEEKDAYS_7_15, at(*SATURDAY, 10))
    assert notice["has_hours"] and not notice["open_now"]
    assert notice["next_opening"] == at(2026, 7, 20, 7)
    assert office_hours.notice([], at(*SATURDAY, 10)) == {
        "has_hours": False,
        "hours": "",
        "open_now": False,
        "next_opening": None,
    }


def test_hours_for_a_conversation(world):
    from ekonseling.counseling import services

    OfficeHours.objects.create(counselor=world.gurubk, weekday=0, starts_at=T(7), ends_at=T(9))
    OfficeHours.objects.create(counselor=world.gurubk_other, weekday=1, starts_at=T(7), ends_at=T(9))
    OfficeHours.objects.create(counselor=world.koordinator, weekday=2, starts_at=T(7), ends_at=T(9))
    conversation = services.start_conversation(world.student)

    # Unclaimed: the counselors who serve the student (gurubk, through rombel_a).
    assert [h.weekday for h in office_hours.hours_for(conversation)] == [0]

    conversation.counselor = world.koordinator
    assert [h.weekday for h in office_hours.hours_for(conversation)] == [2]
