"""Keyed frequency scale — AUM PTSDL (learning problems).

Every item is answered on a frequency scale (J/K/SR/U/L in the published form) and is keyed
positive or negative by the licensed manual; the definition carries both the keys and what each
scale point is worth for each key (published method: positive L→2, U→1, SR neutral, J/K a problem;
negative J→2, K→1, SR neutral, U/L a problem). Nothing about the scale is assumed here.

Per component (area), individually:
``Skor% = Σscore / (max × items) × 100`` with ``max`` the best score of one item (2 in the
published method), and ``Masalah% = problems / items × 100``. A neutral answer (SR) scores 0 and is
not a problem, yet the item still counts in ``items``: the formula's denominator is the items of the
component, not the answers that happened to score. For a group both denominators are multiplied by
N. Every item must be answered: a blank is neither neutral nor a problem, and treating it as either
would change the figures silently. The band (81–100 sangat baik … in the published form) is looked
up on Skor%.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...definition import Band, Definition, Item
from ...scoring import (
    ChoiceTally,
    Percent,
    RankedItem,
    band_of,
    percent,
    rank_items,
    read_answers,
    results_or_score,
    tally_open,
    unknown_code,
)


@dataclass(frozen=True)
class ComponentProfile:
    code: str
    name: str
    items: int
    max_item_score: int
    score: int  # Σscore
    problems: tuple[int, ...]  # item numbers answered as a problem
    neutral: tuple[int, ...]  # item numbers answered neutrally (scored 0, not a problem)
    score_percent: Percent  # Σscore / (max × items) × 100
    problem_percent: Percent  # problems / items × 100
    band: Band | None


@dataclass(frozen=True)
class IndividualResult:
    code: str
    version: str
    fingerprint: str
    respondent: str | None
    components: tuple[ComponentProfile, ...]
    score_percent: Percent  # over all items
    problem_percent: Percent
    answers: Mapping[int, str]
    open: Mapping[str, Any]


@dataclass(frozen=True)
class ComponentGroup:
    code: str
    name: str
    items: int
    n: int
    max_item_score: int
    score: int  # Σscore over the group
    problems: int  # Σproblems over the group
    score_percent: Percent  # Σscore / (max × items × N) × 100
    problem_percent: Percent  # Σproblems / (items × N) × 100
    band: Band | None


@dataclass(frozen=True)
class GroupResult:
    code: str
    version: str
    fingerprint: str
    n: int
    components: tuple[ComponentGroup, ...]
    components_ranked: tuple[ComponentGroup, ...]  # by Masalah%, highest first
    problem_ranking: tuple[RankedItem, ...]  # items by how many students answered them as a problem
    open_tallies: tuple[ChoiceTally, ...]


def score_individual(definition: Definition, answers: Mapping) -> IndividualResult:
    codes = tuple(definition.scale_by_code)

    def check(item: Item, value: Any) -> str | None:
        if value not in definition.scale_by_code:
            return unknown_code(item, value, codes)
        return None

    checked = read_answers(definition, answers, check, complete=True)
    top = definition.max_item_score
    components = []
    all_score = 0
    all_problems = 0
    for area in definition.areas:
        items = definition.items_by_area[area.code]
        score = 0
        problems, neutral = [], []
        for item in items:
            option = definition.scale_by_code[checked.items[item.number]]
            points = option.score(item.key)
            score += points
            if option.is_problem(item.key):
                problems.append(item.number)
            elif points == 0:
                neutral.append(item.number)
        figure = percent(score, top, len(items))
        components.append(
            ComponentProfile(
                code=area.code,
                name=area.name,
                items=len(items),
                max_item_score=top,
                score=score,
                problems=tuple(problems),
                neutral=tuple(neutral),
                score_percent=figure,
                problem_percent=percent(len(problems), len(items)),
                band=band_of(definition, figure),
            )
        )
        all_score += score
        all_problems += len(problems)
    total_items = len(definition.items)
    return IndividualResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        respondent=checked.respondent,
        components=tuple(components),
        score_percent=percent(all_score, top, total_items),
        problem_percent=percent(all_problems, total_items),
        answers=checked.items,
        open=checked.open,
    )


def score_group(definition: Definition, results_or_answers: Sequence) -> GroupResult:
    results = results_or_score(definition, results_or_answers, score_individual, IndividualResult)
    n = len(results)
    components = []
    for index, area in enumerate(definition.areas):
        rows = [result.components[index] for result in results]
        items = rows[0].items
        top = rows[0].max_item_score
        score = sum(row.score for row in rows)
        problems = sum(len(row.problems) for row in rows)
        figure = percent(score, top, items, n)
        components.append(
            ComponentGroup(
                code=area.code,
                name=area.name,
                items=items,
                n=n,
                max_item_score=top,
                score=score,
                problems=problems,
                score_percent=figure,
                problem_percent=percent(problems, items, n),
                band=band_of(definition, figure),
            )
        )
    problem_counts = Counter(number for result in results for row in result.components for number in row.problems)
    return GroupResult(
        code=definition.code,
        version=definition.version,
        fingerprint=definition.fingerprint,
        n=n,
        components=tuple(components),
        components_ranked=tuple(sorted(components, key=lambda row: -row.problem_percent.value)),
        problem_ranking=rank_items(definition, problem_counts, n),
        open_tallies=tally_open(definition, (result.open for result in results)),
    )
