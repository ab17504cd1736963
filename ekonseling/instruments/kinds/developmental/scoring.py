"""Developmental levels — ITP (Inventori Tugas Perkembangan), as ATP analyses it.

Each item offers statements keyed to a level (1 Impulsif … 7 Otonomi in the published inventory;
the definition's ``levels`` say how many and their names). The student picks one statement per
item; every item must be answered, since a blank has no level.

Aspect level = the mean of the chosen statements' levels, **rounded half up** (4.5 → 5). Why half
up: it is what a counselor gets by hand and with a spreadsheet's ROUND, so a printed profile can be
checked; Python's ``round`` rounds half to even (4.5 → 4, 5.5 → 6), which would treat two equally
"half-way" students differently depending on the level. The exact mean is kept next to the rounded
level so a report can show both.

An aspect whose level is below the definition's target for it (``targets`` or the default
``target_level``, e.g. 5 Seksama for SMA) is a developmental task not yet achieved ("tugas
perkembangan yang perlu dikembangkan"). Group profile over N students: per aspect, the number and
percentage (``count / N × 100``) of students at each level, and the students below target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any

from ...definition import Definition, Item
from ...scoring import ChoiceTally, Percent, percent, read_answers, results_or_score, tally_open, unknown_option


def round_half_up(value: Fraction) -> int:
    """Exact half-up rounding of a non-negative Fraction (levels are never negative)."""
    return floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class AspectProfile:
    code: str
    name: str
    item_levels: tuple[tuple[int, int], ...]  # (item number, level of the chosen statement)
    mean: Fraction  # Σlevels / items, exact
    level: int  # mean rounded half up
    level_name: str
    target: int
    below_target: bool


@dataclass(frozen=True)
class IndividualResult:
    code: str
    version: str
    fingerprint: str
    respondent: str | None
    aspects: tuple[AspectProfile, ...]
    tasks: tuple[str, ...]  # aspect codes below target, in definition order
    open: Mapping[str, Any]


@dataclass(frozen=True)
class LevelShare:
    level: int
    name: str
    count: int
    percent: Percent  # count / N × 100


@dataclass(frozen=True)
class AspectGroup:
    code: str
    name: str
    n: int
    target: int
    distribution: tuple[LevelShare, ...]  # every level of the definition, lowest first
    below_target: Percent  # students below target / N × 100
    below_respondents: tuple[str | None, ...]


@dataclass(frozen=True)
class GroupResult:
    code: str
    version: str
    fingerprint: str
    n: int
    aspects: tuple[AspectGroup, ...]
    tasks: tuple[AspectGroup, ...]  # aspects with students below target, most students first
    open_tallies: tuple[ChoiceTally, ...]


def score_individual(definition: Definition, answers: Mapping) -> IndividualResult:
    def check(item: Item, value: Any) -> str | None:
        if value not in item.options_by_code:
            return unknown_option(item, value)
        return None

    checked = read_answers(definition, answers, check, complete=True)
    aspects = []
    for area in definition.areas:
        items = definition.items_by_area[area.code]
        levels = tuple((item.number, item.options_by_code[checked.items[item.number]].level) for item in items)
        mean = Fraction(sum(level for _, level in levels), len(levels))
        level = round_half_up(mean)
        target = definition.target_for(area.code)
        aspects.append(
            AspectProfile(
                code=area.code,
                name=area.name,
                item_levels=levels,
                mean=mean,
                level=level,
                level_name=definition.level_names[level],
                target=target,
                below_target=level < target,
            )
        )
    return IndividualResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        respondent=checked.respondent,
        aspects=tuple(aspects),
        tasks=tuple(aspect.code for aspect in aspects if aspect.below_target),
        open=checked.open,
    )


def score_group(definition: Definition, results_or_answers: Sequence) -> GroupResult:
    results = results_or_score(definition, results_or_answers, score_individual, IndividualResult)
    n = len(results)
    aspects = []
    for index, area in enumerate(definition.areas):
        rows = [result.aspects[index] for result in results]
        distribution = tuple(
            LevelShare(level.value, level.name, count, percent(count, n))
            for level in definition.levels
            for count in [sum(1 for row in rows if row.level == level.value)]
        )
        below = tuple(result.respondent for result, row in zip(results, rows, strict=True) if row.below_target)
        aspects.append(
            AspectGroup(
                code=area.code,
                name=area.name,
                n=n,
                target=rows[0].target,
                distribution=distribution,
                below_target=percent(len(below), n),
                below_respondents=below,
            )
        )
    tasks = sorted((aspect for aspect in aspects if aspect.below_target.numerator), key=lambda a: -a.below_target.value)
    return GroupResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        n=n,
        aspects=tuple(aspects),
        tasks=tuple(tasks),
        open_tallies=tally_open(definition, (result.open for result in results)),
    )
