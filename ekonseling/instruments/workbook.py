"""Instrument definitions as an Excel workbook: a template per scoring kind, reading it back, export.

A school holding a licensed manual (an AUM of 225 items) types it in Excel or Google Sheets, not
in JSON. The workbook has one sheet per part of the definition, with fixed column titles:

==================  =====================================================================
sheet               columns (row 1), one row per entry from row 2
==================  =====================================================================
Instrumen           field, value, explanation: kode, versi, judul, catatan, jenjang,
                    penskoran, target_tingkat (ITP)
Area                kode, nama, bidang
Butir               nomor, area, teks, kunci (PTSDL: + or -)
Pilihan             butir, kode, teks, tingkat (ITP: the statements of each item)
Skala               kode, label, skor_plus, skor_minus, masalah_plus, masalah_minus (PTSDL)
Tingkat             nilai, nama (ITP)
Target              area, tingkat (ITP: per aspect, overriding target_tingkat)
Kategori            bawah, atas, label, deskripsi (the bands)
Butir kritis        nomor
Pertanyaan terbuka  kode, teks, jenis (yes_no, text, choice), pilihan ("kode=Label; ..."), banyak
==================  =====================================================================

Reading builds the same data as a JSON file and validates it with `definition.validate`; every
problem is reported at its sheet, row and column ("Butir, baris 15, kolom B (area)"), never as a
JSON path. `to_xlsx` writes a definition back into the same workbook, so a definition survives
the round trip unchanged (same fingerprint). The template of a kind is its sample definition
(our own item texts) in this workbook, with a first sheet of instructions.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ekonseling.core import spreadsheets

from . import definition as definitions
from . import kinds
from .definition import Definition, DefinitionError, DefinitionInvalid
from .text import gettext as _

MAX_BYTES = 2 * 1024 * 1024
LIMITS = spreadsheets.Limits(max_rows=5000, max_columns=30, max_empty_run=200, header_scan_rows=1, max_bytes=MAX_BYTES)

INFO, AREAS, ITEMS, OPTIONS, SCALE, LEVELS, TARGETS, BANDS, CRITICAL, OPEN = (
    "Instrumen",
    "Area",
    "Butir",
    "Pilihan",
    "Skala",
    "Tingkat",
    "Target",
    "Kategori",
    "Butir kritis",
    "Pertanyaan terbuka",
)
GUIDE = "Petunjuk"

COLUMNS = {
    INFO: ("kolom", "isi", "keterangan"),
    AREAS: ("kode", "nama", "bidang"),
    ITEMS: ("nomor", "area", "teks", "kunci"),
    OPTIONS: ("butir", "kode", "teks", "tingkat"),
    SCALE: ("kode", "label", "skor_plus", "skor_minus", "masalah_plus", "masalah_minus"),
    LEVELS: ("nilai", "nama"),
    TARGETS: ("area", "tingkat"),
    BANDS: ("bawah", "atas", "label", "deskripsi"),
    CRITICAL: ("nomor",),
    OPEN: ("kode", "teks", "jenis", "pilihan", "banyak"),
}
INFO_FIELDS = ("kode", "versi", "judul", "catatan", "jenjang", "penskoran", "target_tingkat")
INFO_HELP = {
    "kode": "kode instrumen, mis. AUM-UMUM-SMA",
    "versi": "naikkan setiap kali isi berubah",
    "judul": "judul instrumen",
    "catatan": "sumber, lisensi, apa yang diubah sekolah (boleh kosong)",
    "jenjang": "SD, SMP, SMA, SMK, PT (pisahkan dengan koma)",
    "penskoran": "jenis penskoran; jangan diubah di templat",
    "target_tingkat": "ITP: tingkat target bawaan setiap aspek",
}
YES_WORDS, NO_WORDS = {"ya", "y", "yes", "true", "1", "benar"}, {"tidak", "t", "no", "false", "0", "salah", ""}


def sheets_for(kind_name: str) -> tuple[str, ...]:
    """The sheets a definition of this kind uses, in the workbook's order."""
    kind = kinds.get(kind_name)
    out = [INFO, AREAS, ITEMS]
    if kind.uses_levels:
        out += [OPTIONS, LEVELS, TARGETS]
    if kind.uses_scale:
        out.append(SCALE)
    return (*out, BANDS, CRITICAL, OPEN)


def columns_for(kind_name: str, sheet: str) -> tuple[str, ...]:
    if sheet == ITEMS and not kinds.get(kind_name).uses_scale:
        return ("nomor", "area", "teks")
    return COLUMNS[sheet]


# --- writing ------------------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    return "" if value is None else value


def rows_of(definition: Definition) -> dict[str, list[list[Any]]]:
    """The definition as the workbook's rows per sheet (header first); what `to_xlsx` writes."""
    name = definition.scoring
    kind = kinds.get(name)
    info = {
        "kode": definition.code,
        "versi": definition.version,
        "judul": definition.title,
        "catatan": definition.notes,
        "jenjang": ", ".join(definition.school_levels),
        "penskoran": name,
        "target_tingkat": definition.target_level,
    }
    fields = [f for f in INFO_FIELDS if f != "target_tingkat" or kind.uses_levels]
    out: dict[str, list[list[Any]]] = {INFO: [list(COLUMNS[INFO])]}
    out[INFO] += [[f, _text(info[f]), INFO_HELP[f]] for f in fields]
    out[AREAS] = [list(COLUMNS[AREAS])] + [[a.code, a.name, a.bidang or ""] for a in definition.areas]
    out[ITEMS] = [list(columns_for(name, ITEMS))]
    for item in definition.items:
        out[ITEMS].append([item.number, item.area, item.text, *([item.key or ""] if kind.uses_scale else [])])
    if kind.uses_levels:
        out[OPTIONS] = [list(COLUMNS[OPTIONS])] + [
            [item.number, option.code, option.text, option.level]
            for item in definition.items
            for option in item.options
        ]
        out[LEVELS] = [list(COLUMNS[LEVELS])] + [[level.value, level.name] for level in definition.levels]
        out[TARGETS] = [list(COLUMNS[TARGETS])] + [[t.area, t.level] for t in definition.targets]
    if kind.uses_scale:
        out[SCALE] = [list(COLUMNS[SCALE])] + [
            [
                s.code,
                s.label,
                s.score_positive,
                s.score_negative,
                "ya" if s.problem_positive else "tidak",
                "ya" if s.problem_negative else "tidak",
            ]
            for s in definition.scale
        ]
    out[BANDS] = [list(COLUMNS[BANDS])] + [[b.lower, b.upper, b.label, b.description] for b in definition.bands]
    out[CRITICAL] = [list(COLUMNS[CRITICAL])] + [[n] for n in definition.critical_items]
    out[OPEN] = [list(COLUMNS[OPEN])] + [
        [
            q.code,
            q.text,
            q.type,
            "; ".join(f"{c.code}={c.label}" for c in q.choices),
            "ya" if q.multiple else "",
        ]
        for q in definition.open_questions
    ]
    return {sheet: out[sheet] for sheet in sheets_for(name)}


def guide_lines(kind_name: str) -> list[str]:
    kind = kinds.get(kind_name)
    lines = [
        "Templat definisi instrumen E-Konseling — " + kind.label,
        "Isi setiap lembar (sheet) mulai baris 2; jangan ubah judul kolom di baris 1 dan nama lembar.",
        "Contoh yang sudah terisi adalah instrumen contoh buatan kami, bukan instrumen berlisensi: ganti "
        "dengan isi manual yang dibeli sekolah.",
        "Instrumen: kode, versi, judul, jenjang. Naikkan versi setiap kali isinya berubah setelah dipakai.",
        "Area: kode unik, nama, bidang (pribadi, sosial, belajar, karier).",
        "Butir: nomor (unik, boleh tidak berurutan), kode area, teks butir.",
        "Kategori: batas bawah dan atas (0–100, tanpa celah), label (mis. A) dan deskripsinya (mis. Sangat ringan).",
        "Butir kritis: nomor butir yang harus segera memberi tahu guru BK (mis. pikiran bunuh diri).",
        "Pertanyaan terbuka: jenis yes_no, text atau choice; pilihan ditulis kode=Label; kode2=Label2.",
    ]
    if kind.uses_scale:
        lines.append("Butir: kunci + atau - untuk setiap butir. Skala: skor dan apakah jawaban itu masalah (ya/tidak).")
    if kind.uses_levels:
        lines.append(
            "Pilihan: pernyataan setiap butir dengan kodenya dan tingkatnya. Tingkat: nilai 1..n dan namanya. "
            "Target: tingkat target per aspek (kosongkan bila semua memakai target_tingkat)."
        )
    lines.append("Kesalahan saat unggah disebut dengan lembar, baris dan kolomnya.")
    return lines


def to_xlsx(definition: Definition) -> bytes:
    """The definition in the workbook; `read` gives it back unchanged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    for line in guide_lines(definition.scoring):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    for sheet, rows in rows_of(definition).items():
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # an item text that begins with "=" stays text
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for index in range(len(rows[0])):
            longest = max((len(str(row[index])) for row in rows if index < len(row)), default=8)
            ws.column_dimensions[get_column_letter(index + 1)].width = min(max(longest + 2, 8), 80)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template(kind_name: str) -> bytes:
    """The kind's template: its sample definition (our own texts) in the workbook."""
    from .services import SAMPLES_DIR

    for path in sorted(SAMPLES_DIR.glob("*.json")):
        sample = definitions.load_definition(path.read_bytes(), path.name)
        if sample.scoring == kind_name:
            return to_xlsx(sample)
    raise KeyError(kind_name)


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    sheet: str
    row: int
    column: str = ""  # the column's title; "" for the whole row or sheet

    def __str__(self) -> str:
        if not self.row:
            return _("sheet %(sheet)s") % {"sheet": self.sheet}
        if not self.column:
            return _("sheet %(sheet)s, row %(row)d") % {"sheet": self.sheet, "row": self.row}
        return _("sheet %(sheet)s, row %(row)d, column %(letter)s (%(column)s)") % {
            "sheet": self.sheet,
            "row": self.row,
            "letter": self.letter,
            "column": self.column,
        }

    @property
    def letter(self) -> str:
        for columns in COLUMNS.values():
            if self.column in columns:
                return _letter(columns.index(self.column))
        return ""


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Reader:
    def __init__(self, sheets: dict[str, list]):
        self.sheets = {self._key(title): rows for title, rows in sheets.items()}
        self.errors: list[DefinitionError] = []
        self.places: dict[str, Place] = {}
        self.columns: dict[str, dict[str, int]] = {}

    @staticmethod
    def _key(title: str) -> str:
        return re.sub(r"\s+", " ", str(title)).strip().casefold()

    def error(self, place: Place, message: str) -> None:
        self.errors.append(DefinitionError(str(place), message))

    def rows(self, sheet: str, columns: tuple[str, ...], *, required: bool) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {column: value}) of the sheet's filled rows; columns found by their titles."""
        rows = self.sheets.get(self._key(sheet))
        if rows is None:
            if required:
                self.error(Place(sheet, 0), _("this sheet is missing; download the template and keep its sheets."))
            return []
        header = [self._key(value or "") for value in (rows[0] if rows else [])]
        found = {}
        for column in columns:
            if column in header:
                found[column] = header.index(column)
            elif required or len(rows) > 1:
                self.error(
                    Place(sheet, 1),
                    _("there is no column titled %(column)s in row 1.") % {"column": column},
                )
        self.columns[sheet] = found
        out = []
        for index, row in enumerate(rows[1:], start=2):
            if spreadsheets.is_empty_row(row):
                continue
            out.append((index, {c: (row[i] if i < len(row) else None) for c, i in found.items()}))
        return out

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def integer(self, value: Any, place: Place) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(place, _("a whole number is needed here."))
            return None
        if isinstance(value, bool):
            self.error(place, _("a whole number is needed here."))
            return None
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)
        text = str(value).strip()
        if re.fullmatch(r"-?\d{1,9}", text):
            return int(text)
        if re.fullmatch(r"-?\d+", text):
            # A number no instrument needs (and Python will not even read past 4,300 digits).
            self.error(place, _("%(value)s is too large a number.") % {"value": repr(text[:20])})
            return None
        self.error(place, _("%(value)s is not a whole number.") % {"value": repr(text[:40])})
        return None

    def flag(self, value: Any, place: Place) -> bool:
        text = self.text(value).casefold()
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        self.error(place, _("write ya or tidak (found %(value)s).") % {"value": repr(text)})
        return False


def read(content: bytes) -> Definition:
    """The definition a filled-in workbook holds. Raises DefinitionInvalid with every problem
    located by sheet, row and column (the file as a whole: at its first line)."""
    try:
        sheets = spreadsheets.read_sheets(content, LIMITS)
    except spreadsheets.SpreadsheetError as exc:
        raise DefinitionInvalid([DefinitionError("", str(exc))]) from exc
    reader = _Reader(sheets)
    data = _data(reader)
    errors = list(reader.errors)
    if "scoring" in data and data.get("answer_format"):
        # a cell already reported (a number that is not one) is not reported again by the schema
        seen = {error.path for error in errors}
        errors += [
            located
            for located in (DefinitionError(_locate(reader, e.path), e.message) for e in definitions.validate(data))
            if located.path not in seen
        ]
    if errors:
        raise DefinitionInvalid(errors)
    return definitions.build(data)


def _locate(reader: _Reader, path: str) -> str:
    """A validation path (``items[12].area``) as the workbook place it came from."""
    probe = path
    while probe:
        if probe in reader.places:
            return str(reader.places[probe])
        probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(r"(\.[^.\[]+|\[\d+\])$", probe) else ""
    top = path.split(".")[0].split("[")[0]
    sheet = {
        "areas": AREAS,
        "items": ITEMS,
        "scale": SCALE,
        "levels": LEVELS,
        "targets": TARGETS,
        "bands": BANDS,
        "critical_items": CRITICAL,
        "open_questions": OPEN,
    }.get(top, INFO)
    return str(Place(sheet, 0))


def _data(reader: _Reader) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": definitions.SCHEMA_VERSION}
    info = {}
    for row, values in reader.rows(INFO, COLUMNS[INFO], required=True):
        field = reader.text(values.get("kolom")).casefold()
        if field in INFO_FIELDS:
            info[field] = (row, values.get("isi"))
        else:
            reader.error(Place(INFO, row, "kolom"), _("unknown field %(field)s.") % {"field": repr(field)})
    keys = {"kode": "code", "versi": "version", "judul": "title", "catatan": "notes"}
    for field, key in keys.items():
        row, value = info.get(field, (0, None))
        reader.places[key] = Place(INFO, row, "isi" if row else "")
        if reader.text(value) or field != "catatan":
            data[key] = reader.text(value)
    row, value = info.get("jenjang", (0, None))
    reader.places["school_levels"] = Place(INFO, row, "isi" if row else "")
    data["school_levels"] = [part.strip().upper() for part in re.split(r"[,;/]", reader.text(value)) if part.strip()]
    row, value = info.get("penskoran", (0, None))
    reader.places["scoring"] = reader.places["answer_format"] = Place(INFO, row, "isi" if row else "")
    scoring = reader.text(value)
    data["scoring"] = scoring
    kind = kinds.get(scoring) if scoring in kinds.NAMES else None
    if kind is not None:
        data["answer_format"] = kind.answer_format
    else:
        reader.error(
            reader.places["scoring"],
            _("scoring kind %(kind)s is unknown; choose from %(choices)s.")
            % {"kind": repr(scoring), "choices": ", ".join(kinds.NAMES)},
        )
        return data
    if kind.uses_levels and "target_tingkat" in info:
        row, value = info["target_tingkat"]
        reader.places["target_level"] = Place(INFO, row, "isi")
        if reader.text(value):
            data["target_level"] = reader.integer(value, Place(INFO, row, "isi"))

    data["areas"] = []
    for index, (row, values) in enumerate(reader.rows(AREAS, COLUMNS[AREAS], required=True)):
        path = f"areas[{index}]"
        _remember(reader, path, AREAS, row, {"code": "kode", "name": "nama", "bidang": "bidang"})
        area = {"code": reader.text(values.get("kode")), "name": reader.text(values.get("nama"))}
        if reader.text(values.get("bidang")):
            area["bidang"] = reader.text(values.get("bidang")).casefold()
        data["areas"].append(area)

    items, by_number = [], {}
    for index, (row, values) in enumerate(reader.rows(ITEMS, columns_for(scoring, ITEMS), required=True)):
        path = f"items[{index}]"
        _remember(reader, path, ITEMS, row, {"number": "nomor", "area": "area", "text": "teks", "key": "kunci"})
        number = reader.integer(values.get("nomor"), Place(ITEMS, row, "nomor"))
        item: dict[str, Any] = {
            "number": number,
            "area": reader.text(values.get("area")),
            "text": reader.text(values.get("teks")),
        }
        if kind.uses_scale:
            item["key"] = reader.text(values.get("kunci"))
        items.append(item)
        if number is not None:
            by_number.setdefault(number, index)
    data["items"] = items

    if kind.uses_levels:
        counts: dict[int, int] = {}
        for row, values in reader.rows(OPTIONS, COLUMNS[OPTIONS], required=True):
            number = reader.integer(values.get("butir"), Place(OPTIONS, row, "butir"))
            if number is None:
                continue
            if number not in by_number:
                reader.error(
                    Place(OPTIONS, row, "butir"),
                    _("item %(number)d is not on the sheet %(sheet)s.") % {"number": number, "sheet": ITEMS},
                )
                continue
            index = by_number[number]
            position = counts.get(index, 0)
            counts[index] = position + 1
            path = f"items[{index}].options[{position}]"
            _remember(reader, path, OPTIONS, row, {"code": "kode", "text": "teks", "level": "tingkat"})
            level = reader.integer(values.get("tingkat"), Place(OPTIONS, row, "tingkat"))
            items[index].setdefault("options", []).append(
                {"code": reader.text(values.get("kode")), "text": reader.text(values.get("teks")), "level": level}
            )
        data["levels"] = []
        for index, (row, values) in enumerate(reader.rows(LEVELS, COLUMNS[LEVELS], required=True)):
            _remember(reader, f"levels[{index}]", LEVELS, row, {"value": "nilai", "name": "nama"})
            value = reader.integer(values.get("nilai"), Place(LEVELS, row, "nilai"))
            data["levels"].append({"value": value, "name": reader.text(values.get("nama"))})
        targets = []
        for index, (row, values) in enumerate(reader.rows(TARGETS, COLUMNS[TARGETS], required=False)):
            _remember(reader, f"targets[{index}]", TARGETS, row, {"area": "area", "level": "tingkat"})
            level = reader.integer(values.get("tingkat"), Place(TARGETS, row, "tingkat"))
            targets.append({"area": reader.text(values.get("area")), "level": level})
        if targets:
            data["targets"] = targets

    if kind.uses_scale:
        data["scale"] = []
        for index, (row, values) in enumerate(reader.rows(SCALE, COLUMNS[SCALE], required=True)):
            names = {
                "code": "kode",
                "label": "label",
                "score_positive": "skor_plus",
                "score_negative": "skor_minus",
                "problem_positive": "masalah_plus",
                "problem_negative": "masalah_minus",
            }
            _remember(reader, f"scale[{index}]", SCALE, row, names)
            data["scale"].append(
                {
                    "code": reader.text(values.get("kode")),
                    "label": reader.text(values.get("label")),
                    "score_positive": reader.integer(values.get("skor_plus"), Place(SCALE, row, "skor_plus")),
                    "score_negative": reader.integer(values.get("skor_minus"), Place(SCALE, row, "skor_minus")),
                    "problem_positive": reader.flag(values.get("masalah_plus"), Place(SCALE, row, "masalah_plus")),
                    "problem_negative": reader.flag(values.get("masalah_minus"), Place(SCALE, row, "masalah_minus")),
                }
            )

    bands = []
    for index, (row, values) in enumerate(reader.rows(BANDS, COLUMNS[BANDS], required=False)):
        _remember(
            reader,
            f"bands[{index}]",
            BANDS,
            row,
            {"lower": "bawah", "upper": "atas", "label": "label", "description": "deskripsi"},
        )
        band = {
            "lower": reader.integer(values.get("bawah"), Place(BANDS, row, "bawah")),
            "upper": reader.integer(values.get("atas"), Place(BANDS, row, "atas")),
            "label": reader.text(values.get("label")),
        }
        if reader.text(values.get("deskripsi")):
            band["description"] = reader.text(values.get("deskripsi"))
        bands.append(band)
    if bands:
        data["bands"] = bands

    critical = []
    for index, (row, values) in enumerate(reader.rows(CRITICAL, COLUMNS[CRITICAL], required=False)):
        reader.places[f"critical_items[{index}]"] = Place(CRITICAL, row, "nomor")
        critical.append(reader.integer(values.get("nomor"), Place(CRITICAL, row, "nomor")))
    if critical:
        data["critical_items"] = critical

    questions = []
    for index, (row, values) in enumerate(reader.rows(OPEN, COLUMNS[OPEN], required=False)):
        path = f"open_questions[{index}]"
        _remember(
            reader,
            path,
            OPEN,
            row,
            {"code": "kode", "text": "teks", "type": "jenis", "choices": "pilihan", "multiple": "banyak"},
        )
        question: dict[str, Any] = {
            "code": reader.text(values.get("kode")),
            "text": reader.text(values.get("teks")),
            "type": reader.text(values.get("jenis")),
        }
        choices = []
        for part in [p.strip() for p in reader.text(values.get("pilihan")).split(";") if p.strip()]:
            code, _sep, label = part.partition("=")
            choices.append({"code": code.strip(), "label": (label or code).strip()})
        if choices:
            question["choices"] = choices
        if reader.flag(values.get("banyak"), Place(OPEN, row, "banyak")):
            question["multiple"] = True
        questions.append(question)
    if questions:
        data["open_questions"] = questions
    return data


def _remember(reader: _Reader, path: str, sheet: str, row: int, fields: dict[str, str]) -> None:
    reader.places[path] = Place(sheet, row)
    for field, column in fields.items():
        reader.places[f"{path}.{field}"] = Place(sheet, row, column)
        if field == "choices":
            reader.places[f"{path}.choices"] = Place(sheet, row, column)
