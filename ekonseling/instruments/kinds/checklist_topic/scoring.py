"""Checklist by topic — DCM (Daftar Cek Masalah).

The student ticks the problems they have; topics (the definition's areas) are grouped by bidang.
Individually ``topic % = ticked / items_in_topic × 100`` and the bidang roll-up is
``Σticked / Σitems × 100`` over the bidang's topics (the sum of ticks over the sum of items, not a
mean of topic percentages, so a small topic does not weigh as much as a large one). For a group of
N: ``topic % = Σticked / (items × N) × 100`` and ``bidang % = Σticked / (Σitems × N) × 100``.

Critical items (e.g. thoughts of suicide) are listed separately, with who ticked them, whatever the
percentages say: a single tick must reach the counselor at once, it must not drown in an average.
Bands (configurable; sources disagree) come from the definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
class TopicProfile:
    code: str
    name: str
    bidang: str
    items: int
    ticked: tuple[int, ...]
    percent: Percent  # ticked / items × 100
    band: Band | None


@dataclass(frozen=True)
class BidangProfile:
    bidang: str
    items: int  # Σitems of its topics
    ticked: int
    percent: Percent  # Σticked / Σitems × 100


@dataclass(frozen=True)
class IndividualResult:
    code: str
    version: str
    fingerprint: str
    respondent: str | None
    topics: tuple[TopicProfile, ...]
    bidang: tuple[BidangProfile, ...]
    overall: Percent
    critical_ticked: tuple[int, ...]  # critical items this student ticked: alert the counselor
    open: Mapping[str, Any]

    @property
    def ticked(self) -> tuple[int, ...]:
        return tuple(number for topic in self.topics for number in topic.ticked)


@dataclass(frozen=True)
class TopicGroup:
    code: str
    name: str
    bidang: str
    items: int
    n: int
    total: int  # Σticked
    percent: Percent  # Σticked / (items × N) × 100
    band: Band | None


@dataclass(frozen=True)
class BidangGroup:
    bidang: str
    items: int
    n: int
    total: int
    percent: Percent  # Σticked / (Σitems × N) × 100


@dataclass(frozen=True)
class CriticalAlert:
    number: int
    text: str
    respondents: tuple[str | None, ...]  # who ticked it (None when answers were anonymous)

    @property
    def count(self) -> int:
        return len(self.respondents)


@dataclass(frozen=True)
class GroupResult:
    code: str
    version: str
    fingerprint: str
    n: int
    topics: tuple[TopicGroup, ...]
    bidang: tuple[BidangGroup, ...]
    overall: Percent
    item_ranking: tuple[RankedItem, ...]
    critical: tuple[CriticalAlert, ...]  # only critical items ticked by at least one student
    open_tallies: tuple[ChoiceTally, ...]


def score_individual(definition: Definition, answers: Mapping) -> IndividualResult:
    checked = read_answers(definition, answers, check_tick, complete=False)
    ticked = {number for number, value in checked.items.items() if value}
    topics = []
    for area in definition.areas:
        numbers = [item.number for item in definition.items_by_area[area.code]]
        topic_ticked = tuple(n for n in numbers if n in ticked)
        figure = percent(len(topic_ticked), len(numbers))
        topics.append(
            TopicProfile(
                area.code, area.name, area.bidang, len(numbers), topic_ticked, figure, band_of(definition, figure)
            )
        )
    bidang = []
    for name in definition.bidang_codes():
        rows = [topic for topic in topics if topic.bidang == name]
        items = sum(row.items for row in rows)
        count = sum(len(row.ticked) for row in rows)
        bidang.append(BidangProfile(name, items, count, percent(count, items)))
    return IndividualResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        respondent=checked.respondent,
        topics=tuple(topics),
        bidang=tuple(bidang),
        overall=percent(len(ticked), len(definition.items)),
        critical_ticked=tuple(number for number in definition.critical_items if number in ticked),
        open=checked.open,
    )


def score_group(definition: Definition, results_or_answers: Sequence) -> GroupResult:
    results = results_or_score(definition, results_or_answers, score_individual, IndividualResult)
    n = len(results)
    topics = []
    for index, area in enumerate(definition.areas):
        rows = [result.topics[index] for result in results]
        items = rows[0].items
        total = sum(len(row.ticked) for row in rows)
        figure = percent(total, items, n)
        topics.append(
            TopicGroup(area.code, area.name, area.bidang, items, n, total, figure, band_of(definition, figure))
        )
    bidang = []
    for name in definition.bidang_codes():
        rows = [topic for topic in topics if topic.bidang == name]
        items = sum(row.items for row in rows)
        total = sum(row.total for row in rows)
        bidang.append(BidangGroup(name, items, n, total, percent(total, items, n)))
    ticks = Counter(number for result in results for number in result.ticked)
    critical = tuple(
        CriticalAlert(
            number,
            definition.items_by_number[number].text,
            tuple(result.respondent for result in results if number in result.critical_ticked),
        )
        for number in definition.critical_items
        if ticks[number]
    )
    return GroupResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        n=n,
        topics=tuple(topics),
        bidang=tuple(bidang),
        overall=percent(sum(ticks.values()), len(definition.items), n),
        item_ranking=rank_items(definition, ticks, n),
        critical=critical,
        open_tallies=tally_open(definition, (result.open for result in results)),
    )
