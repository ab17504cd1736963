"""Sociometric analysis from the choices each student RECEIVED (pure Python, no Django).

The known mistake of existing BK software is to compute a student's index from the choices they
*made* (every respondent then looks alike: everyone made three). Here every individual index
counts what the classmates gave the student:

- ``C_j``: how many classmates chose j (positively), ``R_j``: how many rejected j;
- ``S_j``: the weighted score received, a choice of rank r weighing ``k − r + 1`` (3-2-1 for k = 3);
- choice status ``IP = C_j / (N − 1)``, rejection status ``IK = R_j / (N − 1)``, balance
  ``(C_j − R_j) / (N − 1)``, with N the members of the group (respondents or not);
- group cohesion = mutual positive pairs / (N(N − 1)/2), tension = mutual rejections / (N(N − 1)/2).

Categories, each with its rule (the thresholds are shown with the result):

- bintang (star): chosen at least once and ``S_j ≥ mean(S) + SD(S)`` and ``S_j > mean(S)``;
- ditolak (rejected): ``R_j ≥ max(2, mean(R) + SD(R))``;
- terisolir (isolate): nobody chose them (``C_j = 0``) and not ditolak;
- diabaikan (neglected): chosen (``C_j ≥ 1``) but ``S_j ≤ mean(S) − SD(S)`` and ``S_j < mean(S)``,
  not ditolak, not bintang.

When every score is equal nobody is a star or neglected: the strict comparison with the mean.

Structures: mutual pairs, mutual rejections, contradictory pairs (one chooses, the other rejects),
triangles (three students all choosing each other), cliques (maximal groups of three or more all
choosing each other, Bron–Kerbosch), and first-choice chains (A's first choice is B, B's is C, ...
starting from a student nobody chose first, ending at a mutual first choice or a student who named
nobody; three students or more).

SD is the population standard deviation over the N members. Fractions keep the indices exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

STAR, REJECTED, ISOLATE, NEGLECTED = "bintang", "ditolak", "terisolir", "diabaikan"
CATEGORIES = (STAR, REJECTED, ISOLATE, NEGLECTED)
MIN_REJECTED = 2  # one classmate's rejection alone never marks a student "ditolak"


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    sex: str = ""  # "L" or "P"
    number: int = 0  # the number in the sociomatrix (absen); 0: by position


@dataclass(frozen=True)
class Pick:
    """One choice (positive) or rejection (not positive) made by `chooser` of `chosen` at `rank`."""

    chooser: int
    chosen: int
    rank: int
    positive: bool = True


@dataclass
class StudentIndex:
    id: int
    number: int
    name: str
    sex: str
    chosen_by: int = 0  # C_j
    score: int = 0  # S_j (weighted, received)
    rejected_by: int = 0  # R_j
    rejection_score: int = 0  # weighted rejections received
    first_choices: int = 0  # how many chose j first
    made: int = 0  # choices j made (shown, never used in j's indices)
    rejections_made: int = 0
    responded: bool = False
    choice_status: Fraction = Fraction(0)  # IP
    rejection_status: Fraction = Fraction(0)  # IK
    balance: Fraction = Fraction(0)
    categories: list[str] = field(default_factory=list)
    mutual: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Thresholds:
    mean_score: float
    sd_score: float
    mean_rejected: float
    sd_rejected: float

    @property
    def star(self) -> float:
        return self.mean_score + self.sd_score

    @property
    def neglected(self) -> float:
        return self.mean_score - self.sd_score

    @property
    def rejected(self) -> float:
        return max(MIN_REJECTED, self.mean_rejected + self.sd_rejected)


@dataclass
class Analysis:
    choices: int  # k
    rejections: int
    members: list[StudentIndex]
    matrix: dict[tuple[int, int], tuple[int, bool]]  # (chooser, chosen) -> (rank, positive)
    thresholds: Thresholds
    mutual_pairs: list[tuple[int, int]]
    mutual_rejections: list[tuple[int, int]]
    contradictory: list[tuple[int, int]]  # (chooser, rejector): chooser chose, the other rejected
    triangles: list[tuple[int, int, int]]
    cliques: list[tuple[int, ...]]
    chains: list[tuple[int, ...]]
    cohesion: Fraction
    tension: Fraction

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def respondents(self) -> int:
        return sum(1 for m in self.members if m.responded)

    def by_id(self) -> dict[int, StudentIndex]:
        return {m.id: m for m in self.members}

    def in_category(self, category: str) -> list[StudentIndex]:
        return [m for m in self.members if category in m.categories]


def weight(rank: int, choices: int) -> int:
    """The weight of a choice at `rank` of `choices`: 3-2-1 for three choices; 0 out of range."""
    return choices - rank + 1 if 1 <= rank <= choices else 0


def _mean_sd(values: Sequence[int]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def clean_picks(
    members: Sequence[Member], picks: Iterable[Pick], choices: int, rejections: int | None = None
) -> dict[tuple[int, int], Pick]:
    """The picks that count: both students members, not oneself, the rank within 1..choices, one
    pick per (chooser, chosen) (the best rank wins; a choice wins over a rejection of the same
    rank), one name per (chooser, rank, kind): the first given."""
    ids = {m.id for m in members}
    kept: dict[tuple[int, int], Pick] = {}
    taken: set[tuple[int, int, bool]] = set()
    ordered = sorted(picks, key=lambda p: (p.chooser, p.rank, not p.positive))  # stable: first given wins
    for pick in ordered:
        if pick.chooser not in ids or pick.chosen not in ids or pick.chooser == pick.chosen:
            continue
        if not 1 <= pick.rank <= (choices if pick.positive or rejections is None else rejections):
            continue
        key = (pick.chooser, pick.chosen)
        slot = (pick.chooser, pick.rank, pick.positive)
        if key in kept or slot in taken:
            continue
        kept[key] = pick
        taken.add(slot)
    return kept


def analyse(
    members: Sequence[Member],
    picks: Iterable[Pick],
    choices: int = 3,
    respondents: Iterable[int] | None = None,
    rejections: int | None = None,
) -> Analysis:
    """The whole analysis of one criterion of one survey. `respondents`: the members who answered
    (a respondent may have named nobody under this criterion); by default those who named someone.
    `rejections`: how many rejections were asked (their weights run from it down to 1); by default
    as many as choices."""
    if choices < 1:
        raise ValueError("choices must be at least 1")
    ordered = list(members)
    index = {
        m.id: StudentIndex(m.id, m.number or position, m.name, m.sex) for position, m in enumerate(ordered, start=1)
    }
    rejections = choices if rejections is None else rejections
    matrix_picks = clean_picks(ordered, picks, choices, rejections)
    chosen_sets: dict[int, set[int]] = {m.id: set() for m in ordered}  # who j chose
    rejected_sets: dict[int, set[int]] = {m.id: set() for m in ordered}
    first: dict[int, int] = {}
    for (chooser, chosen), pick in matrix_picks.items():
        giver, receiver = index[chooser], index[chosen]
        giver.responded = True
        w = weight(pick.rank, choices if pick.positive else rejections)
        if pick.positive:
            giver.made += 1
            receiver.chosen_by += 1
            receiver.score += w
            chosen_sets[chooser].add(chosen)
            if pick.rank == 1:
                receiver.first_choices += 1
                first[chooser] = chosen
        else:
            giver.rejections_made += 1
            receiver.rejected_by += 1
            receiver.rejection_score += w
            rejected_sets[chooser].add(chosen)

    for student_id in respondents or ():
        if student_id in index:
            index[student_id].responded = True
    n = len(ordered)
    others = max(n - 1, 1)
    for s in index.values():
        s.choice_status = Fraction(s.chosen_by, others)
        s.rejection_status = Fraction(s.rejected_by, others)
        s.balance = Fraction(s.chosen_by - s.rejected_by, others)

    scores = [s.score for s in index.values()]
    received_rejections = [s.rejected_by for s in index.values()]
    mean_s, sd_s = _mean_sd(scores)
    mean_r, sd_r = _mean_sd(received_rejections)
    thresholds = Thresholds(mean_s, sd_s, mean_r, sd_r)
    eps = 1e-9
    for s in index.values():
        star = s.chosen_by >= 1 and s.score > mean_s + eps and s.score >= thresholds.star - eps
        rejected = s.rejected_by >= 1 and s.rejected_by >= thresholds.rejected - eps
        if star:
            s.categories.append(STAR)
        if rejected:
            s.categories.append(REJECTED)
        if not rejected and s.chosen_by == 0:
            s.categories.append(ISOLATE)
        elif (
            not rejected
            and not star
            and s.chosen_by >= 1
            and s.score < mean_s - eps
            and s.score <= thresholds.neglected + eps
        ):
            s.categories.append(NEGLECTED)

    position = {m.id: i for i, m in enumerate(ordered)}

    def pair(a: int, b: int) -> tuple[int, int]:
        return (a, b) if position[a] < position[b] else (b, a)

    mutual = sorted(
        {pair(a, b) for a, chosen in chosen_sets.items() for b in chosen if a in chosen_sets[b]},
        key=lambda p: (position[p[0]], position[p[1]]),
    )
    mutual_rej = sorted(
        {pair(a, b) for a, rejected in rejected_sets.items() for b in rejected if a in rejected_sets[b]},
        key=lambda p: (position[p[0]], position[p[1]]),
    )
    contradictory = sorted(
        ((a, b) for a, chosen in chosen_sets.items() for b in chosen if a in rejected_sets[b]),
        key=lambda p: (position[p[0]], position[p[1]]),
    )
    neighbours: dict[int, set[int]] = {m.id: set() for m in ordered}
    for a, b in mutual:
        neighbours[a].add(b)
        neighbours[b].add(a)
        index[a].mutual.append(b)
        index[b].mutual.append(a)
    for s in index.values():
        s.mutual.sort(key=position.__getitem__)

    def by_position(group: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(group, key=position.__getitem__))

    triangles = sorted(
        {by_position((a, b, c)) for a, b in mutual for c in neighbours[a] & neighbours[b] if c not in (a, b)},
        key=lambda t: [position[x] for x in t],
    )
    cliques = sorted(
        (by_position(c) for c in _maximal_cliques(neighbours) if len(c) >= 3),
        key=lambda c: (-len(c), [position[x] for x in c]),
    )
    chains = _first_choice_chains(ordered, first)
    total_pairs = Fraction(n * (n - 1), 2) if n > 1 else Fraction(1)
    return Analysis(
        choices=choices,
        rejections=rejections,
        members=[index[m.id] for m in ordered],
        matrix={key: (p.rank, p.positive) for key, p in matrix_picks.items()},
        thresholds=thresholds,
        mutual_pairs=mutual,
        mutual_rejections=mutual_rej,
        contradictory=contradictory,
        triangles=triangles,
        cliques=cliques,
        chains=chains,
        cohesion=Fraction(len(mutual)) / total_pairs if n > 1 else Fraction(0),
        tension=Fraction(len(mutual_rej)) / total_pairs if n > 1 else Fraction(0),
    )


def _maximal_cliques(neighbours: dict[int, set[int]]) -> list[set[int]]:
    """Bron–Kerbosch with pivoting; iterative enough for a class (N ≤ 60, sparse graph)."""
    found: list[set[int]] = []

    def expand(r: set[int], p: set[int], x: set[int]) -> None:
        if not p and not x:
            found.append(r)
            return
        pivot = max(p | x, key=lambda u: len(neighbours[u] & p))
        for v in list(p - neighbours[pivot]):
            expand(r | {v}, p & neighbours[v], x & neighbours[v])
            p = p - {v}
            x = x | {v}

    expand(set(), {v for v in neighbours if neighbours[v]}, set())
    return found


def _first_choice_chains(ordered: Sequence[Member], first: dict[int, int]) -> list[tuple[int, ...]]:
    first_chosen = set(first.values())
    chains = []
    for m in ordered:
        if m.id in first_chosen or m.id not in first:
            continue
        path = [m.id]
        current = m.id
        while current in first:
            nxt = first[current]
            if nxt in path:
                break
            path.append(nxt)
            if first.get(nxt) == current:  # a mutual first choice ends the chain
                break
            current = nxt
        if len(path) >= 3:
            chains.append(tuple(path))
    return chains


# --- comparisons ---------------------------------------------------------------------------------------


@dataclass
class CriteriaRow:
    id: int
    number: int
    name: str
    per_criterion: list[StudentIndex | None]


def compare_criteria(analyses: Sequence[Analysis]) -> dict:
    """One row per student with their indices under each criterion, the students whose category
    differs between criteria, and how many mutual pairs the criteria share."""
    if not analyses:
        return {"rows": [], "shared_mutual": 0, "differs": []}
    ids = [m.id for m in analyses[0].members]
    maps = [a.by_id() for a in analyses]
    rows = [CriteriaRow(i, maps[0][i].number, maps[0][i].name, [mp.get(i) for mp in maps]) for i in ids]
    differs = [row.id for row in rows if len({tuple(s.categories) if s else () for s in row.per_criterion}) > 1]
    shared = set(analyses[0].mutual_pairs)
    for a in analyses[1:]:
        shared &= set(a.mutual_pairs)
    return {"rows": rows, "shared_mutual": len(shared), "differs": differs}


@dataclass
class OverTimeRow:
    id: int
    name: str
    before: StudentIndex | None
    after: StudentIndex | None

    @property
    def status_change(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        return self.after.choice_status - self.before.choice_status

    @property
    def left(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [c for c in self.before.categories if c not in self.after.categories]

    @property
    def entered(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [c for c in self.after.categories if c not in self.before.categories]


def compare_over_time(before: Analysis, after: Analysis) -> dict:
    """Two surveys of one rombel: per student the choice status then and now (IP, comparable when N
    or k differ), the categories left and entered; the group's cohesion and tension then and now."""
    a, b = before.by_id(), after.by_id()
    order = [m.id for m in after.members] + [m.id for m in before.members if m.id not in b]
    rows = [OverTimeRow(i, (b.get(i) or a[i]).name, a.get(i), b.get(i)) for i in order]
    return {
        "rows": rows,
        "cohesion": (before.cohesion, after.cohesion),
        "tension": (before.tension, after.tension),
        "no_longer_isolated": [r.id for r in rows if ISOLATE in r.left],
        "newly_isolated": [r.id for r in rows if ISOLATE in r.entered],
        "newly_rejected": [r.id for r in rows if REJECTED in r.entered],
    }
