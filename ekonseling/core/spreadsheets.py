"""Reading an uploaded spreadsheet (.xlsx or CSV) into rows of cell values, safely.

Shared by the student import and the instrument answer import, so that both refuse the same hostile
or broken files the same way. The importers decide what the rows mean (`find_header`, the limits,
their own wording); this module only turns bytes into rows:

- The content decides how a file is read, the name only breaks ties: an .xlsx renamed to .csv still
  reads, and a PDF renamed to .xlsx gets a clear message instead of a parser's traceback.
- Nothing unbounded is built from an upload: an .xlsx that would unpack into something absurd (a zip
  bomb) is refused before openpyxl opens it; rows are cut at `max_columns`; a file with more than
  `max_rows` filled rows is refused while it is read; a long run of empty rows ends the data (Excel
  carries formatting down to row 1,048,576, in the .xlsx and in a CSV saved from it).
- CSV is whatever Excel or Google Forms wrote: UTF-8 with or without BOM, UTF-16 ("Unicode text"),
  else cp1252 (older Excel, latin-1 as the last resort); `;` (Indonesian Excel), `,` or tab.

Every refusal is a `SpreadsheetError` with a `code` (see `CODES`) and a translated message; an importer
with its own wording maps the code to it.
"""

import csv
import io
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A 5 MB .xlsx is compressed XML; one that unpacks beyond this is a zip bomb, not a class list.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DELIMITERS = (";", ",", "\t")

CODES = (
    "empty",
    "old_excel",
    "pdf",
    "not_xlsx",
    "unsupported",
    "unpacked_too_big",
    "no_sheets",
    "damaged_xlsx",
    "damaged_utf16",
    "binary",
    "bad_csv",
    "too_many_rows",
)


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read. `code` says why, for an importer that words it its own way."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params  # the values in the message (e.g. "error", "limit"), for a rewording


@dataclass(frozen=True)
class Limits:
    max_rows: int  # filled rows, title and header rows included
    max_columns: int  # cells beyond are dropped, not refused: trailing formatted columns are common
    max_empty_run: int  # this many empty rows in a row end the data
    header_scan_rows: int  # how far down a header may be: picks the sheet and the CSV delimiter
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES


@dataclass(frozen=True)
class Table:
    rows: list  # lists of cell values; rows[i] is spreadsheet row i + 1; no trailing empty rows
    from_csv: bool  # a CSV has only text: numbers Excel wrote without their leading zeros look like text


def read(file_bytes, filename, limits, find_header: Callable[[list], int | None]):
    """The file's rows as a `Table`. Raises SpreadsheetError when the file as a whole is unusable.

    `find_header(rows)` returns the index of the header row in the top rows, or None: it picks the
    sheet of a workbook (a school may keep notes on a first sheet) and the delimiter of a CSV.
    """
    if not file_bytes or not file_bytes.strip():
        raise SpreadsheetError("empty", _("The file is empty."))
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if file_bytes[:4] == b"PK\x03\x04":
        return Table(_read_xlsx(file_bytes, limits, find_header), from_csv=False)
    if file_bytes[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # also what a password-protected .xlsx is
        raise SpreadsheetError(
            "old_excel",
            _(
                "This is an old Excel file (.xls) or a password-protected one. Open it in Excel and save it as "
                ".xlsx (without a password) or CSV."
            ),
        )
    if file_bytes[:5] == b"%PDF-":
        raise SpreadsheetError("pdf", _("This file is a PDF, not a spreadsheet. Upload an .xlsx or .csv file."))
    if ext in ("xlsx", "xlsm"):
        raise SpreadsheetError("not_xlsx", _("This file is not an Excel spreadsheet (.xlsx) that can be read."))
    if ext in ("csv", "txt", ""):
        return Table(_read_csv(file_bytes, limits, find_header), from_csv=True)
    raise SpreadsheetError("unsupported", _("This kind of file is not supported. Upload an .xlsx or .csv file."))


def is_empty_row(row):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def trim_empty_tail(rows):
    while rows and is_empty_row(rows[-1]):
        rows.pop()
    return rows


def _too_many_rows(limits):
    return SpreadsheetError(
        "too_many_rows",
        _("The file has more than %(limit)s filled rows. Split it into smaller files.") % {"limit": limits.max_rows},
        limit=limits.max_rows,
    )


def _bounded(rows, limits, stop_after=None):
    """The rows, cut to `max_columns`; stops after a long empty run, or after `stop_after` rows."""
    kept = []
    empty_run = filled = 0
    for values in rows:
        row = list(values[: limits.max_columns])
        if is_empty_row(row):
            empty_run += 1
            if empty_run > limits.max_empty_run:
                break
        else:
            empty_run = 0
            filled += 1
            if filled > limits.max_rows:
                raise _too_many_rows(limits)
        kept.append(row)
        if stop_after is not None and len(kept) >= stop_after:
            break
    return trim_empty_tail(kept)


def _read_xlsx(file_bytes, limits, find_header):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(file_bytes)) as archive:
            if sum(info.file_size for info in archive.infolist()) > limits.max_unpacked_bytes:
                raise SpreadsheetError("unpacked_too_big", _("The Excel file is too large once unpacked."))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise SpreadsheetError(
            "not_xlsx", _("This file is not an Excel spreadsheet (.xlsx) that can be read.")
        ) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise SpreadsheetError("no_sheets", _("This Excel file has no worksheets."))
        # Only the top rows of each sheet are read to find the one with a header: a long notes sheet
        # is neither read in full nor counted against the row limit.
        for sheet in sheets:
            if find_header(_sheet_rows(sheet, limits, stop_after=limits.header_scan_rows)) is not None:
                return _sheet_rows(sheet, limits)
        return _sheet_rows(sheets[0], limits)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError("damaged_xlsx", _("This Excel file is damaged or cannot be read.")) from exc
    finally:
        workbook.close()


def _sheet_rows(sheet, limits, stop_after=None):
    sheet.reset_dimensions()  # trust the cells, not the file's own claim about its size
    return _bounded(sheet.iter_rows(values_only=True), limits, stop_after)


def _read_csv(file_bytes, limits, find_header):
    text = _decode(file_bytes)
    delimiter = _sniff_delimiter(text, limits, find_header)
    try:
        return _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)
    except csv.Error as exc:
        message = _("This CSV file cannot be read: %(error)s.") % {"error": exc}
        raise SpreadsheetError("bad_csv", message, error=exc) from exc


def _decode(file_bytes):
    """UTF-8 with or without BOM (Google Forms, Excel's "CSV UTF-8"); UTF-16; else cp1252 (older Excel)."""
    if file_bytes[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return file_bytes.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError("damaged_utf16", _("This UTF-16 text file is damaged.")) from exc
    if b"\x00" in file_bytes[:4096]:
        raise SpreadsheetError(
            "binary", _("This file is not a spreadsheet: it is not CSV text. Upload an .xlsx or .csv file.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return file_bytes.decode(encoding)
        except UnicodeDecodeError:
            continue
    return file_bytes.decode("latin-1")  # decodes every byte


def _sniff_delimiter(text, limits, find_header):
    """The delimiter that splits the header row into the most cells; else the most frequent one.

    Counting characters alone would not do: Google Forms headers are item texts full of commas.
    """
    head = "\n".join(text.splitlines()[: limits.header_scan_rows * 2])
    best, best_cells = None, 0
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        index = find_header(rows)
        if index is not None and len(rows[index]) > best_cells:
            best, best_cells = delimiter, len(rows[index])
    return best or max(DELIMITERS, key=head.count)
