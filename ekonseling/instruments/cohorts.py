"""Cohort comparison: one rombel's students across years and administrations, with the change per area.

Counselors ask how a class developed: the AUM of X-1 in its first year against the same students'
AUM in XI and XII, whatever rombel they moved to. The cohort is the students ever enrolled in the
chosen rombel (or in it now). For each administration of the instrument (one code) that the viewer
manages and in which the cohort submitted sheets, the kind's main figure per area is computed
over the cohort's submitted sheets only, each with the administration's own definition (never
pooled). Versions stand side by side only when their area codes are those of the newest version;
the others are left out with a note. The change per area is the difference in percentage points
from one column to the next and from the first to the last.

``complete=True`` keeps only the students who submitted a sheet in every administration shown,
so that a change cannot come from who happened to answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ekonseling.accounts.models import User
from ekonseling.core import crypto, policy
from ekonseling.students.models import Enrollment, Rombel, Student

from . import kinds
from .models import Administration, Assignment
from .reports import Sheet, collector_paused, score_sheets
from .tables import Cell, hundredths, pct, shown
from .text import gettext as _


@dataclass
class Column:
    administration: Administration
    label: str
    n: int
    cells: dict[str, Cell] = field(default_factory=dict)  # area code -> the main figure
    values: dict[str, Fraction] = field(default_factory=dict)


@dataclass
class Cohort:
    rombel: Rombel
    code: str
    metric: str
    students: int  # the cohort's size
    columns: list[Column]
    rows: list[tuple[str, list[Cell | None], list[Cell | None], Cell | None]]  # label, figures, Δ steps, Δ total
    notes: list[str] = field(default_factory=list)

    @property
    def administrations(self) -> list[Administration]:
        return [column.administration for column in self.columns]


def change(before: Fraction | None, after: Fraction | None) -> Cell | None:
    """after − before in percentage points, signed, rounded half up like every figure."""
    if before is None or after is None:
        return None
    difference = after - before
    rounded = hundredths(abs(difference.numerator), difference.denominator)
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    text = f"{sign}{shown(rounded)}"
    value = rounded / 100 if difference >= 0 else -rounded / 100
    return Cell(
        text, _("%(after)s − %(before)s percentage points") % {"after": _fmt(after), "before": _fmt(before)}, value
    )


def _fmt(value: Fraction) -> str:
    return shown(hundredths(value.numerator, value.denominator))


def cohort_students(rombel: Rombel) -> list[int]:
    """The students ever enrolled in the rombel, or in it now."""
    enrolled = Enrollment.objects.filter(rombel=rombel).values_list("student_id", flat=True)
    return sorted(set(Student.objects.filter(Q(rombel=rombel) | Q(pk__in=enrolled)).values_list("pk", flat=True)))


def administrations_for(user: User, rombel: Rombel, code: str, students: Sequence[int]) -> list[Administration]:
    """The administrations of instrument `code` the user manages in which the cohort submitted sheets."""
    visible = policy.visible(
        user, "administration.manage", Administration.objects.filter(school_id=rombel.school_id)
    ).filter(instrument__code=code)
    with_sheets = Assignment.objects.filter(student_id__in=students, status=Assignment.Status.SUBMITTED).values(
        "administration_id"
    )
    return list(visible.filter(pk__in=with_sheets).select_related("instrument", "school").order_by("opens_at", "pk"))


def _load(administration: Administration, students: Iterable[int]) -> list[Sheet]:
    rows = (
        Assignment.objects.filter(
            administration=administration, status=Assignment.Status.SUBMITTED, student_id__in=list(students)
        )
        .annotate(token=Cast("answers", output_field=TextField()))
        .order_by("student__name", "pk")
        .values_list("pk", "student_id", "student__name", "student__nisn", "student__rombel_id", "token")
    )
    decrypt = crypto.fernet().decrypt
    return [
        Sheet(pk, student_id, name, nisn, rombel_id, "", json.loads(decrypt(token.encode())) if token else {})
        for pk, student_id, name, nisn, rombel_id, token in rows
    ]


def _where(administration: Administration, students: Sequence[int]) -> str:
    """The rombel the cohort was in during the administration ("X-1", or "XI-1, XI-2" after a move)."""
    day = administration.opens_at.date()
    names = sorted(
        set(
            Enrollment.objects.filter(
                student_id__in=students,
                academic_year__starts_on__lte=day,
                academic_year__ends_on__gte=day,
                student__instrument_assignments__administration=administration,
                student__instrument_assignments__status=Assignment.Status.SUBMITTED,
            ).values_list("rombel_name", flat=True)
        )
    )
    return ", ".join(names[:4]) + (" …" if len(names) > 4 else "")


def build(user: User, rombel: Rombel, code: str, *, complete: bool = False) -> Cohort:
    with collector_paused():
        return _build(user, rombel, code, complete)


def _build(user: User, rombel: Rombel, code: str, complete: bool) -> Cohort:
    students = cohort_students(rombel)
    administrations = administrations_for(user, rombel, code, students)
    notes: list[str] = []
    if administrations:
        newest = administrations[-1].instrument.definition
        areas = tuple(area.code for area in newest.areas)
        kept = []
        for administration in administrations:
            if tuple(a.code for a in administration.instrument.definition.areas) == areas:
                kept.append(administration)
            else:
                notes.append(
                    _("%(title)s is left out: its version %(version)s has other areas than the newest version.")
                    % {"title": administration.title, "version": administration.instrument.version}
                )
        administrations = kept
        if len({a.instrument.fingerprint for a in administrations}) > 1:
            notes.append(
                _(
                    "Different definition versions with the same areas: each column is computed with its own "
                    "definition; the results are not pooled."
                )
            )
    loaded = {a.pk: _load(a, students) for a in administrations}
    if complete and administrations:
        common = set.intersection(*({sheet.student_id for sheet in sheets} for sheets in loaded.values()))
        loaded = {pk: [s for s in sheets if s.student_id in common] for pk, sheets in loaded.items()}
        notes.append(
            _("Only the %(n)d students who submitted a sheet in every administration shown are counted.")
            % {"n": len(common)}
        )
    columns = []
    for administration in administrations:
        sheets = loaded[administration.pk]
        definition = administration.instrument.definition
        where = _where(administration, students)
        month = f"{timezone.localtime(administration.opens_at):%m/%Y}"
        label = f"{administration.title} ({month}{', ' + where if where else ''})"
        column = Column(administration, label, len(sheets))
        if sheets:
            kind = kinds.of(definition)
            score_sheets(definition, sheets)
            group = kind.score_group(definition, [sheet.result for sheet in sheets])
            for area_code, _name, figure, _band in kind.group_metric(definition, group):
                column.cells[area_code] = pct(figure)
                column.values[area_code] = figure.value
        columns.append(column)
    metric = kinds.of(administrations[-1].instrument.definition).metric if administrations else ""
    rows = []
    if administrations:
        for area in administrations[-1].instrument.definition.areas:
            figures = [column.cells.get(area.code) for column in columns]
            values = [column.values.get(area.code) for column in columns]
            steps = [change(a, b) for a, b in zip(values, values[1:], strict=False)]
            present = [v for v in values if v is not None]
            total = change(present[0], present[-1]) if len(present) >= 2 else None
            rows.append((f"{area.code} {area.name}", figures, steps, total))
    return Cohort(rombel, code, metric, len(students), columns, rows, notes)


def codes_for(user: User) -> list[str]:
    """The instrument codes of the administrations the user manages (the page's choice)."""
    visible = policy.visible(user, "administration.manage", Administration.objects.filter(school_id=user.school_id))
    return sorted(set(visible.values_list("instrument__code", flat=True)))
