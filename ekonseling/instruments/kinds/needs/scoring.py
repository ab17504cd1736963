"""Yes/no needs — AKPD / IKMS (needs assessment, the start of the BK program in POP BK 2016).

Each item is a need the student answers "ya" or "tidak"; every item must be answered (a blank is
not a "tidak"). Areas carry a bidang (pribadi, sosial, belajar, karier).

Individually: per area and per bidang, ``ya / items × 100`` and the items answered "ya".
Group over N: ``item % = ya / N × 100``; ``bidang % = Σya / (items_in_bidang × N) × 100`` (the same
per area); items ranked per bidang by the number of "ya" (ties in item order) — the top items become
the topics of the annual program. Bands, when the definition has any, apply to area and bidang %.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...definition import NO, YES, Band, Definition, Item
from ...scoring import (
    ChoiceTally,
    Percent,
    RankedItem,
    band_of,
    not_yes_no,
    percent,
    rank_items,
    read_answers,
    results_or_score,
    tally_open,
)


@dataclass(frozen=True)
class Share:
    """``ya`` answers over ``items`` (× N for a group), for an area or a bidang."""

    code: str
    name: str
    items: int
    yes: int
    percent: Percent
    band: Band | None


@dataclass(frozen=True)
class IndividualResult:
    code: str
    version: str
    fingerprint: str
    respondent: str | None
    areas: tuple[Share, ...]
    bidang: tuple[Share, ...]
    yes_items: tuple[int, ...]
    open: Mapping[str, Any]


@dataclass(frozen=True)
class ItemNeed:
    number: int
    area: str
    bidang: str
    text: str
    yes: int
    percent: Percent  # ya / N × 100


@dataclass(frozen=True)
class GroupResult:
    code: str
    version: str
    fingerprint: str
    n: int
    items: tuple[ItemNeed, ...]  # every item, in definition order
    areas: tuple[Share, ...]  # Σya / (items × N) × 100
    bidang: tuple[Share, ...]  # Σya / (items_in_bidang × N) × 100
    ranking: Mapping[str, tuple[RankedItem, ...]]  # bidang → its items with at least one "ya", most first
    open_tallies: tuple[ChoiceTally, ...]


def _check(item: Item, value: Any) -> str | None:
    if value not in (YES, NO):
        return not_yes_no(item, value)
    return None


def _shares(definition: Definition, yes: Counter, n: int | None) -> tuple[tuple[Share, ...], tuple[Share, ...]]:
    """Area and bidang shares from per-item "ya" counts; ``n`` is None for one student (no × N)."""
    group = (n,) if n is not None else ()
    areas = []
    for area in definition.areas:
        numbers = [item.number for item in definition.items_by_area[area.code]]
        count = sum(yes[number] for number in numbers)
        figure = percent(count, len(numbers), *group)
        areas.append(Share(area.code, area.name, len(numbers), count, figure, band_of(definition, figure)))
    bidang = []
    for name in definition.bidang_codes():
        rows = [share for share, area in zip(areas, definition.areas, strict=True) if area.bidang == name]
        items = sum(row.items for row in rows)
        count = sum(row.yes for row in rows)
        figure = percent(count, items, *group)
        bidang.append(Share(name, name, items, count, figure, band_of(definition, figure)))
    return tuple(areas), tuple(bidang)


def score_individual(definition: Definition, answers: Mapping) -> IndividualResult:
    checked = read_answers(definition, answers, _check, complete=True)
    yes_items = tuple(number for number, value in checked.items.items() if value == YES)
    areas, bidang = _shares(definition, Counter(yes_items), None)
    return IndividualResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        respondent=checked.respondent,
        areas=areas,
        bidang=bidang,
        yes_items=yes_items,
        open=checked.open,
    )


def score_group(definition: Definition, results_or_answers: Sequence) -> GroupResult:
    results = results_or_score(definition, results_or_answers, score_individual, IndividualResult)
    n = len(results)
    yes = Counter(number for result in results for number in result.yes_items)
    areas, bidang = _shares(definition, yes, n)
    items = tuple(
        ItemNeed(
            item.number,
            item.area,
            definition.areas_by_code[item.area].bidang,
            item.text,
            yes[item.number],
            percent(yes[item.number], n),
        )
        for item in definition.items
    )
    ranked = rank_items(definition, yes, n)
    ranking = {
        name: tuple(row for row in ranked if definition.areas_by_code[row.area].bidang == name)
        for name in definition.bidang_codes()
    }
    return GroupResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        n=n,
        items=items,
        areas=areas,
        bidang=bidang,
        ranking=ranking,
        open_tallies=tally_open(definition, (result.open for result in results)),
    )
