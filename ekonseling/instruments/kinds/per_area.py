"""The per-area shapes several kinds share: figures, tables, bars and the student's profile rows.

An "area row" is a kind's result for one area (an area, a topic, a component): it has ``code``,
``name`` and ``band``, and its figures under names of the kind's own (``percent``,
``score_percent``). A kind hands its rows and what differs (its columns, a function giving a row's
cells) to these builders; what they build is what the kind built by hand before, cell for cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..definition import Definition
from ..filling import ResultRow
from ..scoring import Percent
from ..tables import Bar, Cell, Table, bar, text
from .base import band_words


def label(row: Any) -> Cell:
    """The area's first cell in every per-area table: "code name"."""
    return text(f"{row.code} {row.name}")


def figures(rows: Iterable[Any], figure: str = "percent") -> list[tuple[str, str, Percent, Any]]:
    """(code, name, the figure called ``figure``, band) per area row: what ``Kind.group_metric`` and
    ``Kind.individual_areas`` return."""
    return [(row.code, row.name, getattr(row, figure), row.band) for row in rows]


def bars(definition: Definition, rows: Iterable[Any], figure: str = "percent") -> list[Bar]:
    """One bar per area row: the figure called ``figure``, coloured by the row's band."""
    return [bar(definition, f"{row.code} {row.name}", getattr(row, figure), row.band) for row in rows]


def table(
    table_id: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Any],
    of_row: Callable[[Any], list[Cell]],
    *,
    note: str = "",
) -> Table:
    """A table with one line per area row: :func:`label`, then ``of_row(row)``."""
    return Table(table_id, title, list(headers), [[label(row), *of_row(row)] for row in rows], note=note)


def columns(definition: Definition, *names: str) -> list[str]:
    """The one-row-per-student table's figure columns: "code name" for each area and figure name."""
    return [f"{area.code} {name}" for area in definition.areas for name in names]


def cells(rows: Iterable[Any], of_row: Callable[[Any], list[Cell]]) -> list[Cell]:
    """A student's cells under :func:`columns`: ``of_row(row)`` for each area row in turn."""
    return [cell for row in rows for cell in of_row(row)]


def result_rows(
    definition: Definition,
    rows: Iterable[Any],
    marked: Callable[[Any], Iterable[int]],
    *,
    figure: str = "percent",
    heavy: Callable[[Any], Iterable[int]] | None = None,
) -> list[ResultRow]:
    """The student's own profile for a percentage kind: per area row its figure, band in words and
    the texts of the items ``marked(row)`` (and ``heavy(row)``) names."""
    texts = {item.number: item.text for item in definition.items}
    out = []
    for row in rows:
        value = getattr(row, figure)
        extra = (tuple(texts[n] for n in heavy(row)),) if heavy is not None else ()
        out.append(
            ResultRow(
                row.name,
                float(value.value),
                f"{value.display()} %",
                band_words(row.band),
                tuple(texts[n] for n in marked(row)),
                *extra,
            )
        )
    return out
