"""Checklist with heavy items — AUM Umum (Alat Ungkap Masalah).

The student ticks every item that troubles them now, then marks among the *ticked* items those
felt as very heavy; a heavy item that was not ticked is an inconsistent form and is rejected rather
than silently counted (or dropped), because the counselor must see the paper form again.

Individual, per area: ``J`` = ticked items, ``% = J / items_in_area × 100``, the ticked and heavy
item numbers; overall ``% = all ticked / all items × 100``. Group over N students, per area:
``R`` the lowest individual J, ``T`` the highest, ``J`` the sum, ``P% = J / (items_in_area × N) ×
100``, ``M = J / N``, and the same sum and mean for heavy items; items and heavy items ranked by
``f`` and ``f / N × 100``; areas ranked by P%; the tally of the open choice questions ("whom would
you like to talk to"). Denominators are always *items* (× N), never the number of ticks: the
percentage of all ticks is a known mistake of existing software. Bands come from the definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...definition import Band, Definition
from ...scoring import (
    ChoiceTally,
    Percent,
    RankedItem,
    band_of,
    check_tick,
    percent,
    rank_items,
    read_answers,
    results_or_score,
    tally_open,
)


@dataclass(frozen=True)
class AreaProfile:
    code: str
    name: str
    items: int
    ticked: tuple[int, ...]
    heavy: tuple[int, ...]
    percent: Percent  # J / items × 100
    band: Band | None

    @property
    def count(self) -> int:
        """J: ticked items in the area."""
        return len(self.ticked)


@dataclass(frozen=True)
class IndividualResult:
    code: str
    version: str
    fingerprint: str
    respondent: str | None
    areas: tuple[AreaProfile, ...]
    overall: Percent  # all ticked / all items × 100
    heavy_overall: Percent  # all heavy / all items × 100
    open: Mapping[str, Any]

    @property
    def ticked(self) -> tuple[int, ...]:
        return tuple(number for area in self.areas for number in area.ticked)

    @property
    def heavy(self) -> tuple[int, ...]:
        return tuple(number for area in self.areas for number in area.heavy)


@dataclass(frozen=True)
class AreaGroup:
    code: str
    name: str
    items: int
    n: int
    lowest: int  # R
    highest: int  # T
    total: int  # J
    percent: Percent  # P% = J / (items × N) × 100
    mean: Fraction  # M = J / N
    heavy_total: int
    heavy_mean: Fraction  # heavy J / N
    band: Band | None


@dataclass(frozen=True)
class GroupResult:
    code: str
    version: str
    fingerprint: str
    n: int
    areas: tuple[AreaGroup, ...]
    areas_ranked: tuple[AreaGroup, ...]  # by P%, highest first; ties in definition order
    overall: Percent  # Σ ticked / (all items × N) × 100
    item_ranking: tuple[RankedItem, ...]
    heavy_ranking: tuple[RankedItem, ...]
    open_tallies: tuple[ChoiceTally, ...]


def score_individual(definition: Definition, answers: Mapping) -> IndividualResult:
    checked = read_answers(definition, answers, check_tick, complete=False, heavy_allowed=True)
    ticked = {number for number, value in checked.items.items() if value}
    heavy = set(checked.heavy)
    areas = []
    for area in definition.areas:
        numbers = [item.number for item in definition.items_by_area[area.code]]
        area_ticked = tuple(n for n in numbers if n in ticked)
        figure = percent(len(area_ticked), len(numbers))
        areas.append(
            AreaProfile(
                code=area.code,
                name=area.name,
                items=len(numbers),
                ticked=area_ticked,
                heavy=tuple(n for n in numbers if n in heavy),
                percent=figure,
                band=band_of(definition, figure),
            )
        )
    total_items = len(definition.items)
    return IndividualResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        respondent=checked.respondent,
        areas=tuple(areas),
        overall=percent(len(ticked), total_items),
        heavy_overall=percent(len(heavy), total_items),
        open=checked.open,
    )


def score_group(definition: Definition, results_or_answers: Sequence) -> GroupResult:
    results = results_or_score(definition, results_or_answers, score_individual, IndividualResult)
    n = len(results)
    areas = []
    for index, area in enumerate(definition.areas):
        rows = [result.areas[index] for result in results]
        counts = [row.count for row in rows]
        total = sum(counts)
        heavy_total = sum(len(row.heavy) for row in rows)
        items = rows[0].items
        figure = percent(total, items, n)
        areas.append(
            AreaGroup(
                code=area.code,
                name=area.name,
                items=items,
                n=n,
                lowest=min(counts),
                highest=max(counts),
                total=total,
                percent=figure,
                mean=Fraction(total, n),
                heavy_total=heavy_total,
                heavy_mean=Fraction(heavy_total, n),
                band=band_of(definition, figure),
            )
        )
    ranked = sorted(areas, key=lambda row: -row.percent.value)  # sorted() is stable: ties keep order
    ticks = Counter(number for result in results for number in result.ticked)
    heavy = Counter(number for result in results for number in result.heavy)
    return GroupResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        n=n,
        areas=tuple(areas),
        areas_ranked=tuple(ranked),
        overall=percent(sum(ticks.values()), len(definition.items), n),
        item_ranking=rank_items(definition, ticks, n),
        heavy_ranking=rank_items(definition, heavy, n),
        open_tallies=tally_open(definition, (result.open for result in results)),
    )
