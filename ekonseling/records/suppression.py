"""Small-count suppression for aggregates the principal sees, so that no student can be singled
out and nothing hidden comes back by difference.

A table is a set of cells (any hashable keys) and additive relations `total = sum(parts)` (a row
and its total, a column and its total, the same month total shared by two tables...). A count
under the threshold is hidden ("<5"): the *primary* suppression. Where counts are of what
students wrote or answered, zero is hidden too (a zero says "nobody"). Then, as long as a reader
who knows every shown number, every relation and the rule itself (a "<5" is 1–4, or 0–4 where
zero is hidden; a "*" is 0 or at least 5, since 1–4 would show "<5") could still work a hidden
cell out — by linear algebra over the relations or by narrowing its bounds to one value ("5, <5,
total 9" gives 4) — one more cell of the relation that pins it is hidden: the *complementary*
suppression, shown "*" (the smallest count, else a shown zero).

Pure Python; the tests check the result against a brute-force reader on small tables.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

THRESHOLD = 5
SMALL = "<5"
COMPLEMENT = "*"

Key = Hashable
Relation = tuple[Key, Sequence[Key]]


@dataclass(frozen=True)
class Shown:
    """What a cell shows: its count, or SMALL / COMPLEMENT when hidden."""

    value: int
    text: str

    @property
    def hidden(self) -> bool:
        return self.text in (SMALL, COMPLEMENT)

    def __str__(self) -> str:
        return self.text


def _primary(value: int, hide_zero: bool, threshold: int) -> bool:
    return value < threshold and (value > 0 or hide_zero)


def bounds(
    values: dict[Key, int], hidden: dict[Key, str], hide_zero: set[Key], threshold: int = THRESHOLD
) -> dict[Key, tuple[float, float]]:
    """What a reader knows of each cell before using the relations: a shown count exactly, a "<5"
    between 1 (0 where zero is hidden) and threshold - 1, a "*" at least the threshold."""
    known = {}
    for key, value in values.items():
        if key not in hidden:
            known[key] = (value, value)
        elif hidden[key] == SMALL:
            known[key] = (0 if key in hide_zero else 1, threshold - 1)
        else:
            known[key] = (0, math.inf)
    return known


def narrowed(
    known: dict[Key, tuple[float, float]],
    relations: Sequence[Relation],
    gapped: Iterable[Key] = (),
    threshold: int = THRESHOLD,
) -> dict[Key, tuple[float, float]]:
    """The bounds after propagating every relation to a fixed point (interval reasoning). A `gapped`
    cell (a "*") is 0 or at least the threshold: 1–4 would have shown "<5"."""
    gapped = set(gapped)
    lo = {k: v[0] for k, v in known.items()}
    hi = {k: v[1] for k, v in known.items()}

    def tighten(key: Key, new_lo: float, new_hi: float) -> bool:
        if key in gapped:
            if 0 < new_lo < threshold:
                new_lo = threshold
            if new_hi < threshold:
                new_hi = min(new_hi, 0)
        if (new_lo, new_hi) == (lo[key], hi[key]):
            return False
        lo[key], hi[key] = new_lo, new_hi
        return True

    for _round in range(200):
        changed = False
        for total, parts in relations:
            # total = sum(parts)
            changed |= tighten(
                total, max(lo[total], sum(lo[p] for p in parts)), min(hi[total], sum(hi[p] for p in parts))
            )
            for part in parts:
                others_lo = sum(lo[p] for p in parts if p != part)
                others_hi = sum(hi[p] for p in parts if p != part)
                changed |= tighten(part, max(lo[part], lo[total] - others_hi), min(hi[part], hi[total] - others_lo))
        if not changed:
            break
    return {k: (lo[k], hi[k]) for k in known}


def determined(values: dict[Key, int], hidden: Iterable[Key], relations: Sequence[Relation]) -> set[Key]:
    """The hidden cells that the relations fix as linear functions of the shown cells."""
    unknown = [k for k in values if k in set(hidden)]
    index = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in relations:
        row = [Fraction(0)] * len(unknown)
        for key, sign in [(total, -1), *((p, 1) for p in parts)]:
            if key in index:
                row[index[key]] += sign
        if any(row):
            rows.append(row)
    # Reduced row echelon form; a variable is determined when a row is that variable alone.
    pivot_row = 0
    for col in range(len(unknown)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        pivot = rows[pivot_row][col]
        rows[pivot_row] = [x / pivot for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    found = set()
    for row in rows[:pivot_row]:
        nonzero = [i for i, x in enumerate(row) if x != 0]
        if len(nonzero) == 1:
            found.add(unknown[nonzero[0]])
    return found


def exposed(
    values: dict[Key, int],
    hidden: dict[Key, str],
    relations: Sequence[Relation],
    hide_zero: set[Key],
    threshold: int = THRESHOLD,
) -> set[Key]:
    """The small counts ("<5") a reader can work out exactly. (A "*" worked out reveals nothing the
    rule protects: it is 0 where zero is shown, or at least 5.)"""
    small = {k for k, text in hidden.items() if text == SMALL}
    found = determined(values, hidden, relations) & small
    gapped = [k for k, text in hidden.items() if text == COMPLEMENT]
    known = narrowed(bounds(values, hidden, hide_zero, threshold), relations, gapped, threshold)
    found |= {k for k in small if known[k][0] == known[k][1]}
    return found


def suppress(
    values: dict[Key, int],
    relations: Sequence[Relation] = (),
    *,
    hide_zero: bool | Iterable[Key] = False,
    threshold: int = THRESHOLD,
) -> dict[Key, Shown]:
    """Every cell as shown: primary suppression, then complementary suppression until no hidden
    cell can be worked out. `hide_zero` is True (every cell) or the keys whose zero is hidden."""
    zero_hidden = set(values) if hide_zero is True else set(hide_zero or ())
    relations = [(total, list(parts)) for total, parts in relations]
    hidden = {k: SMALL for k, v in values.items() if _primary(v, k in zero_hidden, threshold)}
    for _round in range(len(values) + 1):
        pinned = exposed(values, hidden, relations, zero_hidden, threshold)
        if not pinned or not any(_hide_one_more(k, values, hidden, relations) for k in sorted(pinned, key=str)):
            break
    return {k: Shown(v, hidden.get(k, str(v))) for k, v in values.items()}


def _hide_one_more(key: Key, values: dict[Key, int], hidden: dict[Key, str], relations: Sequence[Relation]) -> bool:
    """Hide the smallest shown count of the tightest relation around `key` (parts before totals,
    counts before zeros); when every cell around it is hidden already, look one relation further
    out, through the hidden cells, until a shown one is found. False when nothing is left to hide."""
    reached, frontier = {key}, [key]
    while frontier:
        around = [(total, parts) for total, parts in relations if any(k == total or k in parts for k in frontier)]
        around.sort(key=lambda rel: sum(1 for k in (rel[0], *rel[1]) if k in hidden))
        for total, parts in around:
            for candidates in (parts, [total]):
                shown = [k for k in candidates if k not in hidden]
                if shown:
                    hidden[min(shown, key=lambda k: (values[k] == 0, values[k], str(k)))] = COMPLEMENT
                    return True
        frontier = [k for total, parts in around for k in (total, *parts) if k not in reached]
        reached.update(frontier)
    return False


def crosstab(
    name: str, rows: Sequence[Key], columns: Sequence[Key], counts: dict[tuple[Key, Key], int]
) -> tuple[dict[Key, int], list[Relation]]:
    """The cells and relations of a table with row totals, column totals ("column", c) and a grand
    total ("all",); two tables over the same columns share those totals (and so their relations)."""
    values: dict[Key, int] = {}
    relations: list[Relation] = []
    for r in rows:
        for c in columns:
            values[(name, r, c)] = counts.get((r, c), 0)
        values[(name, r, "total")] = sum(values[(name, r, c)] for c in columns)
        relations.append(((name, r, "total"), [(name, r, c) for c in columns]))
    for c in columns:
        values[("column", c)] = sum(values[(name, r, c)] for r in rows)
        relations.append((("column", c), [(name, r, c) for r in rows]))
    values[("all",)] = sum(values[("column", c)] for c in columns)
    relations.append((("all",), [("column", c) for c in columns]))
    relations.append((("all",), [(name, r, "total") for r in rows]))
    return values, relations
