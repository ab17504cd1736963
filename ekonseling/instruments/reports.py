"""Reports on administrations: class and individual profiles, attention lists, comparisons.

Figures come only from the pure scoring kinds (`scoring.score_individual` / `score_group`); this
module loads the submitted sheets, hands them to the kind, and turns its results into plain tables
that the page, the spreadsheet and the PDF all render the same way. Every percentage cell keeps
its `Percent.formula`, so any figure can be traced back to the counts behind it.

Loading is built for a whole school year in one administration (1,000 students × 225 items): one
query fetching only the needed columns, each encrypted sheet decrypted once and parsed once.
Only SUBMITTED sheets count: a sheet still being filled would change under the counselor's eyes.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ekonseling.accounts.models import Role
from ekonseling.core import crypto, policy

from . import answers as sheets
from .definition import NO, YES, Definition
from .models import Administration, Assignment
from .scoring import Percent, fmt, percent
from .scoring import score_group as _score_group
from .scoring import score_individual as _score_individual

HIDDEN = "•"  # a student the viewer may not see individually, in "who ticked it" lists


class ComparisonRefused(Exception):
    """Two results that cannot stand side by side (another instrument, other areas); Indonesian."""


# --- cells and tables: what every renderer (page, xlsx, PDF) draws --------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure as shown, the formula behind it, and the value a spreadsheet cell should hold."""

    text: str
    formula: str = ""
    value: Any = None

    def __str__(self):
        return self.text


def text(value) -> Cell:
    value = "" if value is None else str(value)
    return Cell(value, "", value)


def number(value: int) -> Cell:
    return Cell(str(value), "", value)


def _hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator × 100, in hundredths rounded half up (non-negative figures)."""
    return (numerator * 20000 + denominator) // (2 * denominator)


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
    hundredths = _hundredths(figure.numerator, denominator)
    shown = f"{hundredths // 100},{hundredths % 100:02d}"
    joined = " × ".join(map(str, terms))
    if len(terms) > 1:
        joined = f"({joined})"
    return Cell(shown, f"{figure.numerator} / {joined} × 100 = {shown} %", hundredths / 100)


def mean(total: int, n: int) -> Cell:
    value = Fraction(total, n)
    return Cell(fmt(value), f"{total} / {n} = {fmt(value)}", round(float(value), 2))


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar of a percentage chart; band_index picks its colour and pattern."""

    label: str
    value: float  # 0..100
    display: str
    band: str = ""
    band_index: int | None = None
    formula: str = ""


@dataclass(frozen=True)
class Stack:
    """One bar of a stacked chart: segments of (label, count, percent) that add up to N."""

    label: str
    segments: tuple[tuple[str, int, float], ...]
    marker: str = ""  # e.g. "target 5"


def _band_fields(definition: Definition, band) -> dict:
    if band is None:
        return {}
    return {"band": band.label, "band_index": definition.bands.index(band)}


def _bar(definition, label, figure: Percent, band=None) -> Bar:
    return Bar(
        label, float(figure.value), figure.display() + " %", formula=figure.formula, **_band_fields(definition, band)
    )


def _band_text(band) -> Cell:
    return text(band.label if band else "—")


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while a report builds tens of thousands of small objects.

    They hold no reference cycles (reference counting frees them), yet each allocation burst
    triggers full collections that walk the whole heap of a Django worker: measured at about
    45 % of a 1,000-sheet class profile. The collector is back on when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- loading -------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One submitted answer sheet with who gave it and its individual result."""

    assignment_id: int
    student_id: int
    name: str
    nisn: str
    rombel_id: int | None
    rombel: str
    doc: dict
    result: Any = None

    @property
    def respondent(self) -> str:
        return str(self.assignment_id)


def load_sheets(administration: Administration, *, rombel_ids: Iterable[int] | None = None) -> list[Sheet]:
    """The administration's submitted sheets, decrypted once and parsed once, in name order.

    One query, only the columns the reports need. The ciphertext is fetched as plain text (the
    cast keeps the field from decrypting row by row, looking the keys up each time) and decrypted
    here with one key set; json reads the decrypted bytes directly. The student's current rombel
    is the one reported.
    """
    rows = Assignment.objects.filter(administration=administration, status=Assignment.Status.SUBMITTED)
    if rombel_ids is not None:
        rows = rows.filter(student__rombel_id__in=list(rombel_ids))
    rows = (
        rows.annotate(token=Cast("answers", output_field=TextField()))
        .order_by("student__name", "pk")
        .values_list(
            "pk", "student_id", "student__name", "student__nisn", "student__rombel_id", "student__rombel__name", "token"
        )
    )
    decrypt = crypto.fernet().decrypt
    loads = json.loads
    return [
        Sheet(pk, student_id, name, nisn, rombel_id, rombel or "", loads(decrypt(token.encode())) if token else {})
        for pk, student_id, name, nisn, rombel_id, rombel, token in rows.iterator(chunk_size=500)
    ]


def score_sheets(definition: Definition, sheets_: Sequence[Sheet]) -> None:
    for sheet in sheets_:
        sheet.doc["respondent"] = sheet.respondent  # "who ticked it" lists name the sheet
        sheet.result = _score_individual(definition, sheet.doc)


# --- the main figure of each kind: what charts, attention and comparisons use -----------------------------

METRIC = {
    "checklist_heavy": "P%",
    "keyed_frequency": "Skor%",
    "checklist_topic": "%",
    "developmental": "% below target",
    "needs": "% ya",
}


def group_metric(definition: Definition, group) -> list[tuple[str, str, Percent, Any]]:
    """(area code, area name, the kind's main group percentage, its band) per area."""
    kind = definition.scoring
    if kind == "checklist_heavy":
        return [(a.code, a.name, a.percent, a.band) for a in group.areas]
    if kind == "keyed_frequency":
        return [(c.code, c.name, c.score_percent, c.band) for c in group.components]
    if kind == "checklist_topic":
        return [(t.code, t.name, t.percent, t.band) for t in group.topics]
    if kind == "developmental":
        return [(a.code, a.name, a.below_target, None) for a in group.aspects]
    return [(a.code, a.name, a.percent, a.band) for a in group.areas]


def individual_areas(definition: Definition, result) -> list[tuple[str, str, Percent | None, Any]]:
    """(area code, name, the student's percentage for the attention rule, its band) per area."""
    kind = definition.scoring
    if kind == "checklist_heavy":
        return [(a.code, a.name, a.percent, a.band) for a in result.areas]
    if kind == "keyed_frequency":
        # The attention rule asks "how much of a problem": Masalah%, not Skor% (a high Skor% is good).
        return [(c.code, c.name, c.problem_percent, c.band) for c in result.components]
    if kind == "checklist_topic":
        return [(t.code, t.name, t.percent, t.band) for t in result.topics]
    if kind == "developmental":
        return [(a.code, a.name, None, None) for a in result.aspects]
    return [(a.code, a.name, a.percent, a.band) for a in result.areas]


def attention_reasons(administration: Administration, definition: Definition, sheet: Sheet) -> list[str]:
    """Why this student needs individual attention under the administration's rule; [] when not.

    A percentage at or above `attention_percent` in at least `attention_min_areas` areas; any
    critical item marked; for developmental inventories any aspect below its target.
    """
    reasons = []
    result = sheet.result
    if definition.scoring == "developmental":
        below = [a for a in result.aspects if a.below_target]
        if below:
            reasons.append(
                _("Below target in: %(aspects)s")
                % {"aspects": ", ".join(f"{a.code} ({a.level} < {a.target})" for a in below)}
            )
    else:
        threshold = administration.attention_percent
        # value >= threshold, in integers: numerator × 100 >= threshold × denominator
        high = [
            (code, figure)
            for code, _name, figure, _band in individual_areas(definition, result)
            if figure.numerator * 100 >= threshold * figure.denominator
        ]
        if high and len(high) >= max(1, administration.attention_min_areas):
            reasons.append(
                ngettext(
                    "%(count)d area at or above %(threshold)d %%: %(areas)s",
                    "%(count)d areas at or above %(threshold)d %%: %(areas)s",
                    len(high),
                )
                % {
                    "count": len(high),
                    "threshold": threshold,
                    "areas": ", ".join(f"{code} {figure.display()} %" for code, figure in high),
                }
            )
    critical = sheets.critical_hits(definition, sheet.doc)
    if critical:
        reasons.append(_("Critical items marked: %(items)s") % {"items": ", ".join(str(n) for n in critical)})
    return reasons


# --- group report --------------------------------------------------------------------------------------------


@dataclass
class Attention:
    sheet: Sheet
    reasons: list[str]


@dataclass
class GroupReport:
    administration: Administration
    definition: Definition
    sheets: list[Sheet]
    group: Any  # the kind's GroupResult, None when nobody submitted
    metric: str = ""
    bars: list[Bar] = field(default_factory=list)
    stacks: list[Stack] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    students: Table | None = None
    attention: list[Attention] = field(default_factory=list)
    rombel_ids: list[int] | None = None
    hidden: int = 0  # sheets counted in the figures whose students the viewer may not see one by one

    @property
    def n(self) -> int:
        return len(self.sheets)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def group_report(
    administration: Administration,
    *,
    rombel_ids: Iterable[int] | None = None,
    visible: set[int] | None = None,
    students: bool = True,
) -> GroupReport:
    """Everything a class profile shows, from the database: one query, one decryption per sheet.

    The figures cover every submitted sheet; names, per-student rows and the attention list only
    the sheets in ``visible`` (assignment ids the viewer may see one by one; None: all).
    """
    with collector_paused():
        return _group_report(administration, rombel_ids, visible, students)


def _group_report(administration, rombel_ids, visible, students) -> GroupReport:
    definition = administration.instrument.definition
    rombel_ids = list(rombel_ids) if rombel_ids is not None else None
    loaded = load_sheets(administration, rombel_ids=rombel_ids)
    score_sheets(definition, loaded)
    report = GroupReport(administration, definition, loaded, None, METRIC[definition.scoring], rombel_ids=rombel_ids)
    if not loaded:
        return report
    report.group = _score_group(definition, [sheet.result for sheet in loaded])
    shown = [sheet for sheet in loaded if visible is None or sheet.assignment_id in visible]
    names = {sheet.respondent: sheet.name for sheet in shown}
    BUILDERS[definition.scoring](report, definition, report.group, names)
    if definition.scoring != "developmental":
        report.bars = [
            _bar(definition, f"{code} {name}", figure, band)
            for code, name, figure, band in group_metric(definition, report.group)
        ]
    report.tables.extend(_tallies(definition, report.group))
    if students:
        report.students = _student_table(definition, shown)
    for sheet in shown:
        reasons = attention_reasons(administration, definition, sheet)
        if reasons:
            report.attention.append(Attention(sheet, reasons))
    report.hidden = len(loaded) - len(shown)
    return report


def _ranking_table(table_id, title, ranked, definition, *, note="") -> Table:
    table = Table(table_id, title, [_("Rank"), _("No."), _("Area"), _("Item"), "f", "f/N %"], note=note)
    for rank, row in enumerate(ranked, 1):
        table.rows.append(
            [number(rank), number(row.number), text(row.area), text(row.text), number(row.frequency), pct(row.percent)]
        )
    return table


def _heavy_group(report, definition, group, names):
    table = Table(
        "areas",
        _("Group profile per area"),
        [_("Area"), _("Items"), "R", "T", "J", "P%", "M", _("Heavy Σ"), _("Heavy M"), _("Band")],
        note=_("R lowest and T highest individual count, J sum, P% = J / (items × N) × 100, M = J / N."),
    )
    for a in group.areas:
        table.rows.append(
            [
                text(f"{a.code} {a.name}"),
                number(a.items),
                number(a.lowest),
                number(a.highest),
                number(a.total),
                pct(a.percent),
                mean(a.total, a.n),
                number(a.heavy_total),
                mean(a.heavy_total, a.n),
                _band_text(a.band),
            ]
        )
    table.rows.append(
        [
            text(_("All areas")),
            number(len(definition.items)),
            text(""),
            text(""),
            number(group.overall.numerator),
            pct(group.overall),
            mean(group.overall.numerator, group.n),
            number(sum(a.heavy_total for a in group.areas)),
            mean(sum(a.heavy_total for a in group.areas), group.n),
            text(""),
        ]
    )
    ranked = Table("areas_ranked", _("Areas ranked by P%"), [_("Rank"), _("Area"), "P%", _("Band")])
    for rank, a in enumerate(group.areas_ranked, 1):
        ranked.rows.append([number(rank), text(f"{a.code} {a.name}"), pct(a.percent), _band_text(a.band)])
    report.tables += [
        table,
        ranked,
        _ranking_table("item_ranking", _("Items ranked by frequency"), group.item_ranking, definition),
        _ranking_table("heavy_ranking", _("Heavy items ranked by frequency"), group.heavy_ranking, definition),
    ]


def _keyed_group(report, definition, group, names):
    table = Table(
        "areas",
        _("Group profile per component"),
        [_("Component"), _("Items"), "Σ " + _("score"), "Skor%", "Σ " + _("problems"), "Masalah%", _("Band")],
        note=_("Skor% = Σscore / (max × items × N) × 100; Masalah% = Σproblems / (items × N) × 100."),
    )
    for c in group.components:
        table.rows.append(
            [
                text(f"{c.code} {c.name}"),
                number(c.items),
                number(c.score),
                pct(c.score_percent),
                number(c.problems),
                pct(c.problem_percent),
                _band_text(c.band),
            ]
        )
    ranked = Table("areas_ranked", _("Components ranked by Masalah%"), [_("Rank"), _("Component"), "Masalah%", "Skor%"])
    for rank, c in enumerate(group.components_ranked, 1):
        ranked.rows.append([number(rank), text(f"{c.code} {c.name}"), pct(c.problem_percent), pct(c.score_percent)])
    report.tables += [
        table,
        ranked,
        _ranking_table(
            "item_ranking", _("Items ranked by students answering them as a problem"), group.problem_ranking, definition
        ),
    ]


def _bidang_table(shares_or_groups, title, *, yes=False) -> Table:
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


def _topic_group(report, definition, group, names):
    table = Table(
        "areas",
        _("Group profile per topic"),
        [_("Topic"), _("Bidang"), _("Items"), "Σ", "%", _("Band")],
        note=_("Topic % = Σticked / (items × N) × 100."),
    )
    for t in group.topics:
        table.rows.append(
            [
                text(f"{t.code} {t.name}"),
                text(t.bidang),
                number(t.items),
                number(t.total),
                pct(t.percent),
                _band_text(t.band),
            ]
        )
    critical = Table("critical", _("Critical items ticked, with who ticked them"), [_("No."), _("Item"), _("Students")])
    for alert in group.critical:
        who = ", ".join(names.get(r, HIDDEN) for r in alert.respondents)
        critical.rows.append([number(alert.number), text(alert.text), text(f"{alert.count}: {who}")])
    report.tables += [
        table,
        _bidang_table(group.bidang, _("Per bidang: Σticked / (Σitems × N) × 100")),
        critical,
        _ranking_table("item_ranking", _("Items ranked by frequency"), group.item_ranking, definition),
    ]


def _developmental_group(report, definition, group, names):
    levels = [f"{level.value} {level.name}" for level in definition.levels]
    table = Table(
        "areas",
        _("Students at each level per aspect"),
        [_("Aspect"), _("Target"), *levels, _("Below target")],
        note=_("Each level: students / N × 100. An aspect level is the mean of the chosen levels, rounded half up."),
    )
    for a in group.aspects:
        table.rows.append(
            [
                text(f"{a.code} {a.name}"),
                number(a.target),
                *(Cell(f"{s.count} ({s.percent.display()} %)", s.percent.formula, s.count) for s in a.distribution),
                Cell(
                    f"{a.below_target.numerator} ({a.below_target.display()} %)",
                    a.below_target.formula,
                    a.below_target.numerator,
                ),
            ]
        )
        report.stacks.append(
            Stack(
                f"{a.code} {a.name}",
                tuple((f"{s.level}", s.count, float(s.percent.value)) for s in a.distribution),
                marker=str(a.target),
            )
        )
    tasks = Table(
        "tasks",
        _("Developmental tasks to work on, by students below target"),
        [_("Rank"), _("Aspect"), _("Below target"), _("Students")],
    )
    for rank, a in enumerate(group.tasks, 1):
        who = ", ".join(names.get(r, HIDDEN) for r in a.below_respondents)
        tasks.rows.append([number(rank), text(f"{a.code} {a.name}"), pct(a.below_target), text(who)])
    report.tables += [table, tasks]


def _needs_group(report, definition, group, names):
    table = Table(
        "areas",
        _("Needs per area"),
        [_("Area"), _("Bidang"), _("Items"), "Σ ya", "%", _("Band")],
        note=_("Area % = Σya / (items × N) × 100; item % = ya / N × 100."),
    )
    for share, area in zip(group.areas, definition.areas, strict=True):
        table.rows.append(
            [
                text(f"{share.code} {share.name}"),
                text(area.bidang or ""),
                number(share.items),
                number(share.yes),
                pct(share.percent),
                _band_text(share.band),
            ]
        )
    bidang = Table("bidang", _("Needs per bidang"), [_("Bidang"), _("Items"), "Σ ya", "%"])
    for share in group.bidang:
        bidang.rows.append([text(share.code), number(share.items), number(share.yes), pct(share.percent)])
    report.tables += [table, bidang]
    for name, ranked in group.ranking.items():
        report.tables.append(
            _ranking_table(
                f"item_ranking_{name}",
                _("Needs of bidang %(bidang)s, ranked: candidate topics for the annual program") % {"bidang": name},
                ranked,
                definition,
            )
        )


BUILDERS = {
    "checklist_heavy": _heavy_group,
    "keyed_frequency": _keyed_group,
    "checklist_topic": _topic_group,
    "developmental": _developmental_group,
    "needs": _needs_group,
}


def _choice_label(definition, question_code, code):
    question = definition.open_questions_by_code[question_code]
    for choice in question.choices:
        if choice.code == code:
            return choice.label
    return {YES: _("yes"), NO: _("no")}.get(code, code)


def _tallies(definition, group) -> list[Table]:
    tables = []
    for tally in group.open_tallies:
        question = definition.open_questions_by_code[tally.question]
        table = Table(
            f"tally_{tally.question}",
            question.text,
            [_("Answer"), _("Students"), "% N"],
            note=_("%(answered)d of %(n)d students answered.") % {"answered": tally.answered, "n": group.n},
        )
        for code, count in tally.counts:
            table.rows.append(
                [text(_choice_label(definition, tally.question, code)), number(count), pct(percent(count, group.n))]
            )
        tables.append(table)
    return tables


def _student_table(definition: Definition, loaded: Sequence[Sheet]) -> Table:
    kind = definition.scoring
    columns = [_("Name"), "NISN", _("Rombel")]
    if kind == "developmental":
        columns += [a.code for a in definition.areas] + [_("Below target")]
    elif kind == "keyed_frequency":
        for a in definition.areas:
            columns += [f"{a.code} Skor%", f"{a.code} Masalah%"]
    else:
        for a in definition.areas:
            columns += [f"{a.code} J", f"{a.code} %"]
        columns.append(_("Overall %"))
        if kind == "checklist_heavy":
            columns.append(_("Heavy"))
    table = Table("students", _("One row per student"), columns)
    for sheet in loaded:
        r = sheet.result
        row = [text(sheet.name), text(sheet.nisn), text(sheet.rombel)]
        if kind == "developmental":
            row += [Cell(str(a.level), f"{fmt(a.mean)} → {a.level}", a.level) for a in r.aspects]
            row.append(text(", ".join(r.tasks)))
        elif kind == "keyed_frequency":
            for c in r.components:
                row += [pct(c.score_percent), pct(c.problem_percent)]
        elif kind == "checklist_heavy":
            for a in r.areas:
                row += [number(a.count), pct(a.percent)]
            row += [pct(r.overall), number(len(r.heavy))]
        elif kind == "checklist_topic":
            for t in r.topics:
                row += [number(len(t.ticked)), pct(t.percent)]
            row.append(pct(r.overall))
        else:
            for a in r.areas:
                row += [number(a.yes), pct(a.percent)]
            total = len(r.yes_items)
            row.append(pct(percent(total, len(definition.items))))
        table.rows.append(row)
    return table


# --- individual report ---------------------------------------------------------------------------------------


@dataclass
class IndividualReport:
    assignment: Assignment
    definition: Definition
    sheet: Sheet | None
    result: Any = None
    bars: list[Bar] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    open_answers: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def individual_report(assignment: Assignment) -> IndividualReport:
    """One student's profile; empty (sheet None) unless the sheet was submitted."""
    administration = assignment.administration
    definition = administration.instrument.definition
    if assignment.status != Assignment.Status.SUBMITTED:
        return IndividualReport(assignment, definition, None)
    student = assignment.student
    sheet = Sheet(
        assignment.pk,
        student.pk,
        student.name,
        student.nisn,
        student.rombel_id,
        student.rombel.name if student.rombel_id else "",
        assignment.answer_data(),
    )
    score_sheets(definition, [sheet])
    report = IndividualReport(assignment, definition, sheet, sheet.result)
    INDIVIDUAL_BUILDERS[definition.scoring](report, definition, sheet.result)
    report.open_answers = _open_answers(definition, sheet.result.open)
    report.reasons = attention_reasons(administration, definition, sheet)
    critical = sheets.critical_hits(definition, sheet.doc)
    if critical:
        table = Table("critical", _("Critical items marked"), [_("No."), _("Item")])
        for n in critical:
            table.rows.append([number(n), text(definition.items_by_number[n].text)])
        report.tables.append(table)
    return report


def _item_list(table_id, title, numbers, definition, heavy=()) -> Table:
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


def _heavy_individual(report, definition, r):
    table = Table("areas", _("Profile per area"), [_("Area"), _("Items"), "J", "%", _("Heavy"), _("Band")])
    for a in r.areas:
        table.rows.append(
            [
                text(f"{a.code} {a.name}"),
                number(a.items),
                number(a.count),
                pct(a.percent),
                number(len(a.heavy)),
                _band_text(a.band),
            ]
        )
    table.rows.append(
        [
            text(_("All areas")),
            number(len(definition.items)),
            number(len(r.ticked)),
            pct(r.overall),
            number(len(r.heavy)),
            text(""),
        ]
    )
    report.bars = [_bar(definition, f"{a.code} {a.name}", a.percent, a.band) for a in r.areas]
    report.tables += [table, _item_list("items", _("Ticked items (heavy marked)"), r.ticked, definition, r.heavy)]


def _keyed_individual(report, definition, r):
    table = Table(
        "areas",
        _("Profile per component"),
        [_("Component"), _("Items"), _("Score"), "Skor%", _("Problems"), "Masalah%", _("Band")],
    )
    for c in r.components:
        table.rows.append(
            [
                text(f"{c.code} {c.name}"),
                number(c.items),
                number(c.score),
                pct(c.score_percent),
                number(len(c.problems)),
                pct(c.problem_percent),
                _band_text(c.band),
            ]
        )
    table.rows.append(
        [
            text(_("All components")),
            number(len(definition.items)),
            text(""),
            pct(r.score_percent),
            text(""),
            pct(r.problem_percent),
            text(""),
        ]
    )
    report.bars = [_bar(definition, f"{c.code} {c.name}", c.score_percent, c.band) for c in r.components]
    problems = [n for c in r.components for n in c.problems]
    report.tables += [table, _item_list("items", _("Items answered as a problem"), problems, definition, None)]


def _topic_individual(report, definition, r):
    table = Table("areas", _("Profile per topic"), [_("Topic"), _("Bidang"), _("Items"), _("Ticked"), "%", _("Band")])
    for t in r.topics:
        table.rows.append(
            [
                text(f"{t.code} {t.name}"),
                text(t.bidang),
                number(t.items),
                number(len(t.ticked)),
                pct(t.percent),
                _band_text(t.band),
            ]
        )
    bidang = Table("bidang", _("Per bidang"), [_("Bidang"), _("Items"), _("Ticked"), "%"])
    for b in r.bidang:
        bidang.rows.append([text(b.bidang), number(b.items), number(b.ticked), pct(b.percent)])
    report.bars = [_bar(definition, f"{t.code} {t.name}", t.percent, t.band) for t in r.topics]
    report.tables += [table, bidang, _item_list("items", _("Ticked items"), r.ticked, definition, None)]


def _developmental_individual(report, definition, r):
    table = Table("areas", _("Level per aspect"), [_("Aspect"), _("Mean"), _("Level"), _("Target"), _("Below target")])
    for a in r.aspects:
        levels = " + ".join(str(level) for _n, level in a.item_levels)
        table.rows.append(
            [
                text(f"{a.code} {a.name}"),
                Cell(fmt(a.mean), f"({levels}) / {len(a.item_levels)} = {fmt(a.mean)}", round(float(a.mean), 2)),
                Cell(f"{a.level} {a.level_name}", _("%(mean)s rounded half up") % {"mean": fmt(a.mean)}, a.level),
                number(a.target),
                text("✓" if a.below_target else ""),
            ]
        )
    top = max((level.value for level in definition.levels), default=1)
    report.bars = [
        Bar(
            f"{a.code} {a.name}", a.level * 100 / top, f"{a.level} {a.level_name}", formula=f"{fmt(a.mean)} → {a.level}"
        )
        for a in r.aspects
    ]
    report.tables.append(table)


def _needs_individual(report, definition, r):
    table = Table("areas", _("Needs per area"), [_("Area"), _("Items"), "ya", "%", _("Band")])
    for s in r.areas:
        table.rows.append(
            [text(f"{s.code} {s.name}"), number(s.items), number(s.yes), pct(s.percent), _band_text(s.band)]
        )
    bidang = Table("bidang", _("Needs per bidang"), [_("Bidang"), _("Items"), "ya", "%"])
    for s in r.bidang:
        bidang.rows.append([text(s.code), number(s.items), number(s.yes), pct(s.percent)])
    report.bars = [_bar(definition, f"{s.code} {s.name}", s.percent, s.band) for s in r.areas]
    report.tables += [table, bidang, _item_list("items", _("Items answered ya"), r.yes_items, definition, None)]


INDIVIDUAL_BUILDERS = {
    "checklist_heavy": _heavy_individual,
    "keyed_frequency": _keyed_individual,
    "checklist_topic": _topic_individual,
    "developmental": _developmental_individual,
    "needs": _needs_individual,
}


def _open_answers(definition, answers) -> list[tuple[str, str]]:
    shown = []
    for question in definition.open_questions:
        if question.code not in answers:
            continue
        value = answers[question.code]
        if question.type == "text":
            shown.append((question.text, value))
        else:
            values = value if isinstance(value, tuple) else (value,)
            shown.append((question.text, ", ".join(_choice_label(definition, question.code, v) for v in values)))
    return shown


# --- comparisons ---------------------------------------------------------------------------------------------


@dataclass
class Comparison:
    metric: str
    series: list[str]
    rows: list[tuple[str, list[Cell | None]]]  # area label, one cell per series
    ns: list[int]
    notes: list[str] = field(default_factory=list)


def _metric_by_area(definition, group) -> dict[str, Percent]:
    return {code: figure for code, _name, figure, _band in group_metric(definition, group)}


def _comparison(definition, labelled_groups, notes) -> Comparison:
    """labelled_groups: (series label, (definition, group result or None), N) per column."""
    figures = [(_metric_by_area(d, g) if g else {}) for _label, (d, g), _n in labelled_groups]
    comparison = Comparison(
        METRIC[definition.scoring],
        [label for label, _pair, _n in labelled_groups],
        [],
        [n for _label, _pair, n in labelled_groups],
        notes,
    )
    for area in definition.areas:
        cells = [pct(series[area.code]) if area.code in series else None for series in figures]
        comparison.rows.append((f"{area.code} {area.name}", cells))
    return comparison


def _score_group_or_none(definition, loaded):
    if not loaded:
        return None
    score_sheets(definition, loaded)
    return _score_group(definition, [sheet.result for sheet in loaded])


def compare_rombels(administration: Administration, rombels: Sequence) -> Comparison:
    """One administration's main figure per area, for each chosen rombel, side by side."""
    with collector_paused():
        return _compare_rombels(administration, rombels)


def _compare_rombels(administration, rombels):
    definition = administration.instrument.definition
    loaded = load_sheets(administration, rombel_ids=[r.pk for r in rombels])
    groups = []
    for rombel in rombels:
        mine = [sheet for sheet in loaded if sheet.rombel_id == rombel.pk]
        groups.append((rombel.name, (definition, _score_group_or_none(definition, mine)), len(mine)))
    return _comparison(definition, groups, [])


def compare_administrations(administrations: Sequence[Administration], *, rombel_ids=None) -> Comparison:
    """The same instrument given at different times (this year vs last year), side by side.

    Each administration is scored with its own definition; results are never pooled. Versions
    with other fingerprints stand side by side only when their area codes are the same, and the
    comparison says so; otherwise the comparison is refused.
    """
    if len(administrations) < 2:
        raise ComparisonRefused("Pilih setidaknya dua administrasi untuk dibandingkan.")
    codes = {a.instrument.code for a in administrations}
    if len(codes) > 1:
        raise ComparisonRefused(
            f"Instrumen berbeda ({', '.join(sorted(codes))}): hanya administrasi dari instrumen yang sama "
            "yang dapat dibandingkan."
        )
    first = administrations[0].instrument.definition
    area_codes = tuple(area.code for area in first.areas)
    notes = []
    fingerprints = {a.instrument.fingerprint for a in administrations}
    for administration in administrations[1:]:
        other = administration.instrument.definition
        if tuple(area.code for area in other.areas) != area_codes:
            raise ComparisonRefused(
                f"{administration.instrument} memakai area yang berbeda dari {administrations[0].instrument}, "
                "jadi persentase area tidak dapat disandingkan."
            )
    if len(fingerprints) > 1:
        versions = ", ".join(sorted({f"v{a.instrument.version}" for a in administrations}))
        notes.append(
            f"Versi definisi berbeda ({versions}). Area sama, tetapi tiap kolom dihitung dengan definisinya sendiri; "
            "hasilnya tidak digabung."
        )
    groups = []
    with collector_paused():
        for administration in administrations:
            definition = administration.instrument.definition
            loaded = load_sheets(administration, rombel_ids=rombel_ids)
            groups.append((administration.title, (definition, _score_group_or_none(definition, loaded)), len(loaded)))
    return _comparison(first, groups, notes)


# --- the student page --------------------------------------------------------------------------------------


def student_results(user, student) -> list[Assignment]:
    """A student's submitted sheets the viewer may see: counselors serving them; the student only
    once the counselor released the results. No answers are read here, only titles and dates."""
    mine = Assignment.objects.filter(student=student, status=Assignment.Status.SUBMITTED).select_related(
        "administration__instrument"
    )
    if user.role == Role.SISWA:
        mine = policy.visible(user, "assignment.view_own_result", mine).filter(
            administration__released_at__isnull=False
        )
    else:
        mine = policy.visible(user, "assignment.view", mine)
    return list(mine.order_by("-submitted_at", "-pk"))
