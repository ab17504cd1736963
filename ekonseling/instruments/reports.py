"""Reports on administrations: class and individual profiles, attention lists, comparisons.

Figures come only from the instrument's kind (`kinds.of(definition)`): this module loads the
submitted sheets, hands them to the kind, and the kind turns its results into plain tables
(`tables`) that the page, the spreadsheet and the PDF all render the same way. Every percentage cell keeps
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
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ekonseling.accounts.models import Role
from ekonseling.core import crypto, policy
from ekonseling.core.errors import ActionError

from . import answers as sheets
from . import kinds
from .definition import Definition
from .models import Administration, Assignment
from .scoring import Percent, percent
from .tables import HIDDEN, Bar, Cell, Stack, Table, choice_label, mean, number, pct, text  # noqa: F401 (re-exported)


class ComparisonRefused(ActionError):
    """Two results that cannot stand side by side (another instrument, other areas); translated."""

    code = "instruments.comparison_refused"


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
    label: str = ""  # the name as lists print it; with NISN when another listed student has the same name

    def __post_init__(self) -> None:
        self.label = self.label or self.name

    @property
    def respondent(self) -> str:
        return str(self.assignment_id)


def tell_apart(sheets_: Sequence[Sheet]) -> None:
    """Two students with the same name are told apart in every list: "Ani Lestari (X-1, NISN
    0012345678)" instead of the name twice. Other names stay as they are."""
    counts: dict[str, int] = {}
    for sheet in sheets_:
        key = " ".join(sheet.name.casefold().split())
        counts[key] = counts.get(key, 0) + 1
    for sheet in sheets_:
        if counts[" ".join(sheet.name.casefold().split())] > 1:
            where = f"{sheet.rombel}, " if sheet.rombel else ""
            sheet.label = f"{sheet.name} ({where}NISN {sheet.nisn})"


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
    kind = kinds.of(definition)
    for sheet in sheets_:
        sheet.doc["respondent"] = sheet.respondent  # "who ticked it" lists name the sheet
        sheet.result = kind.score_individual(definition, sheet.doc)


# --- what the kinds share: the attention rule ---------------------------------------------------------------


def group_metric(definition: Definition, group) -> list[tuple[str, str, Percent, Any]]:
    """(area code, area name, the kind's main group percentage, its band) per area."""
    return kinds.of(definition).group_metric(definition, group)


def attention_reasons(administration: Administration, definition: Definition, sheet: Sheet) -> list[str]:
    """Why this student needs individual attention under the administration's rule; [] when not.

    The kind's own rule on the student's figures (a percentage at or above `attention_percent` in
    at least `attention_min_areas` areas; for developmental inventories an aspect below target),
    and any critical item marked.
    """
    reasons = kinds.of(definition).attention_reasons(administration, definition, sheet.result)
    critical = sheets.critical_hits(definition, sheet.doc)
    if critical:
        reasons.append(_("Critical items marked: %(items)s") % {"items": ", ".join(str(n) for n in critical)})
    return reasons


# --- group report --------------------------------------------------------------------------------------------


@dataclass
class Attention:
    sheet: Sheet
    reasons: list[str]


# A class profile counts the sheets of students its viewer does not serve only when there are at
# least this many: fewer would be recoverable from the figures minus the rows the viewer is shown.
MIN_UNSERVED_IN_FIGURES = 5


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
    # Sheets of students the viewer does not serve left out of the figures: fewer than
    # MIN_UNSERVED_IN_FIGURES of them could be told apart by difference.
    left_out: int = 0
    assigned: int = 0  # answer sheets given out (the same rombel choice): N is "of M assigned"

    @property
    def n(self) -> int:
        return len(self.sheets)

    @property
    def kind(self):
        return kinds.of(self.definition)

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
    kind = kinds.of(definition)
    shown = [sheet for sheet in loaded if visible is None or sheet.assignment_id in visible]
    unserved = len(loaded) - len(shown)
    counted = loaded
    if 0 < unserved < MIN_UNSERVED_IN_FIGURES:
        # Figures over all sheets minus the rows the viewer is shown would give away the answers
        # of the one or few students they do not serve (issue 11): those sheets are left out.
        counted = shown
    report = GroupReport(administration, definition, counted, None, kind.metric, rombel_ids=rombel_ids)
    report.left_out = len(loaded) - len(counted)
    report.assigned = assigned_count(administration, rombel_ids)
    if not counted:
        return report
    report.group = kind.score_group(definition, [sheet.result for sheet in counted])
    tell_apart(shown)
    names = {sheet.respondent: sheet.label for sheet in shown}
    kind.build_group(report, definition, report.group, names)
    report.bars = kind.group_bars(definition, report.group)
    report.tables.extend(_tallies(definition, report.group))
    if students:
        report.students = _student_table(definition, shown)
    for sheet in shown:
        reasons = attention_reasons(administration, definition, sheet)
        if reasons:
            report.attention.append(Attention(sheet, reasons))
    report.hidden = len(counted) - len(shown)
    return report


def assigned_count(administration: Administration, rombel_ids: Iterable[int] | None = None) -> int:
    """How many answer sheets the administration gave out (to the chosen rombel): the M of "N of M"."""
    rows = Assignment.objects.filter(administration=administration)
    if rombel_ids is not None:
        rows = rows.filter(student__rombel_id__in=list(rombel_ids))
    return rows.count()


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
                [text(choice_label(definition, tally.question, code)), number(count), pct(percent(count, group.n))]
            )
        tables.append(table)
    return tables


def _student_table(definition: Definition, loaded: Sequence[Sheet]) -> Table:
    kind = kinds.of(definition)
    table = Table(
        "students", _("One row per student"), [_("Name"), "NISN", _("Rombel"), *kind.student_columns(definition)]
    )
    for sheet in loaded:
        row = [text(sheet.name), text(sheet.nisn), text(sheet.rombel)]
        table.rows.append(row + kind.student_row(definition, sheet.result))
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
    kinds.of(definition).build_individual(report, definition, sheet.result)
    report.open_answers = _open_answers(definition, sheet.result.open)
    report.reasons = attention_reasons(administration, definition, sheet)
    critical = sheets.critical_hits(definition, sheet.doc)
    if critical:
        table = Table("critical", _("Critical items marked"), [_("No."), _("Item")])
        for n in critical:
            table.rows.append([number(n), text(definition.items_by_number[n].text)])
        report.tables.append(table)
    return report


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
            shown.append((question.text, ", ".join(choice_label(definition, question.code, v) for v in values)))
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
        kinds.of(definition).metric,
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
    return kinds.of(definition).score_group(definition, [sheet.result for sheet in loaded])


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
        raise ComparisonRefused(_("Choose at least two administrations to compare."))
    codes = {a.instrument.code for a in administrations}
    if len(codes) > 1:
        raise ComparisonRefused(
            _("Different instruments (%(codes)s): only administrations of the same instrument can be compared.")
            % {"codes": ", ".join(sorted(codes))}
        )
    first = administrations[0].instrument.definition
    area_codes = tuple(area.code for area in first.areas)
    notes = []
    fingerprints = {a.instrument.fingerprint for a in administrations}
    for administration in administrations[1:]:
        other = administration.instrument.definition
        if tuple(area.code for area in other.areas) != area_codes:
            raise ComparisonRefused(
                _("%(other)s uses other areas than %(first)s, so their area percentages cannot stand side by side.")
                % {"other": administration.instrument, "first": administrations[0].instrument}
            )
    if len(fingerprints) > 1:
        versions = ", ".join(sorted({f"v{a.instrument.version}" for a in administrations}))
        notes.append(
            _(
                "Different definition versions (%(versions)s). The areas are the same, but each column is computed "
                "with its own definition; the results are not pooled."
            )
            % {"versions": versions}
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


# --- the needs ranking, for the BK program ---------------------------------------------------------------------


@dataclass(frozen=True)
class RankedNeed:
    """One item of a needs ranking: ``frequency`` students of ``n`` answered "ya" (AKPD/IKMS) or,
    for a problem checklist (DCM, AUM Umum; ``problem``), ticked it as a problem they have."""

    bidang: str
    rank: int  # 1 = the most wanted need of its bidang
    number: int
    text: str
    frequency: int
    n: int
    percent: Percent
    problem: bool = False
    critical: bool = False  # a critical item (wajib konsultasi): individual follow-up, not a class topic


@dataclass(frozen=True)
class BidangNeeds:
    """A bidang's group figure (Σya or Σticked over its items × N) and its ranked needs."""

    bidang: str
    percent: Percent
    needs: list[RankedNeed]


class NotNeeds(ActionError):
    code = "instruments.not_needs"


def needs_kinds() -> list[str]:
    """The scoring kinds whose group results rank needs per bidang (AKPD/IKMS) or problems per bidang
    (DCM, AUM Umum): what a BK program is drafted from."""
    return [kind.name for kind in kinds.all_kinds() if kind.ranks_needs or kind.ranks_problems]


def needs_profile(
    administration: Administration, *, rombel_ids: Iterable[int] | None = None, visible: set[int] | None = None
) -> list[BidangNeeds]:
    """The needs of an administration per bidang, the bidang with the highest group figure first
    (ties in the canonical order), each with its items ranked most marked first (ties in item
    order; items nobody marked left out), as the instrument's kind computes them. Aggregates only
    (no sheet, no name). Refused (ActionError) for a kind that ranks neither needs nor problems;
    empty when no sheet was submitted.

    ``visible`` (assignment ids the viewer may see one by one; None: all) applies the class
    profile's rule: the sheets of fewer than MIN_UNSERVED_IN_FIGURES students the viewer does not
    serve are left out, so the counts cannot give their answers away by difference."""
    definition = administration.instrument.definition
    kind = kinds.of(definition)
    if not (kind.ranks_needs or kind.ranks_problems):
        raise NotNeeds(_("Only a needs assessment (AKPD/IKMS) or a problem checklist (DCM, AUM) ranks needs."))
    with collector_paused():
        loaded = load_sheets(administration, rombel_ids=rombel_ids)
        if visible is not None:
            shown = [sheet for sheet in loaded if sheet.assignment_id in visible]
            if 0 < len(loaded) - len(shown) < MIN_UNSERVED_IN_FIGURES:
                loaded = shown
        if not loaded:
            return []
        score_sheets(definition, loaded)
        group = kind.score_group(definition, [sheet.result for sheet in loaded])
    problem = not kind.ranks_needs
    critical = set(definition.critical_items)
    rows = [
        BidangNeeds(
            bidang,
            share,
            [
                RankedNeed(
                    bidang,
                    rank,
                    row.number,
                    row.text,
                    row.frequency,
                    group.n,
                    row.percent,
                    problem,
                    row.number in critical,
                )
                for rank, row in enumerate(ranked, start=1)
            ],
        )
        for bidang, (share, ranked) in kind.needs_by_bidang(definition, group).items()
    ]
    return sorted(rows, key=lambda row: -row.percent.value)  # stable: ties keep the canonical order


def needs_ranking(
    administration: Administration, *, rombel_ids: Iterable[int] | None = None, visible: set[int] | None = None
) -> dict[str, list]:
    """`needs_profile` as ``{bidang: [RankedNeed, ...]}`` in the canonical bidang order."""
    profile = {row.bidang: row.needs for row in needs_profile(administration, rombel_ids=rombel_ids, visible=visible)}
    definition = administration.instrument.definition
    return {bidang: profile[bidang] for bidang in definition.bidang_codes() if bidang in profile}
