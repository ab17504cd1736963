"""The shared spreadsheet reader: bytes in, bounded rows out, every refusal with a code and a message."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from ekonseling.core import spreadsheets
from ekonseling.core.spreadsheets import Limits, SpreadsheetError
from ekonseling.instruments import answer_import
from ekonseling.students import importing

LIMITS = Limits(max_rows=10, max_columns=5, max_empty_run=3, header_scan_rows=4)


def find_header(rows):
    """A header is a top row with a cell that is exactly NISN."""
    for index, row in enumerate(rows[: LIMITS.header_scan_rows]):
        if "NISN" in row:
            return index
    return None


def read(data, filename, limits=LIMITS):
    return spreadsheets.read(data, filename, limits, find_header)


def refusal(data, filename, limits=LIMITS):
    with pytest.raises(SpreadsheetError) as caught:
        read(data, filename, limits)
    return caught.value


def xlsx(*sheets):
    """An .xlsx with one sheet per list of rows; a row is a list of values, or {row_number: values}."""
    book = Workbook()
    book.remove(book.active)
    for number, rows in enumerate(sheets):
        sheet = book.create_sheet(f"Lembar {number + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------------------------------


def test_an_xlsx_keeps_cell_types_and_row_positions():
    data = xlsx([["Daftar siswa"], [], ["Nama", "NISN", "Nilai"], ["Ani", 12345678, 7], ["Budi", None, 8.5]])

    table = read(data, "siswa.xlsx")

    assert table.from_csv is False
    assert table.rows == [
        ["Daftar siswa"],
        [],
        ["Nama", "NISN", "Nilai"],
        ["Ani", 12345678, 7],
        ["Budi", None, 8.5],
    ]


def test_the_first_sheet_with_a_header_is_read_and_a_long_notes_sheet_is_not_counted():
    notes = [[f"catatan {n}"] for n in range(30)]  # more filled rows than max_rows
    data = xlsx(notes, [["Nama", "NISN"], ["Ani", "0012345678"]])

    assert read(data, "dua.xlsx").rows == [["Nama", "NISN"], ["Ani", "0012345678"]]


def test_a_workbook_without_a_header_gives_its_first_sheet():
    data = xlsx([["a"], ["b"]], [["c"]])

    assert read(data, "x.xlsx").rows == [["a"], ["b"]]


def test_the_content_decides_not_the_name():
    data = xlsx([["Nama", "NISN"], ["Ani", "0012345678"]])

    assert read(data, "siswa.csv").rows == [["Nama", "NISN"], ["Ani", "0012345678"]]


def test_a_csv_with_commas():
    table = read(b"Nama,NISN\r\nAni,0012345678\r\n", "siswa.csv")

    assert table.from_csv is True
    assert table.rows == [["Nama", "NISN"], ["Ani", "0012345678"]]


def test_a_semicolon_csv_whose_header_texts_hold_commas_splits_on_semicolons():
    data = b"Nama;NISN;1. Saya sering pusing, kadang mual;2. Saya, kamu, dia\nAni;0012345678;ya;\n"

    assert read(data, "form.csv").rows == [
        ["Nama", "NISN", "1. Saya sering pusing, kadang mual", "2. Saya, kamu, dia"],
        ["Ani", "0012345678", "ya", ""],
    ]


def test_the_delimiter_that_splits_the_header_into_the_most_cells_wins():
    def mentions_nisn(rows):  # like the answer import: a header cell that mentions NISN among other words
        return next((i for i, row in enumerate(rows) if any("NISN" in cell.split() for cell in row)), None)

    data = b"NISN siswa,1. Saya; kamu,2. Dia\n0012345678,ya,\n"  # ';' also finds the header, in 2 cells

    table = spreadsheets.read(data, "form.csv", LIMITS, mentions_nisn)

    assert table.rows == [["NISN siswa", "1. Saya; kamu", "2. Dia"], ["0012345678", "ya", ""]]


def test_a_tab_separated_file_without_a_name():
    assert read(b"NISN\tNama\n0012345678\tAni\n", "").rows == [["NISN", "Nama"], ["0012345678", "Ani"]]


def test_without_a_header_the_most_frequent_delimiter_is_taken():
    assert read(b"a,b;c,d\n1,2;3,4\n", "x.csv").rows == [["a", "b;c", "d"], ["1", "2;3", "4"]]


def test_a_utf8_bom_is_not_part_of_the_first_cell():
    data = b"\xef\xbb\xbfNISN;Nama\n0012345678;Nur\xe2\x80\x99aini\n"

    assert read(data, "form.csv").rows == [["NISN", "Nama"], ["0012345678", "Nur\u2019aini"]]


def test_cp1252_text_from_older_excel():
    data = "NISN;Nama\n0012345678;Nur\u2019aini \u20ac\n".encode("cp1252")

    assert read(data, "siswa.csv").rows[1] == ["0012345678", "Nur\u2019aini \u20ac"]


def test_bytes_cp1252_does_not_know_fall_back_to_latin1():
    data = b"NISN;Nama\n0012345678;Jos\xe9\x81\n"  # 0x81 is undefined in cp1252

    assert read(data, "siswa.csv").rows[1] == ["0012345678", "Jos\xe9\x81"]


def test_utf16_from_excels_unicode_text():
    data = "NISN\tNama\n0012345678\tNur\u2019aini\n".encode("utf-16")

    assert read(data, "siswa.txt").rows == [["NISN", "Nama"], ["0012345678", "Nur\u2019aini"]]


def test_trailing_empty_rows_are_dropped_inner_ones_kept():
    assert read(b"NISN;Nama\n;\n1;Ani\n;\n;\n", "x.csv").rows == [["NISN", "Nama"], ["", ""], ["1", "Ani"]]


# --- limits -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_filled_rows_than_the_limit_are_refused(kind):
    def make(count):
        rows = [["NISN"], *[[f"00123456{n:02d}"] for n in range(count - 1)]]
        return xlsx(rows) if kind == "xlsx" else "\n".join(row[0] for row in rows).encode()

    assert len(read(make(10), f"x.{kind}").rows) == 10
    error = refusal(make(11), f"x.{kind}")
    assert (error.code, error.params) == ("too_many_rows", {"limit": 10})


def test_empty_rows_do_not_count_towards_the_row_limit():
    data = ("NISN\n" + "1\n;\n" * 9).encode()  # 10 filled rows, 9 empty ones

    assert len(read(data, "x.csv").rows) == 18  # the trailing empty row dropped


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_cells_beyond_the_column_limit_are_dropped(kind):
    rows = [["NISN", *[f"k{n}" for n in range(9)]], ["1", *[str(n) for n in range(9)]]]
    data = xlsx(rows) if kind == "xlsx" else "\n".join(";".join(row) for row in rows).encode()

    assert read(data, f"x.{kind}").rows == [["NISN", "k0", "k1", "k2", "k3"], ["1", "0", "1", "2", "3"]]


def test_a_long_run_of_empty_rows_ends_an_xlsx():
    book = Workbook()
    sheet = book.active
    sheet.append(["NISN"])
    sheet.append(["1"])
    sheet.cell(row=3 + 3, column=1, value="2")  # after 3 empty rows: still data
    sheet.cell(row=6 + 4 + 1, column=1, value="3")  # after 4 empty rows: past the end
    out = io.BytesIO()
    book.save(out)

    assert read(out.getvalue(), "x.xlsx").rows == [["NISN"], ["1"], [], [], [], ["2"]]


def test_a_long_run_of_empty_rows_ends_a_csv():
    data = b"NISN\n1\n\n\n\n2\n\n;\n\n \n3\n"

    assert read(data, "x.csv").rows == [["NISN"], ["1"], [], [], [], ["2"]]


# --- refusals -----------------------------------------------------------------------------------------------------


HUGE_FIELD = b'NISN;Nama\n1;"' + b"x" * 200_000 + b'"\n'  # beyond the csv module's field size limit


def zip_of(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "x.xlsx", "empty"),
        (b" \r\n\t", "x.csv", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "x.xls", "old_excel"),
        (b"%PDF-1.7\n1 0 obj", "x.xlsx", "pdf"),
        (b"Nama;NISN\nAni;1\n", "x.xlsx", "not_xlsx"),  # text named .xlsx
        (b"PK\x03\x04 not really a zip", "x.xlsx", "not_xlsx"),
        (zip_of({"word/document.xml": "<w/>"}), "x.docx", "not_xlsx"),  # a zip, not a workbook
        (b"Nama;NISN\n", "x.docx", "unsupported"),
        (b"\x00\x01\x02binary", "x.csv", "binary"),
        (b"\xff\xfeN\x00I\x00S", "x.csv", "damaged_utf16"),
        (HUGE_FIELD, "x.csv", "bad_csv"),
    ],
)
def test_unusable_files_are_refused_with_a_code(data, filename, code):
    assert refusal(data, filename).code == code


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened():
    data = xlsx([["NISN"], ["x" * 5000]])
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    tight = Limits(max_rows=10, max_columns=5, max_empty_run=3, header_scan_rows=4, max_unpacked_bytes=unpacked - 1)

    assert len(data) < unpacked  # compressed
    assert refusal(data, "x.xlsx", tight).code == "unpacked_too_big"
    loose = Limits(max_rows=10, max_columns=5, max_empty_run=3, header_scan_rows=4, max_unpacked_bytes=unpacked)
    assert read(data, "x.xlsx", loose).rows == [["NISN"], ["x" * 5000]]


def test_the_message_is_translated():
    with translation.override("en"):
        assert str(refusal(b"", "x.csv")) == "The file is empty."
    with translation.override("id"):
        assert str(refusal(b"", "x.csv")) == "Berkas kosong."


def test_a_csv_error_names_the_problem():
    with translation.override("en"):
        error = refusal(HUGE_FIELD, "x.csv")
    with translation.override("id"):
        in_indonesian = refusal(HUGE_FIELD, "x.csv")

    assert str(error).startswith("This CSV file cannot be read: ")
    assert str(in_indonesian).startswith("Berkas CSV ini tidak dapat dibaca: ")
    assert str(error.params["error"]) in str(error)


@pytest.mark.parametrize("module", [importing, answer_import])
def test_each_importer_words_every_refusal(module):
    assert set(module.FILE_MESSAGES) | {"too_many_rows"} == set(spreadsheets.CODES)


@pytest.mark.parametrize(
    ("module", "data", "message"),
    [
        (
            importing,
            b"\x00\x01",
            "Berkas ini bukan lembar kerja: isinya bukan teks CSV. Unggah berkas .xlsx atau .csv.",
        ),
        (answer_import, b"\x00\x01", "Berkas ini bukan teks CSV. Unggah berkas .xlsx atau .csv."),
        (
            answer_import,
            HUGE_FIELD,
            "Berkas CSV ini tidak bisa dibaca: field larger than field limit (131072).",
        ),
    ],
)
def test_the_importers_reword_a_refusal_as_their_own_error(module, data, message):
    with pytest.raises(module.ImportFileError) as caught:
        module.read_table(data, "x.csv")

    assert str(caught.value) == message


# --- bounded work (issue 11 item 8): refused from the zip's directory and a streaming count ---------------------


ROOMY = Limits(max_rows=10_000, max_columns=5, max_empty_run=3, header_scan_rows=4)


def test_the_issues_zip_bomb_is_refused_before_openpyxl_reads_it(monkeypatch):
    from bench.bench_hostile_files import old_bomb

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    assert refusal(old_bomb(), "a.xlsx").code == "unpacked_too_big"


def test_more_shared_strings_than_any_import_needs_are_refused(monkeypatch):
    from bench.bench_hostile_files import shared_strings_file

    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", 1000)
    assert read(shared_strings_file(1000), "a.xlsx", ROOMY).rows[0] == ["NISN", "Nama"]
    assert refusal(shared_strings_file(1001), "a.xlsx").code == "too_many_texts"


def test_more_cells_than_any_import_needs_are_refused_however_they_are_laid_out(monkeypatch):
    from bench.bench_hostile_files import dense_sheet_file

    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 5000)
    assert read(dense_sheet_file(4998, per_row=7), "a.xlsx", ROOMY).rows[0] == ["NISN", "Nama"]
    for per_row in (7, 333, 5000):
        assert refusal(dense_sheet_file(5001, per_row=per_row), "a.xlsx").code == "too_many_cells"


def test_a_part_of_styles_beyond_what_a_real_file_holds_is_refused():
    from bench.bench_hostile_files import styles_file

    assert refusal(styles_file(spreadsheets.MAX_OTHER_PART_BYTES + 1024), "a.xlsx").code == "unpacked_too_big"


def test_a_csv_line_no_row_needs_is_refused_and_the_file_size_is_capped():
    line = b";" * (spreadsheets.MAX_CSV_LINE_CHARS + 1)
    assert refusal(b"NISN;Nama\n" + line + b"\n", "a.csv").code == "line_too_long"
    small = Limits(max_rows=10, max_columns=5, max_empty_run=3, header_scan_rows=4, max_bytes=100)
    assert refusal(b"NISN;Nama\n" + b"1;a\n" * 30, "a.csv", small).code == "too_big"
