"""Reading a spreadsheet of responses (the survey's template, filled from paper or a form).

Columns: `No` (the number in the sociomatrix) and/or `NISN` of the student answering, `Nama`
(ignored), then per criterion c and rank r `K<c> Pilihan <r>` and, when the survey asks for them,
`K<c> Tolak <r>`. A named classmate is written as their number or their NISN. A row with no name
in it is a student who did not answer and is skipped. Every row is checked; one bad row stores
nothing (`services.submit_many` writes all rows in one transaction).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ekonseling.core import spreadsheets
from ekonseling.students.models import Student

from .models import Survey
from .services import CriterionAnswer, check_answers

MAX_BYTES = 5 * 1024 * 1024
HEADER_SCAN_ROWS = 10
LIMITS = spreadsheets.Limits(max_rows=200, max_columns=80, max_empty_run=50, header_scan_rows=HEADER_SCAN_ROWS)
COLUMN = re.compile(r"^K(\d+)(PILIHAN|P|TOLAK|T)(\d+)$")


class ImportError_(ValueError):
    """The file cannot be used: `errors` lists every reason, by row."""

    def __init__(self, errors: Sequence[str]):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass
class Parsed:
    rows: list[tuple[Student, dict[int, CriterionAnswer]]]
    skipped: int


def _norm(value: object) -> str:
    return re.sub(r"[\s._-]+", "", str(value if value is not None else "")).upper()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_header(rows: list) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = {_norm(v) for v in row}
        if ("NISN" in names or "NO" in names) and any(COLUMN.match(n) for n in names):
            return index
    return None


def parse(survey: Survey, file_bytes: bytes, filename: str) -> Parsed:
    """The responses in the file, checked against the survey. Raises ImportError_ with every reason."""
    if len(file_bytes) > MAX_BYTES:
        raise ImportError_([_("The file is larger than 5 MB.")])
    try:
        table = spreadsheets.read(file_bytes, filename, LIMITS, find_header)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportError_([str(exc)]) from exc
    header_at = find_header(table.rows)
    if header_at is None:
        raise ImportError_([_("No header row with No or NISN and columns such as “K1 Pilihan 1” was found.")])
    header = [_norm(v) for v in table.rows[header_at]]
    criteria = list(survey.criteria.all())
    members = list(survey.members.select_related("student"))
    by_number = {str(m.number): m.student for m in members}
    by_nisn = {m.student.nisn: m.student for m in members if m.student.nisn}
    numbers = {m.student_id: m.number for m in members}
    columns: list[tuple[int, int, bool, int]] = []  # (column, criterion index, positive, rank)
    errors: list[str] = []
    for col, name in enumerate(header):
        match = COLUMN.match(name)
        if not match:
            continue
        c, kind, rank = int(match[1]), match[2], int(match[3])
        positive = kind.startswith("P")
        limit = survey.choices if positive else survey.rejections
        if not 1 <= c <= len(criteria) or not 1 <= rank <= max(limit, 0):
            errors.append(_("Column “%(name)s” does not belong to this survey.") % {"name": table.rows[header_at][col]})
            continue
        columns.append((col, c - 1, positive, rank))
    no_col = header.index("NO") if "NO" in header else None
    nisn_col = header.index("NISN") if "NISN" in header else None

    def who(value: str) -> Student | None:
        return by_number.get(value) if len(value) < 4 else by_nisn.get(value.zfill(10))

    parsed: list[tuple[Student, dict[int, CriterionAnswer]]] = []
    seen: set[int] = set()
    skipped = 0
    for offset, row in enumerate(table.rows[header_at + 1 :], start=header_at + 2):
        row = list(row) + [None] * (len(header) - len(row))
        if spreadsheets.is_empty_row(row):
            continue
        cells = {col: _cell(row[col]) for col, *_rest in columns}
        if not any(cells.values()):
            skipped += 1
            continue
        student = None
        if nisn_col is not None and _cell(row[nisn_col]):
            student = by_nisn.get(_cell(row[nisn_col]).zfill(10))
        if student is None and no_col is not None and _cell(row[no_col]):
            student = by_number.get(_cell(row[no_col]))
        if student is None:
            errors.append(_("Row %(row)d: the student answering is not in this survey.") % {"row": offset})
            continue
        if student.pk in seen:
            errors.append(_("Row %(row)d: %(name)s appears twice.") % {"row": offset, "name": student.name})
            continue
        seen.add(student.pk)
        slots: dict[tuple[int, bool], dict[int, int]] = {}
        bad = False
        for col, criterion_index, positive, rank in columns:
            value = cells[col]
            if not value:
                continue
            named = who(value)
            if named is None:
                errors.append(
                    _("Row %(row)d: “%(value)s” is not a number or NISN of this survey.")
                    % {"row": offset, "value": value}
                )
                bad = True
                continue
            slots.setdefault((criterion_index, positive), {})[rank] = named.pk
        if bad:
            continue
        answers: dict[int, CriterionAnswer] = {}
        for index, criterion in enumerate(criteria):
            chosen_slots = slots.get((index, True), {})
            rejected_slots = slots.get((index, False), {})
            for kind_slots in (chosen_slots, rejected_slots):
                if sorted(kind_slots) != list(range(1, len(kind_slots) + 1)):
                    errors.append(
                        _("Row %(row)d: the choices of criterion %(c)d leave a gap (fill them from the first).")
                        % {"row": offset, "c": index + 1}
                    )
                    bad = True
            answers[criterion.pk] = CriterionAnswer(
                [chosen_slots[r] for r in sorted(chosen_slots)], [rejected_slots[r] for r in sorted(rejected_slots)]
            )
        if bad:
            continue
        for error in check_answers(survey, student.pk, answers, members=numbers, criteria=criteria):
            errors.append(_("Row %(row)d: %(error)s") % {"row": offset, "error": error})
            bad = True
        if not bad:
            parsed.append((student, answers))
    if errors:
        raise ImportError_(errors[:50])
    if not parsed:
        raise ImportError_([_("The file holds no answers.")])
    return Parsed(parsed, skipped)


def template_rows(survey: Survey, members: Sequence, criteria: Sequence) -> tuple[list[str], list[list]]:
    """The header and the prefilled rows of the survey's template."""
    header = ["No", "NISN", "Nama"]
    for c in range(1, len(criteria) + 1):
        header += [f"K{c} Pilihan {r}" for r in range(1, survey.choices + 1)]
        header += [f"K{c} Tolak {r}" for r in range(1, survey.rejections + 1)]
    rows = [[m.number, m.student.nisn, m.student.name] for m in members]
    return header, rows
