"""Answers from a spreadsheet (a Google Forms export, or a sheet typed by a colleague): preview, then apply.

Same pattern as the student import (`students/imports.py`): the file is parsed and compared first,
and the outcome is kept in an AnswerImport (rows encrypted, counts in its summary) until the
counselor confirms. Differences, and why:

- All or nothing. Answers of one student are one sheet; a file with any bad row is not applied at
  all, so a counselor never has to find out which half of a class went in. They fix the file and
  upload it again.
- One row per student, found by NISN (never by name). NISN is text and keeps its leading zeros;
  Excel turns 0012345678 into the number 12345678, so a number cell (or, in a CSV, where Excel
  wrote the number, an 8 or 9 digit text) is padded back to 10 digits.
- Item columns are recognised by the item number at the start of the header (`12`, `12.`, `12)`,
  `No 12`, `Butir 12`, `12. Saya sering pusing`) or in Google Forms' grid brackets
  (`Pertanyaan [12]`); NISN, the columns the kind reads besides items (AUM Umum's heavy items,
  `berat`) and open questions (by code or text) by name. Every other column (Timestamp, Nama,
  Email) is ignored and listed as such.
- A guru BK writes only sheets of students they serve (`assignment.view`): a row for anyone else is
  a row error that names no student.
- Confirming compares again: a sheet that changed since the preview (the student went on filling
  online) refuses the whole import, so nothing the counselor did not see is overwritten.
- The pending import is deleted when applied or cancelled, so it cannot be applied twice; a preview
  nobody confirms is deleted after PREVIEW_KEEP_DAYS.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ekonseling.accounts.models import User
from ekonseling.core import audit, policy, spreadsheets
from ekonseling.core.errors import ActionError
from ekonseling.core.spreadsheets import is_empty_row
from ekonseling.students import importing

from . import answers as sheets
from . import entry, kinds
from .definition import Definition
from .models import Administration, AnswerImport, Assignment
from .scoring import AnswersInvalid

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 2000
MAX_COLUMNS = 1000
HEADER_SCAN_ROWS = 10
MAX_EMPTY_RUN = 500
PREVIEW_KEEP_DAYS = 2
PAYLOAD_VERSION = 1
SHOWN_ERRORS = 300  # a file with more has something wrong everywhere; the first ones tell what


class ImportFileError(ActionError, ValueError):
    """The file as a whole is unusable (not a spreadsheet, empty, no NISN column, too big)."""

    code = "instruments.import_file"


class ImportRefused(ActionError):
    """A pending import that may not be applied as asked."""

    code = "instruments.import_refused"


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's own 1-based row number
    column: str  # "E · 12. Saya sering pusing", or "" for the whole row
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def max_bytes() -> int:
    return getattr(settings, "ANSWER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ImportFileError(
            _("The file is too big (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": formats.number_format(size / 1048576, 1), "limit": formats.number_format(limit / 1048576, 0)}
        )


# --- reading the file -----------------------------------------------------------------------------------------


# The reader's refusals in this import's wording: the student import's, where this one words it differently.
FILE_MESSAGES = {
    **importing.FILE_MESSAGES,
    "old_excel": gettext_lazy(
        "This file is in the old Excel format (.xls). Open it in Excel, then save it as .xlsx or CSV."
    ),
    "unsupported": gettext_lazy("This file type is not supported. Upload an .xlsx or .csv file."),
    "binary": gettext_lazy("This file is not CSV text. Upload an .xlsx or .csv file."),
}


def read_table(file_bytes: bytes, filename: str) -> tuple[list[list], bool]:
    """The rows as lists of cell values (row i is spreadsheet row i + 1), and whether it was a CSV."""
    limits = spreadsheets.Limits(
        max_rows=MAX_DATA_ROWS + HEADER_SCAN_ROWS,  # the data, title rows and the header
        max_columns=MAX_COLUMNS,
        max_empty_run=MAX_EMPTY_RUN,
        header_scan_rows=HEADER_SCAN_ROWS,
    )
    try:
        table = spreadsheets.read(file_bytes, filename, limits, find_header)
    except spreadsheets.SpreadsheetError as exc:
        if exc.code == "too_many_rows":
            raise _too_many_rows() from exc
        raise ImportFileError(str(FILE_MESSAGES[exc.code]) % exc.params) from exc
    return table.rows, table.from_csv


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)d data rows; split it by rombel.") % {"limit": MAX_DATA_ROWS}
    )


# --- the header -------------------------------------------------------------------------------------------------


def header_key(text: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


_NISN_WORDS = re.compile(r"^(?:no|nomor|nomer)?(?:induk)?(?:siswa|peserta(?:didik)?)?nasional(?:nisn)?(?:siswa)?$")


def _is_nisn(label: object) -> bool:
    """ "NISN", "NISN siswa", "N.I.S.N", "Nomor Induk Siswa Nasional" with or without "(NISN)",
    "No. Induk Siswa Nasional", "Nomor Induk Peserta Didik Nasional"; not an item that mentions NISN."""
    if item_number_of(label) is not None:
        return False
    words = re.findall(r"[0-9a-z]+", str(label or "").casefold())
    if "nisn" in words and len(words) <= 6:
        return True
    key = "".join(words)
    if len(words) > 8 or not key:
        return False
    return key in ("nisn", "nisnsiswa") or ("induk" in key and bool(_NISN_WORDS.match(key)))


def find_header(rows: list[list]) -> int | None:
    """Index of the first of the top rows with a NISN column, or None."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(_is_nisn(value) for value in row if value is not None):
            return index
    return None


_PREFIX = r"(?:(?:no|nomor|nomer|butir|item|soal|pertanyaan|pernyataan|q)\s*\.?\s*)?"
_ITEM_HEADER = re.compile(rf"^\s*{_PREFIX}(\d{{1,4}})(?:\s*[.):\]-]|\s|$)", re.IGNORECASE)
_ITEM_BRACKET = re.compile(rf"\[\s*{_PREFIX}(\d{{1,4}})(?:\s*[.):-][^\]]*|\s[^\]]*)?\]\s*$", re.IGNORECASE)


def item_number_of(label: object) -> int | None:
    """The item number a column header starts with (or carries in Google Forms' grid brackets)."""
    if label is None:
        return None
    if isinstance(label, int | float) and not isinstance(label, bool):
        return int(label) if float(label).is_integer() and label > 0 else None
    text = str(label)
    match = _ITEM_HEADER.match(text) or _ITEM_BRACKET.search(text)
    return int(match.group(1)) if match else None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _shown_label(label: object, limit: int = 40) -> str:
    text = " ".join(str(label if label is not None else "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Header:
    row: int
    nisn: int
    items: dict[int, int] = field(default_factory=dict)  # column index -> item number
    fields: dict[str, int] = field(default_factory=dict)  # answer field the kind reads (e.g. "heavy") -> column
    open: dict[int, str] = field(default_factory=dict)  # column index -> open question code
    labels: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def column(self, index: int) -> str:
        return f"{column_letter(index)} · {self.labels.get(index, '')}".rstrip(" ·")


def read_header(definition: Definition, rows: list[list]) -> Header:
    kind = kinds.of(definition)
    index = find_header(rows)
    if index is None:
        raise ImportFileError(
            _(
                "No NISN column was found in the first %(rows)d rows. Every row must have the student's NISN in a "
                "column titled NISN."
            )
            % {"rows": HEADER_SCAN_ROWS}
        )
    labels = rows[index]
    row_number = index + 1
    nisn_columns = [i for i, label in enumerate(labels) if _is_nisn(label)]
    header = Header(row=row_number, nisn=nisn_columns[0])
    header.labels = {i: _shown_label(label) for i, label in enumerate(labels)}
    if len(nisn_columns) > 1:
        header.errors.append(
            RowError(row_number, header.column(nisn_columns[1]), _("there is more than one NISN column."))
        )
    questions = {}
    for question in definition.open_questions:
        questions.setdefault(header_key(question.code), question.code)
        questions.setdefault(header_key(question.text), question.code)
    seen_items: dict[int, int] = {}
    for i, label in enumerate(labels):
        if i in nisn_columns or label is None or not str(label).strip():
            continue
        number = item_number_of(label)
        if number is not None:
            if number not in definition.items_by_number:
                header.errors.append(
                    RowError(
                        row_number,
                        header.column(i),
                        _("item %(items)s does not exist (this instrument has %(range)s).")
                        % {"items": number, "range": entry.number_range(definition)},
                    )
                )
            elif number in seen_items:
                header.errors.append(
                    RowError(
                        row_number,
                        header.column(i),
                        _("item %(number)d already has column %(column)s.")
                        % {"number": number, "column": column_letter(seen_items[number])},
                    )
                )
            else:
                seen_items[number] = i
                header.items[i] = number
                header.labels[i] = _("item %(number)d") % {"number": number}  # shorter than a Google Forms question
            continue
        key = header_key(label)
        if key in questions and questions[key] not in header.open.values():
            header.open[i] = questions[key]
        elif (name := kind.import_field(label)) is not None and name not in header.fields:
            header.fields[name] = i
        else:
            header.ignored.append(_shown_label(label))
    missing = [item.number for item in definition.items if item.number not in seen_items]
    if missing:
        header.errors.append(
            RowError(
                row_number,
                "",
                _("there is no column for item %(items)s; every item needs one column.")
                % {"items": entry.number_list(missing)},
            )
        )
    return header


# --- the rows ---------------------------------------------------------------------------------------------------


def _cell(row: list, index: int) -> object:
    return row[index] if index < len(row) else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


#: The shortest NISN Excel leaves of a real one: a NISN is 10 digits, and Excel drops the leading
#: zeros of a number (every demo NISN starts with 000, so 0001234567 becomes 1234567).
MIN_STRIPPED_DIGITS = 7


def read_nisn(raw: object, *, from_csv: bool) -> tuple[str | None, str | None]:
    """(nisn, None) or (None, message). Zeros Excel dropped are put back; a short typed NISN is a typo.

    See :func:`read_nisn_padded` for whether zeros were put back.
    """
    nisn, message, _padded = read_nisn_padded(raw, from_csv=from_csv)
    return nisn, message


def read_nisn_padded(raw: object, *, from_csv: bool) -> tuple[str | None, str | None, bool]:
    """(nisn, message, padded): a number of 7–9 digits (an .xlsx number cell, or digits in a CSV
    that Excel wrote) is the NISN with its leading zeros stripped and is padded back to 10; the
    preview then accepts it only when the padded NISN is a student of the school."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("The NISN is empty."), False
    if isinstance(raw, bool):
        return None, _("The NISN must be 10 digits."), False
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            return None, _nisn_digits(raw), False
        digits = str(int(raw))
        if int(raw) > 0 and MIN_STRIPPED_DIGITS <= len(digits) <= 10:
            return digits.zfill(10), None, len(digits) < 10
        return None, _nisn_digits(digits), False
    text = re.sub(r"\s+", "", str(raw)).lstrip("'")
    if re.fullmatch(r"\d{10}", text):
        return text, None, False
    if from_csv and re.fullmatch(r"[1-9]\d{6,8}", text):  # Excel wrote the number without its zeros
        return text.zfill(10), None, True
    return None, _nisn_digits(_shown_label(raw, 20)), False


def _nisn_digits(written: object) -> str:
    return _("The NISN must be 10 digits (written: %(written)s).") % {"written": written}


@dataclass
class Parsed:
    header: Header
    records: list[dict]  # {"row", "nisn" (or None), "doc" (or None when the row has errors), "padded", "blank"}
    errors: list[RowError]
    data_rows: int


def parse(definition: Definition, file_bytes: bytes, filename: str) -> Parsed:
    """Pure: the file's rows as answer documents, with every error located by row and column."""
    rows, from_csv = read_table(file_bytes, filename)
    header = read_header(definition, rows)
    errors = list(header.errors)
    records = []
    data_rows = 0
    for index in range(header.row, len(rows)):
        row = rows[index]
        if is_empty_row(row):
            continue
        data_rows += 1
        number = index + 1
        row_errors: list[RowError] = []
        nisn, message, padded = read_nisn_padded(_cell(row, header.nisn), from_csv=from_csv)
        if message:
            row_errors.append(RowError(number, header.column(header.nisn), message))
        doc = _read_answers(definition, header, row, number, row_errors)
        errors += row_errors
        blank = kinds.of(definition).blank_is_no and not _answered_anything(header, row)
        records.append(
            {"row": number, "nisn": nisn, "doc": None if row_errors else doc, "padded": padded, "blank": blank}
        )
    if data_rows > MAX_DATA_ROWS:
        raise _too_many_rows()
    if not data_rows:
        raise ImportFileError(
            _(
                "The file has a header (row %(row)d) but no rows of answers under it: there is nothing to import. "
                "Fill in one row per student."
            )
            % {"row": header.row}
        )
    return Parsed(header, records, errors, data_rows)


def _answered_anything(header: Header, row: list) -> bool:
    """Whether any answer cell of the row (items, the kind's own columns, open questions) is filled in.

    A checklist row with a NISN and nothing else is not "ticked nothing" for certain: it may be a
    student whose answers were never typed. The preview warns and counts such rows.
    """
    columns = [*header.items, *header.fields.values(), *header.open]
    return any(_text(_cell(row, index)) for index in columns)


def _read_answers(definition: Definition, header: Header, row: list, number: int, errors: list[RowError]) -> dict:
    kind = kinds.of(definition)
    items: dict[str, object] = {}
    missing = []
    for index, item_number in header.items.items():
        item = definition.items_by_number[item_number]
        value, message = kind.import_cell(definition, item, _text(_cell(row, index)))
        if message:
            errors.append(RowError(number, header.column(index), message))
        elif value is not None:
            items[str(item_number)] = value
        elif not kind.blank_is_no:
            missing.append(item_number)
    if missing:
        errors.append(
            RowError(number, "", _("item %(items)s is not answered.") % {"items": entry.number_list(sorted(missing))})
        )
    doc: dict = {"items": dict(sorted(items.items(), key=lambda kv: int(kv[0])))}
    doc.update(kind.import_defaults())
    for name, index in header.fields.items():
        value, problems = kind.read_import_field(definition, name, _text(_cell(row, index)), items)
        errors.extend(RowError(number, header.column(index), problem) for problem in problems)
        doc[name] = value
    open_errors: list[entry.EntryError] = []
    fields = {f"open.{code}": _text(_cell(row, index)) for index, code in header.open.items()}
    open_answers = entry.parse_open(definition, fields, open_errors)
    columns = {f"open.{code}": header.column(index) for index, code in header.open.items()}
    errors.extend(RowError(number, columns[e.field], e.message) for e in open_errors)
    if open_answers:
        doc["open"] = open_answers
    return doc


# --- preview ------------------------------------------------------------------------------------------------------


def preview(administration: Administration, file_bytes: bytes, filename: str, user: User) -> AnswerImport:
    """Parse and compare, then keep the outcome as a pending AnswerImport. Nothing else is written."""
    answer_import = build_preview(administration, file_bytes, filename, user)
    cutoff = timezone.now() - datetime.timedelta(days=PREVIEW_KEEP_DAYS)
    AnswerImport.objects.filter(school_id=administration.school_id, created_at__lt=cutoff).delete()
    answer_import.save()
    return answer_import


def build_preview(administration: Administration, file_bytes: bytes, filename: str, user: User) -> AnswerImport:
    from ekonseling.students.models import Student

    check_size(len(file_bytes))
    definition = administration.instrument.definition
    parsed = parse(definition, file_bytes, filename)
    nisns = {record["nisn"] for record in parsed.records if record["nisn"]}
    students = {
        s.nisn: s
        for s in Student.objects.filter(school_id=administration.school_id, nisn__in=nisns).only("pk", "nisn", "name")
    }
    sheets_by_student = {
        a.student_id: a
        for a in administration.assignments.filter(student__in=[s.pk for s in students.values()]).select_related(
            "student__rombel"
        )
    }
    served = set(
        policy.visible(
            user, "assignment.view", administration.assignments.filter(student__in=students.values())
        ).values_list("pk", flat=True)
    )
    errors = list(parsed.errors)
    warnings = []
    nisn_column = parsed.header.column(parsed.header.nisn)  # the same label as the reading errors'
    counts = {"unknown_nisn": 0, "not_in_administration": 0, "not_served": 0, "duplicates": 0}
    first_row: dict[str, int] = {}
    rows = []
    for record in parsed.records:
        nisn, number = record["nisn"], record["row"]
        if nisn is None:
            continue
        if nisn in first_row:
            counts["duplicates"] += 1
            errors.append(
                RowError(
                    number,
                    nisn_column,
                    _("NISN %(nisn)s is already in row %(row)d; one row per student.")
                    % {"nisn": nisn, "row": first_row[nisn]},
                )
            )
            continue
        first_row[nisn] = number
        student = students.get(nisn)
        sheet = sheets_by_student.get(student.pk) if student else None
        if student is None:
            counts["unknown_nisn"] += 1
            if record.get("padded"):
                message = _(
                    "NISN %(nisn)s is not a student of this school (the cell held %(written)s: Excel drops the "
                    "leading zeros of a number, and with them put back it is no student's NISN)."
                ) % {"nisn": nisn, "written": nisn.lstrip("0")}
            else:
                message = _("NISN %(nisn)s is not a student of this school.") % {"nisn": nisn}
            errors.append(RowError(number, nisn_column, message))
            continue
        if sheet is None:
            counts["not_in_administration"] += 1
            errors.append(
                RowError(
                    number,
                    nisn_column,
                    _("the student with NISN %(nisn)s is not part of this administration.") % {"nisn": nisn},
                )
            )
            continue
        if sheet.pk not in served:
            counts["not_served"] += 1
            errors.append(
                RowError(
                    number,
                    nisn_column,
                    _(
                        "the student with NISN %(nisn)s is not one you serve; only their guru BK may enter their "
                        "answers."
                    )
                    % {"nisn": nisn},
                )
            )
            continue
        if record["doc"] is None:
            continue
        try:
            sheets.check_complete(definition, record["doc"])
        except AnswersInvalid as exc:
            errors.extend(RowError(number, "", str(error)) for error in exc.errors)
            continue
        if record.get("blank"):
            warnings.append(
                RowError(
                    number,
                    "",
                    _(
                        "no answer at all in this row: it will be stored as a sheet that ticked nothing, which "
                        "lowers every percentage of the class. Remove the row if this student's answers are "
                        "missing."
                    ),
                )
            )
        rows.append(
            {
                "row": number,
                "nisn": nisn,
                "blank": bool(record.get("blank")),
                "assignment": sheet.pk,
                "revision": sheet.revision,
                "name": sheet.student.name,
                "rombel": sheet.student.rombel.name if sheet.student.rombel_id else "",
                "action": "replace" if sheet.status == Assignment.Status.SUBMITTED else "new",
                "doc": record["doc"],
            }
        )
    errors.sort(key=lambda e: e.row)
    summary = {
        "rows": parsed.data_rows,
        "ok": len(rows),
        "new": sum(1 for r in rows if r["action"] == "new"),
        "replace": sum(1 for r in rows if r["action"] == "replace"),
        "error_rows": len({e.row for e in errors}),
        "errors": len(errors),
        "blank": len(warnings),
        "assignments": [r["assignment"] for r in rows],  # ids only: who may open the pending import
        **counts,
    }
    payload = {
        "version": PAYLOAD_VERSION,
        "header_row": parsed.header.row,
        "rows": rows,
        "errors": [e.as_dict() for e in errors],
        "warnings": [w.as_dict() for w in warnings],
        "ignored_columns": parsed.header.ignored,
    }
    return AnswerImport(
        school_id=administration.school_id,
        administration=administration,
        uploaded_by=user,
        filename=filename[:255],
        file_sha256=hashlib.sha256(file_bytes).hexdigest(),
        payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        summary=summary,
    )


def show_preview(answer_import: AnswerImport, viewer: User, *, ip: str | None = None, user_agent: str = "") -> dict:
    """`describe` for `viewer`'s preview page; the rows carry students' answers, so the read is audited."""
    shown = describe(answer_import)
    detail = f"answer import preview {answer_import.filename}"
    audit.record_for(viewer, audit.Action.READ, answer_import.administration, detail, ip, user_agent)
    return shown


def describe(answer_import: AnswerImport) -> dict:
    """What the preview page shows: counts, the rows to write, the located errors, ignored columns."""
    payload = json.loads(answer_import.payload) if answer_import.payload else {}
    definition = answer_import.administration.instrument.definition
    rows = []
    for row in payload.get("rows", []):
        doc = row["doc"]
        if entry.is_ordered(definition):
            shown = f"{len(doc.get('items') or {})}/{len(definition.items)}"
        else:
            shown = str(len(doc.get("items") or {}))
            if "heavy" in doc:
                shown += f" ({len(doc['heavy'])})"
        rows.append({**row, "shown": shown})
    summary = answer_import.summary
    errors = payload.get("errors", [])
    return {
        "summary": summary,
        "rows": rows,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, len(errors) - SHOWN_ERRORS),
        "ignored_columns": payload.get("ignored_columns", []),
        "header_row": payload.get("header_row"),
        "warnings": payload.get("warnings", []),
        "can_confirm": not summary.get("errors") and bool(rows),
    }


# --- apply and cancel -----------------------------------------------------------------------------------------------


def apply(
    answer_import: AnswerImport,
    user: User,
    *,
    replace_confirmed: bool = False,
    blank_confirmed: bool = False,
    ip: str | None = None,
    user_agent: str = "",
) -> dict:
    """Write every row in one transaction, or nothing, for `user` (audited). The pending import is consumed.

    Rows with a NISN and no answer at all are written only with ``blank_confirmed``: the counselor
    accepts, having seen their count, that these students ticked nothing.
    """
    try:
        with transaction.atomic():
            applied = _apply(answer_import.pk, user, replace_confirmed, blank_confirmed, ip, user_agent)
    except AnswersInvalid as exc:  # the preview checked every row; only a changed definition gets here
        raise ImportRefused(
            _("The answers no longer fit the instrument; nothing was saved: %(error)s") % {"error": exc}
        ) from exc
    return applied


def _apply(
    pk: int, user: User, replace_confirmed: bool, blank_confirmed: bool, ip: str | None, user_agent: str
) -> dict:
    locked = AnswerImport.objects.select_for_update().filter(pk=pk).select_related("administration").first()
    if locked is None:
        raise ImportRefused(_("This import was already applied or cancelled; the same import is not applied twice."))
    summary = locked.summary
    if summary.get("errors"):
        raise ImportRefused(_("This file still has errors, so nothing was saved. Correct it and upload it again."))
    if not summary.get("ok"):
        raise ImportRefused(_("This file has no answer sheet to store, so there is nothing to confirm."))
    if summary.get("blank") and not blank_confirmed:
        raise ImportRefused(
            ngettext(
                "%(count)d row has a NISN but no answer at all; tick the confirmation that this student ticked "
                "nothing, or remove the row and upload the file again.",
                "%(count)d rows have a NISN but no answer at all; tick the confirmation that these students ticked "
                "nothing, or remove the rows and upload the file again.",
                summary["blank"],
            )
            % {"count": summary["blank"]}
        )
    if summary.get("replace") and not replace_confirmed:
        raise ImportRefused(
            _(
                "Some students have already submitted their answer sheet; tick the confirmation to replace it "
                "with the file."
            )
        )
    administration = locked.administration
    if not policy.can(user, "administration.manage", administration):
        raise ImportRefused(_("You no longer manage this administration."))
    rows = json.loads(locked.payload)["rows"]
    served = {
        a.pk: a
        for a in policy.visible(
            user, "assignment.view", administration.assignments.filter(pk__in=[r["assignment"] for r in rows])
        ).select_for_update()
    }
    for row in rows:
        sheet = served.get(row["assignment"])
        if sheet is None:
            raise ImportRefused(
                _("Row %(row)d: you may no longer enter this student's answers. Nothing was saved.")
                % {"row": row["row"]}
            )
        if sheet.revision != row["revision"]:
            raise ImportRefused(
                _(
                    "Row %(row)d: this student's answer sheet changed since the preview. Nothing was saved; upload "
                    "the file again."
                )
                % {"row": row["row"]}
            )
    from . import services

    for row in rows:
        services.record_sheet(served[row["assignment"]], row["doc"], by=user, source=Assignment.Source.IMPORT)
    result = {"written": len(rows), "new": summary.get("new", 0), "replace": summary.get("replace", 0)}
    detail = (
        f"answer import {locked.filename}: {result['written']} sheets "
        f"({result['new']} new, {result['replace']} replaced)"
    )
    audit.record_for(user, audit.Action.CHANGE, administration, detail, ip, user_agent)
    locked.delete()
    return result


def cancel(answer_import: AnswerImport) -> None:
    AnswerImport.objects.filter(pk=answer_import.pk).delete()
