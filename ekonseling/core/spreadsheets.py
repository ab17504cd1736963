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
import itertools
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MB = 1024 * 1024
# What the server may spend on one upload (issue 11: at most 256 MB more memory and 10 s for the
# worst file under each limit; `bench/bench_hostile_files.py` measures it). An .xlsx is a zip of XML:
# each part is capped by its kind before openpyxl opens the file, because what openpyxl holds grows
# with the part (every shared string is kept, with an index), not with the zip. The sizes checked
# are the ones the zip declares, and they hold: Python's zip reader stops at the declared size, and
# a part that unpacks to more fails its checksum.
# What costs time and memory in openpyxl is the number of cells and of shared strings (a few
# microseconds and up to a hundred bytes each), not bytes: a cell can be 16 bytes of XML. So both
# are counted in the unpacked XML (a streaming scan, well under a second) before openpyxl starts.
MAX_FILE_BYTES = 16 * MB  # the importers' own limits are lower (5 MB); this is the reader's floor
MAX_UNPACKED_BYTES = 100 * MB  # all parts together
MAX_SHARED_STRINGS_BYTES = 16 * MB  # a 5,000-student Dapodik export holds about 10 MB
MAX_SHEET_BYTES = 48 * MB
MAX_OTHER_PART_BYTES = 1 * MB  # styles, themes, workbook: kilobytes in a real file
MAX_PARTS = 500
# 2,000 answer sheets of a 240-item instrument are 500,000 cells; 5,000 students of a Dapodik
# export about 350,000.
MAX_CELLS = 500_000
MAX_SHARED_STRINGS = 250_000
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
# One physical CSV line: a 1,000-column row of answers is about 10 kB. csv.reader turns a line
# into one string per cell before `max_columns` cuts it, so a line of 5 million `;` would be
# 5 million strings.
MAX_CSV_LINE_CHARS = 256 * 1024
DELIMITERS = (";", ",", "\t")

CODES = (
    "empty",
    "too_big",
    "line_too_long",
    "too_many_cells",
    "too_many_texts",
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

    def __init__(self, code: str, message: str, **params: Any):
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
    max_bytes: int = MAX_FILE_BYTES


@dataclass(frozen=True)
class Table:
    rows: list  # lists of cell values; rows[i] is spreadsheet row i + 1; no trailing empty rows
    from_csv: bool  # a CSV has only text: numbers Excel wrote without their leading zeros look like text


FindHeader = Callable[[list], int | None]


def read(file_bytes: bytes, filename: str, limits: Limits, find_header: FindHeader) -> Table:
    """The file's rows as a `Table`. Raises SpreadsheetError when the file as a whole is unusable.

    `find_header(rows)` returns the index of the header row in the top rows, or None: it picks the
    sheet of a workbook (a school may keep notes on a first sheet) and the delimiter of a CSV.
    """
    if len(file_bytes) > limits.max_bytes:
        raise SpreadsheetError(
            "too_big",
            _("The file is larger than %(limit)s MB.") % {"limit": limits.max_bytes // MB},
            limit=limits.max_bytes // MB,
        )
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


def read_sheets(file_bytes: bytes, limits: Limits) -> dict[str, list]:
    """Every worksheet of an .xlsx workbook as {title: rows}, under the same checks as `read`
    (size, zip bomb, cell and text counts; each sheet bounded by `limits`). For a workbook whose
    sheets each mean something (an instrument definition template); CSV cannot hold several sheets,
    so anything but an .xlsx is refused with the same codes as `read`."""
    if len(file_bytes) > limits.max_bytes:
        raise SpreadsheetError(
            "too_big",
            _("The file is larger than %(limit)s MB.") % {"limit": limits.max_bytes // MB},
            limit=limits.max_bytes // MB,
        )
    if not file_bytes or not file_bytes.strip():
        raise SpreadsheetError("empty", _("The file is empty."))
    if file_bytes[:4] != b"PK\x03\x04":
        raise SpreadsheetError("not_xlsx", _("This file is not an Excel spreadsheet (.xlsx) that can be read."))
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(file_bytes)) as archive:
            _check_parts(archive.infolist(), limits)
            _check_counts(archive)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            "not_xlsx", _("This file is not an Excel spreadsheet (.xlsx) that can be read.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("no_sheets", _("This Excel file has no worksheets."))
        return {sheet.title: _sheet_rows(sheet, limits) for sheet in workbook.worksheets}
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError("damaged_xlsx", _("This Excel file is damaged or cannot be read.")) from exc
    finally:
        workbook.close()


def is_empty_row(row: Iterable) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def trim_empty_tail(rows: list) -> list:
    while rows and is_empty_row(rows[-1]):
        rows.pop()
    return rows


def _too_many_rows(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        "too_many_rows",
        _("The file has more than %(limit)s filled rows. Split it into smaller files.") % {"limit": limits.max_rows},
        limit=limits.max_rows,
    )


def _bounded(rows: Iterable, limits: Limits, stop_after: int | None = None) -> list:
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


def _read_xlsx(file_bytes: bytes, limits: Limits, find_header: FindHeader) -> list:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(file_bytes)) as archive:
            _check_parts(archive.infolist(), limits)
            _check_counts(archive)
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


def _part_limit(name: str) -> int:
    name = name.lower()
    if name.endswith("sharedstrings.xml"):
        return MAX_SHARED_STRINGS_BYTES
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return MAX_SHEET_BYTES
    return MAX_OTHER_PART_BYTES


def _check_parts(parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip whose parts would unpack into more than a spreadsheet needs (a zip bomb),
    from the sizes its directory declares, before anything is unpacked."""
    too_big = SpreadsheetError("unpacked_too_big", _("The Excel file is too large once unpacked."))
    if len(parts) > MAX_PARTS:
        raise too_big
    if sum(info.file_size for info in parts) > limits.max_unpacked_bytes:
        raise too_big
    if any(info.file_size > _part_limit(info.filename) for info in parts):
        raise too_big


def _count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes], limit: int) -> int:
    """How many times the pattern occurs in a part, streamed; stops past `limit`."""
    found = 0
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(MB):
            block = tail + chunk
            # A tag that starts in the last 32 bytes is counted with the next block, where it is whole.
            cut = max(0, len(block) - 32)
            found += sum(1 for match in pattern.finditer(block) if match.start() < cut)
            tail = block[cut:]
            if found > limit:
                return found
    return found + len(pattern.findall(tail))


def _check_counts(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook with more cells or shared strings than any import needs, before openpyxl
    spends seconds and memory on each of them."""
    cells = 0
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith("sharedstrings.xml"):
            if _count(archive, info, _SHARED_STRING, MAX_SHARED_STRINGS) > MAX_SHARED_STRINGS:
                limit = f"{MAX_SHARED_STRINGS:,}".replace(",", ".")
                raise SpreadsheetError(
                    "too_many_texts",
                    _("The Excel file holds more than %(limit)s different texts.") % {"limit": limit},
                    limit=limit,
                )
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cells += _count(archive, info, _CELL, MAX_CELLS - cells)
            if cells > MAX_CELLS:
                raise _too_many_cells()


def _too_many_cells() -> SpreadsheetError:
    return SpreadsheetError(
        "too_many_cells",
        _("The Excel file has more than %(limit)s cells. Delete the sheets and columns that are not needed.")
        % {"limit": f"{MAX_CELLS:,}".replace(",", ".")},
        limit=f"{MAX_CELLS:,}".replace(",", "."),
    )


def _sheet_rows(sheet: Any, limits: Limits, stop_after: int | None = None) -> list:
    sheet.reset_dimensions()  # trust the cells, not the file's own claim about its size
    return _bounded(sheet.iter_rows(values_only=True), limits, stop_after)


def _read_csv(file_bytes: bytes, limits: Limits, find_header: FindHeader) -> list:
    text = _decode(file_bytes)
    delimiter = _sniff_delimiter(text, limits, find_header)
    try:
        return _bounded(csv.reader(_lines(text), delimiter=delimiter), limits)
    except csv.Error as exc:
        message = _("This CSV file cannot be read: %(error)s.") % {"error": exc}
        raise SpreadsheetError("bad_csv", message, error=exc) from exc


def _decode(file_bytes: bytes) -> str:
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


def _lines(text: str) -> Iterator[str]:
    """The physical lines of the text, one at a time; refuses a line no spreadsheet row needs."""
    for line in io.StringIO(text, newline=""):
        if len(line) > MAX_CSV_LINE_CHARS:
            raise SpreadsheetError(
                "line_too_long",
                _("A line of this CSV file is longer than %(limit)s characters.") % {"limit": MAX_CSV_LINE_CHARS},
                limit=MAX_CSV_LINE_CHARS,
            )
        yield line


def _sniff_delimiter(text: str, limits: Limits, find_header: FindHeader) -> str:
    """The delimiter that splits the header row into the most cells; else the most frequent one.

    Counting characters alone would not do: Google Forms headers are item texts full of commas.
    """
    head = "".join(itertools.islice(_lines(text), limits.header_scan_rows * 2))
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
