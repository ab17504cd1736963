"""The program's figures: the year's calendar (months × items) and the realisation report
(planned vs done, by bidang and month). An item is done when at least one service record is linked
to it; the principal's recap is these counts and nothing else (no topic, no record, no name)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from ekonseling.core import registry
from ekonseling.records.models import Bidang

from .models import MONTH_CHOICES, SCHOOL_MONTHS, Program, ProgramItem, ProgramVersion

MONTH_NAMES = dict(MONTH_CHOICES)


@dataclass
class Cell:
    planned: int = 0
    done: int = 0

    @property
    def percent(self) -> int | None:
        return round(self.done * 100 / self.planned) if self.planned else None


@dataclass
class Realisation:
    version: ProgramVersion
    months: list[tuple[int, str]]
    rows: list[tuple[str, str, list[Cell], Cell]] = field(default_factory=list)  # bidang, label, per month, total
    month_totals: list[Cell] = field(default_factory=list)
    total: Cell = field(default_factory=Cell)
    records: int = 0  # service records linked (one record may carry out two items: counted once)


def items_of(version: ProgramVersion, semester: int | None = None):
    items = version.items.select_related("rombel")
    if semester == 1:
        items = items.filter(month__gte=7)
    elif semester == 2:
        items = items.filter(month__lte=6)
    return items


def months_of(semester: int | None) -> list[tuple[int, str]]:
    months = SCHOOL_MONTHS[:6] if semester == 1 else SCHOOL_MONTHS[6:] if semester == 2 else SCHOOL_MONTHS
    return [(month, str(MONTH_NAMES[month])) for month in months]


def calendar(version: ProgramVersion, semester: int | None = None) -> dict:
    """The year as rows of bidang and columns of months, each cell the items planned there (by week)."""
    months = months_of(semester)
    index = {month: i for i, (month, _label) in enumerate(months)}
    grid = {code: [[] for _m in months] for code in Bidang.values}
    for item in items_of(version, semester).order_by("month", "week", "pk"):
        grid[item.bidang][index[item.month]].append(item)
    holidays = [[] for _m in months]
    year = version.program.academic_year
    for day in registry.school_calendar(version.school_id, year.starts_on, year.ends_on):
        if day.date.month in index:
            holidays[index[day.date.month]].append(day)
    return {
        "months": months,
        "rows": [(code, label, grid[code]) for code, label in Bidang.choices],
        "holidays": holidays,
        "has_holidays": any(holidays),
    }


def realisation(version: ProgramVersion, semester: int | None = None) -> Realisation:
    months = months_of(semester)
    index = {month: i for i, (month, _label) in enumerate(months)}
    report = Realisation(version, months)
    cells = {code: [Cell() for _m in months] for code in Bidang.values}
    record_ids = set()
    for item in items_of(version, semester).prefetch_related("realisations"):
        cell = cells[item.bidang][index[item.month]]
        cell.planned += 1
        linked = [link.record_id for link in item.realisations.all()]
        if linked:
            cell.done += 1
            record_ids.update(linked)
    report.month_totals = [Cell() for _m in months]
    for code, label in Bidang.choices:
        total = Cell(sum(c.planned for c in cells[code]), sum(c.done for c in cells[code]))
        report.rows.append((code, str(label), cells[code], total))
        for i, c in enumerate(cells[code]):
            report.month_totals[i].planned += c.planned
            report.month_totals[i].done += c.done
    report.total = Cell(sum(c.planned for c in report.month_totals), sum(c.done for c in report.month_totals))
    report.records = len(record_ids)
    return report


def current_program(school_id: int) -> Program | None:
    """The program of the current academic year, the newest if there are several; else the school's newest."""
    # One query: the current year's programs sort first (a program's year is never null).
    return (
        Program.objects.filter(school_id=school_id)
        .order_by(F("academic_year__is_current").desc(), "-created_at", "-pk")
        .first()
    )


def items_with_status(version: ProgramVersion, semester: int | None = None) -> list[ProgramItem]:
    items = list(items_of(version, semester).prefetch_related("realisations").order_by("month", "week", "pk"))
    items.sort(key=lambda item: (SCHOOL_MONTHS.index(item.month), item.week or 0, item.pk))
    return items
