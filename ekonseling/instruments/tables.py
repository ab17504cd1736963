"""What every report renderer (page, xlsx, PDF) draws: cells with their formulas, tables, bars.

Pure (no Django), so the instrument kinds can build their report tables without importing the
database layer; `reports` loads the sheets and hands the kinds' results to these builders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .definition import NO, YES, Band, Definition
from .scoring import Percent
from .text import gettext as _

HIDDEN = "•"  # a student the viewer may not see individually, in "who ticked it" lists

#: Table sections: the spreadsheet puts RANKING tables on a sheet of their own (and the PDF cuts them).
PROFILE, RANKING = "profile", "ranking"


# --- cells and tables: what every renderer (page, xlsx, PDF) draws --------------------------------------


#: How a spreadsheet shows a cell's value (Cell.format): a percentage (the value 26.67 is written as
#: 0.2667 with a percent format), a figure with two decimals, or as it is (text, whole numbers).
PERCENT, DECIMAL = "percent", "decimal"


@dataclass(frozen=True)
class Cell:
    """One figure as shown, the formula behind it, and the value a spreadsheet cell should hold.

    A figure's shown text and its value come from the same rounded hundredths (:func:`hundredths`),
    so the page, the PDF (both print ``text``) and the spreadsheet (``value``) cannot disagree.
    """

    text: str
    formula: str = ""
    value: Any = None
    format: str = ""  # PERCENT, DECIMAL or "" (see above)

    def __str__(self) -> str:
        return self.text


def text(value: object) -> Cell:
    value = "" if value is None else str(value)
    return Cell(value, "", value)


def number(value: int) -> Cell:
    return Cell(str(value), "", value)


def hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator in hundredths, rounded half up: THE rounding rule of every report.

    The page, the PDF and the spreadsheet all show a figure through this one function (Python's
    ``round`` rounds half to even and, on a float, on a binary approximation: 3/40 = 0.075 became
    0.07 in the spreadsheet while the page showed 0,08). Non-negative figures.
    """
    return (numerator * 200 + denominator) // (2 * denominator)


def _hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator × 100, in hundredths rounded half up (non-negative figures)."""
    return hundredths(numerator * 100, denominator)


def shown(hundredths_: int) -> str:
    """Hundredths as the page prints them: "0,08"."""
    return f"{hundredths_ // 100},{hundredths_ % 100:02d}"


def decimal(value: Fraction | int, formula: str = "") -> Cell:
    """A non-percentage figure (a mean) with two decimals; text and value from the same rounding."""
    value = Fraction(value)
    rounded = hundredths(value.numerator, value.denominator)
    text_ = shown(rounded)
    return Cell(text_, formula.replace("{}", text_), rounded / 100, DECIMAL)


def pct(figure: Percent) -> Cell:
    """A percentage cell: the same text and formula as Percent.display()/.formula, in integers.

    A 1,000-student spreadsheet has tens of thousands of these; Decimal rounding of each Fraction
    dominated the export, so the half-up rounding is done here with integer arithmetic (the tests
    compare the two on many values).
    """
    terms = figure.denominator_terms
    denominator = 1
    for term in terms:
        denominator *= term
    rounded = _hundredths(figure.numerator, denominator)
    text_ = shown(rounded)
    joined = " × ".join(map(str, terms))
    if len(terms) > 1:
        joined = f"({joined})"
    return Cell(text_, f"{figure.numerator} / {joined} × 100 = {text_} %", rounded / 100, PERCENT)


def mean(total: int, n: int) -> Cell:
    """M = total / N, e.g. J / N: shown and stored rounded half up, like every figure."""
    return decimal(Fraction(total, n), f"{total} / {n} = {{}}")


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    section: str = PROFILE  # where a spreadsheet puts it: PROFILE or RANKING (a sheet of its own)


@dataclass(frozen=True)
class Bar:
    """One bar of a percentage chart; band_index picks its colour and pattern."""

    label: str
    value: float  # 0..100
    display: str
    band: str = ""
    band_index: int | None = None
    formula: str = ""
    band_description: str = ""  # the band's words ("Ringan"), printed with its letter


@dataclass(frozen=True)
class Stack:
    """One bar of a stacked chart: segments of (label, count, percent) that add up to N."""

    label: str
    segments: tuple[tuple[str, int, float], ...]
    marker: str = ""  # e.g. "target 5"


def band_fields(definition: Definition, band: Band | None) -> dict:
    if band is None:
        return {}
    return {
        "band": band.label,
        "band_index": definition.bands.index(band),
        "band_description": band.description or "",
    }


def band_label(band: Band | None) -> str:
    """A band as a report prints it: the letter with its description, "B (Ringan)", so a reader
    without the manual knows what "B" means; the label alone when the band has no description."""
    if band is None:
        return "—"
    if band.description and band.description != band.label:
        return f"{band.label} ({band.description})"
    return band.label


def band_legend(definition: Definition) -> list[str]:
    """Every band of the definition with its range and description: "B 21–40 %: Ringan"."""
    out = []
    for band in definition.bands:
        words = f": {band.description}" if band.description and band.description != band.label else ""
        out.append(f"{band.label} {band.lower}–{band.upper} %{words}")
    return out


def bar(definition: Definition, label: str, figure: Percent, band: Band | None = None) -> Bar:
    return Bar(
        label, float(figure.value), figure.display() + " %", formula=figure.formula, **band_fields(definition, band)
    )


def band_text(band: Band | None) -> Cell:
    return text(band_label(band))


# --- tables several kinds build the same way ------------------------------------------------------------


def ranking_table(table_id: str, title: str, ranked: Iterable[Any], definition: Definition, *, note: str = "") -> Table:
    table = Table(
        table_id, title, [_("Rank"), _("No."), _("Area"), _("Item"), "f", "f/N %"], note=note, section=RANKING
    )
    for rank, row in enumerate(ranked, 1):
        table.rows.append(
            [number(rank), number(row.number), text(row.area), text(row.text), number(row.frequency), pct(row.percent)]
        )
    return table


def item_list(
    table_id: str, title: str, numbers: Iterable[int], definition: Definition, heavy: Iterable[int] | None = ()
) -> Table:
    table = Table(
        table_id,
        title,
        [_("No."), _("Area"), _("Item"), _("Heavy")] if heavy is not None else [_("No."), _("Area"), _("Item")],
    )
    heavy_set = set(heavy or ())
    for n in numbers:
        item = definition.items_by_number[n]
        row = [number(n), text(item.area), text(item.text)]
        if heavy is not None:
            row.append(text("✓" if n in heavy_set else ""))
        table.rows.append(row)
    return table


def bidang_table(shares_or_groups: Iterable[Any], title: str, *, yes: bool = False) -> Table:
    table = Table("bidang", title, [_("Bidang"), _("Items"), "Σ", "%"])
    for row in shares_or_groups:
        table.rows.append(
            [
                text(row.bidang if hasattr(row, "bidang") else row.code),
                number(row.items),
                number(row.yes if yes else row.total),
                pct(row.percent),
            ]
        )
    return table


def choice_label(definition: Definition, question_code: str, code: str) -> str:
    question = definition.open_questions_by_code[question_code]
    for choice in question.choices:
        if choice.code == code:
            return choice.label
    return {YES: _("yes"), NO: _("no")}.get(code, code)
