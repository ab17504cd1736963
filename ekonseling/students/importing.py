"""Reading and checking a student spreadsheet: Dapodik's "Daftar Peserta Didik" or a school's own list.

Pure: bytes in, plain records and row errors out, no database. What to create or update, and the
transaction, live in `imports.py`; keeping the rules here means the web UI and the management
command can never disagree about what a row means, and the rules are testable with generated files.

Why the rules are as they are:

- Columns are found by header name, never by position: Dapodik releases add and move columns, and a
  school's own file can have any order. The header row is looked for in the first rows, because a
  Dapodik export starts with title rows (list title, school, district, download date, downloader).
- Dapodik's header is two rows: most columns are merged over both, while "Data Ayah", "Data Ibu" and
  "Data Wali" span six sub-columns named on the second row. The header is read from the cell values
  alone (a merged cell's other cells are empty), so the same code reads the .xlsx and a CSV saved
  from it, where the merges are gone.
- Only the columns BK uses are read, a whitelist. The personal data BK does not need (bank accounts,
  national ID numbers, social-aid card numbers, coordinates, see `DROPPED_COLUMNS`) never leaves
  this module; its presence is reported so the operator is told it was ignored.
- A record holds only the non-empty cells of its row. An empty cell means "the file does not say",
  never "erase": `imports.py` relies on this so that a sparse file cannot blank out a record.
- NISN is text and keeps its leading zeros. Excel turns a typed 0012345678 into the number 12345678:
  a numeric NISN cell with at most 10 digits is therefore left-padded with zeros. A text NISN is never
  padded: a short NISN typed as text is a typo, not a lost zero, and padding it would invent a number.
- Messages are short and specific and go through gettext (English msgids, Indonesian in `locale/id`);
  they name the file's columns as the file does (Nama, NISN, JK: Dapodik's headers), since the
  operator reads the row report next to the spreadsheet. A row error is worded in the language of
  the upload that found it (the preview keeps it as text).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekonseling.core import spreadsheets
from ekonseling.core.errors import ActionError
from ekonseling.core.text import clean as clean_text

MAX_DATA_ROWS = 5000
HEADER_SCAN_ROWS = 15
MAX_COLUMNS = 300
# Excel files often carry formatting down to row 1,048,576; this many empty rows in a row ends the data.
MAX_EMPTY_RUN = 1000
OLDEST_BIRTH_DATE = datetime.date(1900, 1, 1)


class ImportFileError(ActionError, ValueError):
    """The file as a whole is unusable (not a spreadsheet, empty, no header, too big): nothing is read."""

    code = "students.import_file"


@dataclass(frozen=True)
class RowError:
    row_number: int  # the spreadsheet's own 1-based row number, so the operator can find it
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row_number, "field": self.field, "message": self.message}


@dataclass
class ParseResult:
    records: list  # valid rows: dicts with "row" and only the non-empty values
    errors: list  # RowError, by row
    data_rows: int  # non-empty rows under the header
    header_row: int
    dropped_columns: list  # header labels, as written in the file, whose data was not read
    unknown_columns: list  # header labels not recognised (ignored)
    sheet: str = ""

    @property
    def error_rows(self) -> int:
        return len({e.row_number for e in self.errors})


def header_key(text: object) -> str:
    """Headers compare without case, spaces or punctuation: "Jml. Saudara Kandung" = "jml saudara kandung"."""
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def _tokens(text: object) -> set[str]:
    return set(re.findall(r"[0-9a-z]+", str(text).casefold()))


@dataclass(frozen=True)
class Column:
    key: str  # a Student attribute, or "ayah.name" for a guardian's
    label: str  # how Dapodik names it; used in messages
    aliases: tuple
    kind: str
    max_length: int | None = None


COLUMNS = [
    Column("name", "Nama", ("nama", "namapesertadidik", "namasiswa", "namalengkap"), "name", 200),
    Column("nipd", "NIPD", ("nipd", "nis", "nomorinduk", "noinduk", "nomorindukpesertadidik"), "code", 30),
    Column("sex", "JK", ("jk", "jeniskelamin", "lp", "kelamin"), "sex"),
    Column("nisn", "NISN", ("nisn",), "nisn"),
    Column("birth_place", "Tempat Lahir", ("tempatlahir", "tmplahir", "tempatlhr"), "place", 100),
    Column("birth_date", "Tanggal Lahir", ("tanggallahir", "tgllahir", "tgllhr", "tanggallhr"), "date"),
    Column("religion", "Agama", ("agama",), "religion"),
    Column("address", "Alamat", ("alamat", "alamatjalan", "alamatrumah"), "text", 300),
    Column("rt", "RT", ("rt",), "code", 5),
    Column("rw", "RW", ("rw",), "code", 5),
    Column("dusun", "Dusun", ("dusun",), "text", 100),
    Column("kelurahan", "Kelurahan", ("kelurahan", "desa", "kelurahandesa", "desakelurahan"), "text", 100),
    Column("kecamatan", "Kecamatan", ("kecamatan",), "text", 100),
    Column("postal_code", "Kode Pos", ("kodepos",), "code", 10),
    Column("living_with", "Jenis Tinggal", ("jenistinggal", "tempattinggal"), "text", 60),
    Column("transport", "Alat Transportasi", ("alattransportasi", "transportasi", "modatransportasi"), "text", 60),
    Column("phone", "Telepon", ("telepon", "telp", "notelepon", "nomortelepon", "notelp"), "phone", 30),
    Column("mobile", "HP", ("hp", "nohp", "nomorhp", "handphone", "nowa", "nomorwa"), "phone", 30),
    Column("email", "E-Mail", ("email", "surel"), "email", 254),
    Column("rombel", "Rombel", ("rombelsaatini", "rombel", "kelas", "rombonganbelajar"), "rombel", 50),
    Column("special_needs", "Kebutuhan Khusus", ("kebutuhankhusus",), "needs", 200),
    Column("previous_school", "Sekolah Asal", ("sekolahasal", "asalsekolah"), "text", 200),
    Column("birth_order", "Anak ke-berapa", ("anakkeberapa", "anakke"), "order"),
    Column("siblings", "Jml. Saudara Kandung", ("jmlsaudarakandung", "jumlahsaudarakandung"), "count"),
    Column(
        "distance_km",
        "Jarak Rumah ke Sekolah (KM)",
        ("jarakrumahkesekolahkm", "jarakrumahkesekolah", "jarakkesekolah", "jarakkesekolahkm"),
        "distance",
    ),
]

GUARDIAN_RELATIONS = ("ayah", "ibu", "wali")
GUARDIAN_FIELDS = ("name", "birth_year", "education", "occupation", "income", "phone")


def _guardian_columns(rel: str) -> list[Column]:
    group = f"data{rel}"
    return [
        Column(f"{rel}.name", f"Nama {rel}", (f"{group}nama", f"nama{rel}", f"nama{rel}kandung"), "name", 200),
        Column(f"{rel}.birth_year", f"Tahun lahir {rel}", (f"{group}tahunlahir", f"tahunlahir{rel}"), "year"),
        Column(
            f"{rel}.education",
            f"Pendidikan {rel}",
            (f"{group}jenjangpendidikan", f"{group}pendidikan", f"pendidikan{rel}", f"jenjangpendidikan{rel}"),
            "text",
            60,
        ),
        Column(f"{rel}.occupation", f"Pekerjaan {rel}", (f"{group}pekerjaan", f"pekerjaan{rel}"), "text", 100),
        Column(f"{rel}.income", f"Penghasilan {rel}", (f"{group}penghasilan", f"penghasilan{rel}"), "text", 60),
        Column(
            f"{rel}.phone",
            f"HP {rel}",
            (f"hp{rel}", f"nohp{rel}", f"nomorhp{rel}", f"telepon{rel}", f"notelepon{rel}"),
            "phone",
            30,
        ),
    ]


for _rel in GUARDIAN_RELATIONS:
    COLUMNS.extend(_guardian_columns(_rel))

COLUMN_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = ("name", "nisn", "sex", "rombel")
STUDENT_KEYS = tuple(c.key for c in COLUMNS if "." not in c.key)

# Personal data BK does not need. Never read; reported as ignored when the file has it.
DROPPED_COLUMNS = (
    "NIK",
    "NIK Ayah",
    "NIK Ibu",
    "NIK Wali",
    "No KK",
    "Bank",
    "Nomor Rekening Bank",
    "Rekening Atas Nama",
    "No. KPS",
    "Penerima KPS",
    "Nomor KIP",
    "Penerima KIP",
    "Nama di KIP",
    "Nomor KKS",
    "No Registrasi Akta Lahir",
    "Lintang",
    "Bujur",
    "Layak PIP (usulan dari sekolah)",
    "Alasan Layak PIP",
    "SKHUN",
    "No Peserta Ujian Nasional",
    "No Seri Ijazah",
    "Berat Badan",
    "Tinggi Badan",
    "Lingkar Kepala",
)
_DROPPED_KEYS = {header_key(label) for label in DROPPED_COLUMNS} | {f"data{rel}nik" for rel in GUARDIAN_RELATIONS}
# A differently worded header of the same data ("No. Rekening", "NIK Ayah Kandung") is caught by its words.
_DROPPED_WORDS = {"nik", "kk", "bank", "rekening", "kps", "kip", "kks", "pip", "lintang", "bujur", "skhun", "ijazah"}
_IGNORED_KEYS = {"", "no", "nomor", "nourut"}
_GROUP_KEYS = {f"data{rel}" for rel in GUARDIAN_RELATIONS}
_SUBHEADER_KEYS = {"nama", "tahunlahir", "jenjangpendidikan", "pekerjaan", "penghasilan", "nik"}


def is_dropped(label: object) -> bool:
    return header_key(label) in _DROPPED_KEYS or bool(_tokens(label) & _DROPPED_WORDS)


# --- reading the file ---------------------------------------------------------------------------------

# The reader's refusals in this import's wording (see `spreadsheets.CODES`); too many rows is `_too_many_rows`.
FILE_MESSAGES = {
    "empty": gettext_lazy("The file is empty: it has no content."),
    "too_big": gettext_lazy("The file is too big; the limit is %(limit)s MB."),
    "too_many_cells": gettext_lazy(
        "This Excel file holds more than %(limit)s cells. Delete the sheets or columns that are not needed."
    ),
    "too_many_texts": gettext_lazy("This Excel file holds more than %(limit)s different texts."),
    "line_too_long": gettext_lazy(
        "One line of this CSV file is longer than %(limit)s characters; this is not a normal spreadsheet."
    ),
    "old_excel": gettext_lazy(
        "The file is in the old Excel format (.xls) or locked with a password. Open it in Excel, then save it "
        "as .xlsx (without a password) or CSV."
    ),
    "pdf": gettext_lazy("This file is a PDF, not a spreadsheet. Upload an .xlsx or .csv file."),
    "not_xlsx": gettext_lazy("The file is not an Excel spreadsheet (.xlsx) that can be read."),
    "unsupported": gettext_lazy(
        "This kind of file is not supported. Upload an .xlsx file (a Dapodik download, for example) or a .csv file."
    ),
    "unpacked_too_big": gettext_lazy("The content of the Excel file is too large once unpacked."),
    "no_sheets": gettext_lazy("This Excel file has no worksheets."),
    "damaged_xlsx": gettext_lazy("This Excel file is damaged or could not be read."),
    "damaged_utf16": gettext_lazy("This UTF-16 text file is damaged."),
    "binary": gettext_lazy("This file is not a spreadsheet: it is not CSV text. Upload an .xlsx or .csv file."),
    "bad_csv": gettext_lazy("This CSV file could not be read: %(error)s."),
}


def read_table(file_bytes: bytes, filename: str) -> list[list]:
    """The rows of the spreadsheet as lists of cell values; row i of the list is spreadsheet row i + 1."""
    limits = spreadsheets.Limits(
        max_rows=MAX_DATA_ROWS + HEADER_SCAN_ROWS + 2,  # the data, title rows and a two-row header
        max_columns=MAX_COLUMNS,
        max_empty_run=MAX_EMPTY_RUN,
        header_scan_rows=HEADER_SCAN_ROWS,
    )
    try:
        return spreadsheets.read(file_bytes, filename, limits, find_header).rows
    except spreadsheets.SpreadsheetError as exc:
        if exc.code == "too_many_rows":
            raise _too_many_rows() from exc
        raise ImportFileError(FILE_MESSAGES[exc.code] % exc.params) from exc


def _too_many_rows() -> ImportFileError:
    limit = f"{MAX_DATA_ROWS:,}".replace(",", ".")  # Indonesian thousands separator
    return ImportFileError(
        _(
            "The file has more than %(limit)s data rows; the limit is %(limit)s per import. "
            "Split the file into parts, for example by grade."
        )
        % {"limit": limit}
    )


# --- the header -----------------------------------------------------------------------------------------


def find_header(rows: list[list]) -> int | None:
    """Index of the first of the top rows that names at least Nama and NISN, or None."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = set()
        for value in row:
            if isinstance(value, str):
                column = COLUMN_BY_ALIAS.get(header_key(value))
                if column is not None:
                    keys.add(column.key)
        if {"name", "nisn"} <= keys:
            return index
    return None


def _cell_label(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def combine_header(rows: list[list], index: int) -> tuple[list[str], int]:
    """The label of every column, and the index of the first data row.

    A second header row exists when the header names a parent group ("Data Ayah") or the next row
    holds sub-column names; a plain file's first data row is never mistaken for one.
    """
    top = [_cell_label(v) for v in rows[index]]
    below = [_cell_label(v) for v in rows[index + 1]] if index + 1 < len(rows) else []
    top_keys = [header_key(v) for v in top]
    below_keys = {header_key(v) for v in below}
    two_rows = bool(set(top_keys) & _GROUP_KEYS) or len(below_keys & (_SUBHEADER_KEYS - {"nama"})) >= 2
    if not two_rows:
        return top, index + 1
    width = max(len(top), len(below))
    top += [""] * (width - len(top))
    below += [""] * (width - len(below))
    labels = []
    group = ""
    for upper, lower in zip(top, below, strict=True):
        if upper:
            # A merged group label sits in its first cell only; it carries to the right while sub-columns follow.
            group = upper if header_key(upper) in _GROUP_KEYS else ""
        if lower and header_key(lower) != header_key(upper):
            owner = upper if upper and not group else group
            labels.append(f"{owner} {lower}".strip())
        else:
            labels.append(upper or lower or group)
    return labels, index + 2


def map_columns(labels: list[str]) -> tuple[dict[int, Column], list[str], list[str]]:
    """Column index → Column for the columns read, plus the dropped and the unrecognised labels.

    When two headers name the same data, the more specific one wins, in the order of the aliases:
    a file with both "Kelas" (the grade) and "Rombel" takes the rombel from "Rombel".
    """
    best = {}  # column key -> (alias rank, index)
    dropped, unknown = [], []
    for index, label in enumerate(labels):
        key = header_key(label)
        if key in _IGNORED_KEYS:
            continue
        if is_dropped(label):
            dropped.append(label)
            continue
        column = COLUMN_BY_ALIAS.get(key)
        if column is None:
            unknown.append(label)
            continue
        candidate = (column.aliases.index(key), index)
        if column.key in best:
            unknown.append(labels[max(best[column.key], candidate)[1]])
            candidate = min(best[column.key], candidate)
        best[column.key] = candidate
    mapping = {index: COLUMN_BY_KEY[key] for key, (_, index) in best.items()}
    return mapping, list(dict.fromkeys(dropped)), list(dict.fromkeys(unknown))


def _is_numbering_row(row: list) -> bool:
    """Some exports put a row of column numbers (1, 2, 3, ...) under the header."""
    values = [v for v in row if not (v is None or (isinstance(v, str) and not v.strip()))]
    if len(values) < 3:
        return False
    try:
        numbers = [int(str(v).strip()) if not isinstance(v, float) else int(v) for v in values]
    except ValueError:
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# --- the rows -------------------------------------------------------------------------------------------


def parse(file_bytes: bytes, filename: str, *, today: datetime.date | None = None) -> ParseResult:
    """Read, map and check every row. Raises ImportFileError when the file as a whole is unusable."""
    today = today or datetime.date.today()
    rows = read_table(file_bytes, filename)
    if not rows:
        raise ImportFileError(_("The file is empty: no row has content."))
    header_index = find_header(rows)
    if header_index is None:
        raise ImportFileError(
            _(
                "No header row was found: none of the first %(rows)d rows holds the columns Nama and NISN. "
                "Make sure the file has one header row with the columns Nama, NISN, JK and Rombel (or upload "
                "the Dapodik file as it is)."
            )
            % {"rows": HEADER_SCAN_ROWS}
        )
    labels, start = combine_header(rows, header_index)
    mapping, dropped, unknown = map_columns(labels)
    present = {column.key for column in mapping.values()}
    missing = [COLUMN_BY_KEY[key].label for key in REQUIRED_KEYS if key not in present]
    if missing:
        raise ImportFileError(
            _(
                "Required columns are missing: %(columns)s. The header row (row %(row)d) must hold Nama, NISN, "
                "JK and Rombel."
            )
            % {"columns": ", ".join(missing), "row": header_index + 1}
        )
    if start < len(rows) and _is_numbering_row(rows[start]):
        start += 1

    records, errors = [], []
    first_row_of_nisn = {}
    data_rows = 0
    for index in range(start, len(rows)):
        row = rows[index]
        cells = {column: row[i] for i, column in mapping.items() if i < len(row)}
        if all(_blank(v) for v in cells.values()):
            continue
        data_rows += 1
        if data_rows > MAX_DATA_ROWS:
            raise _too_many_rows()
        number = index + 1
        record, row_errors = _check_row(number, cells, today)
        nisn = record.get("nisn")
        if nisn:
            first = first_row_of_nisn.setdefault(nisn, number)
            if first != number:
                row_errors.append(
                    RowError(
                        number,
                        "NISN",
                        _("NISN %(nisn)s appears twice: it is already used in row %(row)d")
                        % {"nisn": nisn, "row": first},
                    )
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            records.append(record)
    if data_rows == 0:
        raise ImportFileError(
            _("There are no data rows below the header row (row %(row)d).") % {"row": header_index + 1}
        )
    return ParseResult(
        records=records,
        errors=errors,
        data_rows=data_rows,
        header_row=header_index + 1,
        dropped_columns=dropped,
        unknown_columns=unknown,
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and _text(value) == "")


def _check_row(number: int, cells: dict[Column, object], today: datetime.date) -> tuple[dict, list[RowError]]:
    record = {"row": number}
    errors = []
    for column, raw in cells.items():
        try:
            value = _CHECKS[column.kind](raw, column, today)
        except _Invalid as exc:
            errors.append(RowError(number, column.label, str(exc)))
            continue
        if value is None or value == "":
            continue
        if column.max_length and isinstance(value, str) and len(value) > column.max_length:
            message = _("%(column)s is too long (at most %(limit)d characters)") % {
                "column": column.label,
                "limit": column.max_length,
            }
            errors.append(RowError(number, column.label, message))
            continue
        if "." in column.key:
            rel, name = column.key.split(".")
            record.setdefault("guardians", {}).setdefault(rel, {})[name] = value
        else:
            record[column.key] = value
    for key, label, message in _REQUIRED_IN_ROW:
        if key not in record and not any(e.field == label for e in errors):
            errors.append(RowError(number, label, str(message)))
    # A guardian is a name first: sub-columns without a name (an empty "Data Wali") make no guardian.
    guardians = {rel: data for rel, data in record.get("guardians", {}).items() if data.get("name")}
    if guardians:
        record["guardians"] = guardians
    else:
        record.pop("guardians", None)
    errors.sort(key=lambda e: _FIELD_ORDER.get(e.field, 99))
    return record, errors


_REQUIRED_IN_ROW = (
    ("name", "Nama", gettext_lazy("Nama is empty")),
    ("nisn", "NISN", gettext_lazy("NISN is empty")),
    ("sex", "JK", gettext_lazy("JK is empty")),
)
_FIELD_ORDER = {column.label: i for i, column in enumerate(COLUMNS)}


class _Invalid(ValueError):
    pass


def _written(raw: object, column: Column | None = None) -> dict[str, str]:
    """The parameters of a cell's error message: what the cell holds, and its column's label."""
    return {"value": _shown(raw), "column": column.label if column is not None else ""}


def _shown(raw: object) -> str:
    text = raw.isoformat() if isinstance(raw, datetime.date) else _text(raw) or str(raw)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _text(value: object) -> str:
    """Cell text with whitespace collapsed; Dapodik writes "-" for "nothing"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = " ".join(clean_text(str(value)).split())  # no RTL override in a name (students.names)
    return "" if text in ("-", "--", "'") else text


_PARTICLES = {"bin", "binti"}


def tidy_name(value: object) -> str:
    """Names come in any capitalisation: "  AHMAD  fauzi " → "Ahmad Fauzi", "siti BINTI ahmad" → "Siti binti Ahmad".

    Every name is recased the same way, so a file and its re-import agree. str.title() would write
    "Ma'Ruf": a letter after an apostrophe stays lower case ("Ma'ruf"), a letter after - . ( / does not.
    """
    words = _text(value).split(" ")
    tidy = []
    for position, word in enumerate(words):
        lower = word.lower()
        if position > 0 and lower in _PARTICLES:
            tidy.append(lower)
        else:
            tidy.append(re.sub(r"(^|[-.(/])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), lower))
    return " ".join(tidy)


def _check_text(raw: object, column: Column, today: datetime.date) -> str:
    return _text(raw)


def _check_name(raw: object, column: Column, today: datetime.date) -> str:
    return tidy_name(raw)


def _check_code(raw: object, column: Column, today: datetime.date) -> str:
    """NIPD, RT, RW, postal code: a number cell becomes its digits ("3", not "3.0")."""
    if isinstance(raw, bool):
        raise _Invalid(_("%(column)s is not valid (written: %(value)s)") % _written(raw, column))
    return _text(raw)


def _check_phone(raw: object, column: Column, today: datetime.date) -> str:
    """A numeric cell lost the leading 0 of an Indonesian mobile number (08…): it is put back."""
    text = _text(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool) and text.startswith("8") and 9 <= len(text) <= 13:
        return "0" + text
    return text


def _check_nisn(raw: object, column: Column, today: datetime.date) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise _Invalid(_("NISN must be 10 digits (written: %(value)s)") % _written(raw))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            raise _Invalid(_("NISN must be 10 digits (written: %(value)s)") % _written(raw))
        digits = str(int(raw))
        # Excel drops at most the two leading zeros a real NISN has (the birth years 2000-2019);
        # a shorter number is not a NISN that lost zeros, and padding it would invent one.
        if int(raw) >= 0 and 8 <= len(digits) <= 10:
            return digits.zfill(10)
        raise _Invalid(_("NISN must be 10 digits (written: %(value)s)") % _written(raw))
    text = re.sub(r"\s+", "", str(raw)).lstrip("'")
    if text in ("", "-"):
        return ""
    if not re.fullmatch(r"\d{10}", text):
        raise _Invalid(_("NISN must be 10 digits (written: %(value)s)") % _written(raw))
    return text


_SEXES = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
}


def _check_sex(raw: object, column: Column, today: datetime.date) -> str:
    text = _text(raw)
    if not text:
        return ""
    sex = _SEXES.get(header_key(text))
    if sex is None:
        raise _Invalid(_("JK must be L or P (written: %(value)s)") % _written(raw))
    return sex


_RELIGIONS = {
    "islam": "islam",
    "kristen": "kristen",
    "protestan": "kristen",
    "kristenprotestan": "kristen",
    "katolik": "katolik",
    "katholik": "katolik",
    "kristenkatolik": "katolik",
    "hindu": "hindu",
    "buddha": "buddha",
    "budha": "buddha",
    "budda": "buddha",
    "khonghucu": "khonghucu",
    "konghucu": "khonghucu",
    "khonghuchu": "khonghucu",
    "konghuchu": "khonghucu",
    "lainnya": "",
    "tidakdiisi": "",
}


def _check_religion(raw: object, column: Column, today: datetime.date) -> str:
    """Dapodik's spellings (Katholik, Budha, "Kepercayaan kpd Tuhan YME") map to `models.Religion`."""
    text = _text(raw)
    if not text:
        return ""
    key = header_key(text)
    if key.startswith("kepercayaan"):
        return "kepercayaan"
    if key in _RELIGIONS:
        return _RELIGIONS[key]
    raise _Invalid(_("The religion is not recognised (written: %(value)s)") % _written(raw))


_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "agus": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_D_MONTH_Y = re.compile(r"(\d{1,2})[ -]([a-z]+)[ -](\d{4})")


def parse_date(raw: object) -> datetime.date | None:
    """A real Excel date, an Excel serial number, or text as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or
    "5 Maret 2009". Raises _Invalid for an impossible date ("2010-02-30") or an unknown format."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell that lost its date format shows as Excel's serial day number.
        if 367 <= raw < 2958466:
            from openpyxl.utils.datetime import from_excel

            return from_excel(raw).date()
        raise _Invalid(_("The date of birth is in an unknown format (written: %(value)s)") % _written(raw))
    text = _text(raw).lower()
    if not text:
        return None
    if match := _YMD.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DMY.fullmatch(text):
        day, month, year = match.groups()
    elif (match := _D_MONTH_Y.fullmatch(text)) and match.group(2) in _MONTHS:
        day, month, year = match.group(1), _MONTHS[match.group(2)], match.group(3)
    else:
        raise _Invalid(
            _(
                "The date of birth is in an unknown format (written: %(value)s); use for example 2010-05-31 "
                "or 31/05/2010"
            )
            % _written(raw)
        )
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise _Invalid(_("The date of birth is not in the calendar (written: %(value)s)") % _written(raw)) from None


def _check_date(raw: object, column: Column, today: datetime.date) -> datetime.date | None:
    date = parse_date(raw)
    if date is None:
        return None
    if date > today:
        raise _Invalid(_("The date of birth is in the future (written: %(value)s)") % _written(raw))
    if date < OLDEST_BIRTH_DATE:
        raise _Invalid(_("The date of birth is before 1900 (written: %(value)s)") % _written(raw))
    return date


def _number(raw: object, column: Column) -> Decimal | None:
    if isinstance(raw, bool):
        raise _Invalid(_("%(column)s must be a number (written: %(value)s)") % _written(raw, column))
    if isinstance(raw, int | float):
        raw = _text(raw)
    text = _text(raw).replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _Invalid(_("%(column)s must be a number (written: %(value)s)") % _written(raw, column))
    return number


def _check_count(raw: object, column: Column, today: datetime.date) -> int | None:
    number = _number(raw, column)
    if number is None:
        return None
    if number != number.to_integral_value() or not 0 <= number <= 99:
        raise _Invalid(_("%(column)s must be a whole number from 0 to 99 (written: %(value)s)") % _written(raw, column))
    return int(number)


def _check_order(raw: object, column: Column, today: datetime.date) -> int | None:
    """Anak ke-berapa: Dapodik writes 0 when nobody filled it in."""
    value = _check_count(raw, column, today)
    return value or None


def _check_year(raw: object, column: Column, today: datetime.date) -> int | None:
    """A parent's year of birth: Dapodik writes 0 when it is unknown."""
    if isinstance(raw, datetime.date):
        return raw.year
    number = _number(raw, column)
    if number is None or number == 0:
        return None
    if number != number.to_integral_value() or not 1900 <= number <= today.year:
        raise _Invalid(_("%(column)s does not make sense (written: %(value)s)") % _written(raw, column))
    return int(number)


def _check_distance(raw: object, column: Column, today: datetime.date) -> Decimal | None:
    number = _number(raw, column)
    if number is None:
        return None
    if not 0 <= number < 10000:
        raise _Invalid(_("The distance to school must be 0–9999 km (written: %(value)s)") % _written(raw))
    return number.quantize(Decimal("0.01"))


def _check_email(raw: object, column: Column, today: datetime.date) -> str:
    text = _text(raw)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise _Invalid(_("The e-mail address is not valid (written: %(value)s)") % _written(raw)) from None
    return text


def _check_needs(raw: object, column: Column, today: datetime.date) -> str:
    text = _text(raw)
    return "" if header_key(text) in ("tidakada", "tidak", "tidakberkebutuhankhusus", "normal") else text


_CHECKS = {
    "text": _check_text,
    "name": _check_name,
    "place": _check_name,
    "code": _check_code,
    "phone": _check_phone,
    "nisn": _check_nisn,
    "sex": _check_sex,
    "religion": _check_religion,
    "date": _check_date,
    "count": _check_count,
    "order": _check_order,
    "year": _check_year,
    "distance": _check_distance,
    "email": _check_email,
    "needs": _check_needs,
    "rombel": _check_text,
}

_ROMAN_GRADE = re.compile(r"(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?![A-Z])")
_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN = {numeral: grade for grade, numeral in enumerate(_NUMERALS, start=1)}


def rombel_grade(name: str) -> int | None:
    """The grade a rombel name starts with: "XI MIPA 2" → 11, "7A" → 7, "Kelas X-1" → 10; None if it does not."""
    text = re.sub(r"^KELAS\s*", "", _text(name).upper())
    if match := re.match(r"(\d{1,2})(?!\d)", text):
        grade = int(match.group(1))
        return grade if 1 <= grade <= 12 else None
    if match := _ROMAN_GRADE.match(text):
        return _ROMAN[match.group(1)]
    return None


def rombel_key(name: object) -> str:
    """Rombel names match without regard to case or spacing: "x  mipa 1" is the rombel "X MIPA 1"."""
    return " ".join(str(name).split()).casefold()
