"""Reading and checking student spreadsheets (pure: no database)."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from ekonseling.students import importing
from ekonseling.students.importing import ImportFileError, parse, rombel_grade, tidy_name

from . import dapodik

TODAY = datetime.date(2026, 7, 20)


def parse_rows(rows, filename="siswa.xlsx", maker=None):
    data = (maker or dapodik.dapodik_xlsx)(rows)
    return parse(data, filename, today=TODAY)


def errors_by_row(result):
    found = {}
    for error in result.errors:
        found.setdefault(error.row_number, []).append(error.message)
    return found


def xlsx_from_cells(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- a Dapodik export ---------------------------------------------------------------------------------


def test_a_dapodik_export_is_read_through_its_title_rows_and_merged_two_row_header():
    rows = [dapodik.student(n) for n in range(1, 7)]

    result = parse_rows(rows)

    assert result.header_row == dapodik.HEADER_ROW
    assert result.errors == []
    assert result.data_rows == 6
    assert [r["row"] for r in result.records] == list(range(dapodik.FIRST_DATA_ROW, dapodik.FIRST_DATA_ROW + 6))
    assert result.unknown_columns == []
    first = result.records[0]
    assert first["name"] == "Siti Nurhaliza"  # "siti NURHALIZA " tidied
    assert first["nisn"] == "0051000001"  # leading zeros kept
    assert first["sex"] == "P"
    assert first["birth_place"] == "Kab. Bogor"
    assert first["birth_date"] == dapodik.birth_date(1)  # a real Excel date
    assert result.records[1]["birth_date"] == dapodik.birth_date(2)  # a text date
    assert first["religion"] == "kristen"
    assert result.records[1]["religion"] == "katolik"  # Dapodik spells it "Katholik"
    assert first["rombel"] == "X-B"
    assert first["address"] == "Jl. Merdeka No. 1"
    assert (first["rt"], first["rw"], first["postal_code"]) == ("3", "007", "16911")
    assert first["mobile"] == "08123000001"
    assert first["living_with"] == "Bersama orang tua"
    assert first["transport"] == "Sepeda motor"
    assert first["distance_km"] == Decimal("1.50")
    assert (first["birth_order"], first["siblings"]) == (2, 2)
    assert first["previous_school"] == "SMP NEGERI 2 CIBINONG"
    assert "special_needs" not in first  # "Tidak ada"
    assert first["guardians"] == {
        "ayah": {
            "name": "Abdullah",
            "birth_year": 1975,
            "education": "SMA / sederajat",
            "occupation": "Wiraswasta",
            "income": "Rp. 2,000,000 - Rp. 4,999,999",
        },
        "ibu": {
            "name": "Aminah",
            "birth_year": 1979,
            "education": "D3",
            "occupation": "Tidak bekerja",
            "income": "Tidak Berpenghasilan",
        },
    }  # the empty "Data Wali" makes no guardian


def test_personal_data_bk_does_not_need_never_leaves_the_parser_and_is_reported():
    rows = [dapodik.student(n) for n in range(1, 4)]

    result = parse_rows(rows)

    text = repr(result.records)
    for row in rows:
        for secret in dapodik.secrets_of(row):
            assert secret not in text, secret
    for label in ["NIK", "Data Ayah NIK", "Data Ibu NIK", "Data Wali NIK", "No KK", "Bank", "Nomor Rekening Bank"]:
        assert label in result.dropped_columns
    for label in ["Rekening Atas Nama", "No. KPS", "Nomor KIP", "Nama di KIP", "Nomor KKS", "Lintang", "Bujur"]:
        assert label in result.dropped_columns
    assert "Layak PIP (usulan dari sekolah)" in result.dropped_columns
    allowed = {k for c in importing.COLUMNS for k in [c.key, c.key.split(".")[-1]]} | {"row", "guardians"}
    assert {key for record in result.records for key in record} <= allowed


def test_no_alias_of_a_kept_column_looks_like_a_dropped_one():
    for column in importing.COLUMNS:
        assert not importing.is_dropped(column.label), column
        for alias in column.aliases:
            assert not importing.is_dropped(alias), alias


def test_columns_are_found_by_name_whatever_their_order():
    rows = [dapodik.student(n) for n in range(1, 4)]
    shuffled = list(reversed(dapodik.DAPODIK_COLUMNS))

    in_order = parse_rows(rows)
    reordered = parse(dapodik.dapodik_xlsx(rows, columns=shuffled), "siswa.xlsx", today=TODAY)

    assert reordered.records == in_order.records


def test_the_same_export_saved_as_csv_with_semicolons_reads_the_same():
    rows = [dapodik.student(n) for n in range(1, 5)]

    from_xlsx = parse_rows(rows)
    from_csv = parse(dapodik.dapodik_csv(rows), "siswa.csv", today=TODAY)

    assert from_csv.errors == []
    strip = [{k: v for k, v in r.items() if k != "row"} for r in from_csv.records]
    assert strip == [{k: v for k, v in r.items() if k != "row"} for r in from_xlsx.records]
    assert from_csv.dropped_columns == from_xlsx.dropped_columns


def test_a_row_of_column_numbers_under_the_header_is_skipped():
    data = xlsx_from_cells(
        [
            ["No", "Nama", "NISN", "JK", "Rombel"],
            [1, 2, 3, 4, 5],
            [1, "Ani", "0012345678", "P", "X-1"],
        ]
    )

    result = parse(data, "a.xlsx", today=TODAY)

    assert result.errors == []
    assert [(r["row"], r["name"]) for r in result.records] == [(3, "Ani")]


def test_the_first_sheet_with_a_header_is_read():
    workbook = Workbook()
    workbook.active.title = "Catatan"
    workbook.active.append(["Diunduh untuk BK"])
    data_sheet = workbook.create_sheet("Siswa")
    data_sheet.append(["Nama", "NISN", "JK", "Rombel"])
    data_sheet.append(["Budi", "0012345678", "L", "X-1"])
    out = io.BytesIO()
    workbook.save(out)

    result = parse(out.getvalue(), "dua-lembar.xlsx", today=TODAY)

    assert [r["name"] for r in result.records] == ["Budi"]


# --- plain files ----------------------------------------------------------------------------------------------


def test_a_plain_csv_with_aliases_is_read():
    rows = [
        {
            "Nama Peserta Didik": "RINA  marlina",
            "NIS": 1234,
            "Jenis Kelamin": "Perempuan",
            "NISN": "0098765432",
            "Kelas": " XI   IPS 2 ",
            "Tgl Lahir": "05-03-2009",
            "Nama Ayah": "SLAMET",
            "Pekerjaan Ayah": "Petani",
            "Catatan": "pindahan",
        }
    ]

    result = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY)

    assert result.errors == []
    assert result.unknown_columns == ["Catatan"]
    record = result.records[0]
    assert record["name"] == "Rina Marlina"
    assert record["nipd"] == "1234"
    assert record["sex"] == "P"
    assert record["rombel"] == "XI IPS 2"
    assert record["birth_date"] == datetime.date(2009, 3, 5)
    assert record["guardians"] == {"ayah": {"name": "Slamet", "occupation": "Petani"}}
    assert record["row"] == 2


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_csv_delimiter_is_sniffed(delimiter):
    data = dapodik.plain_csv(dapodik.plain_rows(3), delimiter=delimiter)

    result = parse(data, "siswa.csv", today=TODAY)

    assert len(result.records) == 3
    assert result.errors == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(encoding):
    rows = dapodik.plain_rows(1, Nama="Nur\u2019aini  ZAHRA")

    result = parse(dapodik.plain_csv(rows, encoding=encoding), "siswa.csv", today=TODAY)

    assert result.records[0]["name"] == "Nur\u2019aini Zahra"


def test_latin1_csv_falls_back():
    data = "Nama;NISN;JK;Rombel\nJos\xe9;0012345678;L;X-1\n".encode("latin-1")

    assert parse(data, "siswa.csv", today=TODAY).records[0]["name"] == "José"


def test_a_plain_xlsx_with_title_rows_and_blank_rows_keeps_spreadsheet_row_numbers():
    rows = dapodik.plain_rows(2) + [{}] + dapodik.plain_rows(1, start=10)
    data = dapodik.plain_xlsx(rows, headers=["Nama", "NISN", "JK", "Rombel"], title_rows=["DATA SISWA 2026", ""])

    result = parse(data, "siswa.xlsx", today=TODAY)

    assert result.header_row == 3
    assert [r["row"] for r in result.records] == [4, 5, 7]
    assert result.data_rows == 3


def test_empty_cells_are_absent_from_the_record_not_blank():
    rows = dapodik.plain_rows(1, Alamat="", Agama="-")

    record = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY).records[0]

    assert "address" not in record
    assert "religion" not in record


# --- bad rows --------------------------------------------------------------------------------------------------


def test_each_kind_of_bad_row_is_reported_with_its_row_number_and_reason():
    rows = [
        dapodik.student(1),  # good: row 8
        dapodik.student(2, NISN=""),  # 9
        dapodik.student(3, NISN="12345"),  # 10
        dapodik.student(4, NISN="00510000AB"),  # 11
        dapodik.student(5, NISN=dapodik.nisn(1)),  # 12: repeats row 8
        dapodik.student(6, JK="X"),  # 13
        dapodik.student(7, **{"Tanggal Lahir": "2010-02-30"}),  # 14
        dapodik.student(8, **{"Tanggal Lahir": "31/04/2009"}),  # 15
        dapodik.student(9, **{"Tanggal Lahir": "2030-01-01"}),  # 16
        dapodik.student(10, **{"Tanggal Lahir": "1899-12-31"}),  # 17
        dapodik.student(11, Nama="   "),  # 18
        dapodik.student(12, NISN=dapodik.nisn(1)),  # 19: repeats row 8 again
        dapodik.student(13, **{"Tanggal Lahir": "kemarin"}),  # 20
    ]

    result = parse_rows(rows)

    assert [r["row"] for r in result.records] == [8]
    assert errors_by_row(result) == {
        9: ["NISN kosong"],
        10: ["NISN harus 10 digit angka (tertulis: '12345')"],
        11: ["NISN harus 10 digit angka (tertulis: '00510000AB')"],
        12: ["NISN 0051000001 ganda: sudah dipakai di baris 8"],
        13: ["JK harus L atau P (tertulis: 'X')"],
        14: ["Tanggal lahir tidak ada di kalender (tertulis: '2010-02-30')"],
        15: ["Tanggal lahir tidak ada di kalender (tertulis: '31/04/2009')"],
        16: ["Tanggal lahir di masa depan (tertulis: '2030-01-01')"],
        17: ["Tanggal lahir sebelum tahun 1900 (tertulis: '1899-12-31')"],
        18: ["Nama kosong"],
        19: ["NISN 0051000001 ganda: sudah dipakai di baris 8"],
        20: ["Format tanggal lahir tidak dikenali (tertulis: 'kemarin'); pakai misalnya 2010-05-31 atau 31/05/2010"],
    }
    assert {e.field for e in result.errors} == {"NISN", "JK", "Tanggal Lahir", "Nama"}
    assert result.error_rows == 12


def test_a_row_with_several_problems_reports_each():
    rows = [dapodik.student(1, Nama="", NISN="1", JK="")]

    result = parse_rows(rows)

    assert errors_by_row(result) == {
        8: ["Nama kosong", "JK kosong", "NISN harus 10 digit angka (tertulis: '1')"],
    }


def test_other_malformed_values_are_row_errors_too():
    rows = dapodik.plain_rows(
        4,
        **{"Anak ke-berapa": "dua", "Jarak Rumah ke Sekolah (KM)": "-3", "E-Mail": "bukan email", "Agama": "Jedi"},
    )

    result = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY)

    messages = errors_by_row(result)[2]
    assert "Anak ke-berapa harus angka (tertulis: 'dua')" in messages
    assert "Jarak ke sekolah harus 0–9999 km (tertulis: '-3')" in messages
    assert "E-mail tidak valid (tertulis: 'bukan email')" in messages
    assert "Agama tidak dikenali (tertulis: 'Jedi')" in messages
    assert result.records == []


def test_a_too_long_value_is_an_error_not_cut():
    rows = dapodik.plain_rows(1, Rombel="X" * 51)

    result = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY)

    assert errors_by_row(result) == {2: ["Rombel terlalu panjang (maks. 50 karakter)"]}


# --- NISN --------------------------------------------------------------------------------------------------------


def test_a_numeric_nisn_cell_gets_its_lost_leading_zeros_back():
    data = xlsx_from_cells(
        [
            ["Nama", "NISN", "JK", "Rombel"],
            ["Ani", 51000001, "P", "X-1"],  # Excel dropped "00"
            ["Budi", 1234567890, "L", "X-1"],
            ["Cici", 12345678901, "P", "X-1"],  # 11 digits: not a NISN
            ["Dodi", 51000002.0, "L", "X-1"],
        ]
    )

    result = parse(data, "angka.xlsx", today=TODAY)

    assert [r["nisn"] for r in result.records] == ["0051000001", "1234567890", "0051000002"]
    assert errors_by_row(result) == {4: ["NISN harus 10 digit angka (tertulis: '12345678901')"]}


def test_a_short_text_nisn_is_not_padded():
    rows = dapodik.plain_rows(1, NISN="51000001")

    result = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY)

    assert errors_by_row(result) == {2: ["NISN harus 10 digit angka (tertulis: '51000001')"]}


def test_spaces_inside_a_nisn_are_ignored():
    rows = dapodik.plain_rows(1, NISN=" 0051 0000 01 ")

    assert parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY).records[0]["nisn"] == "0051000001"


# --- values -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2010-05-31", datetime.date(2010, 5, 31)),
        ("31-05-2010", datetime.date(2010, 5, 31)),
        ("31/05/2010", datetime.date(2010, 5, 31)),
        ("1/5/2010", datetime.date(2010, 5, 1)),
        ("2010-05-31 00:00:00", datetime.date(2010, 5, 31)),
        ("5 Maret 2009", datetime.date(2009, 3, 5)),
        (datetime.datetime(2010, 5, 31), datetime.date(2010, 5, 31)),
        (datetime.date(2010, 5, 31), datetime.date(2010, 5, 31)),
        (40329, datetime.date(2010, 5, 31)),  # a date cell that lost its format: Excel's serial number
        ("", None),
    ],
)
def test_dates(raw, expected):
    assert importing.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AHMAD  fauzi", "Ahmad Fauzi"),
        ("  siti   NURHALIZA ", "Siti Nurhaliza"),
        ("MA'RUF amin", "Ma'ruf Amin"),
        ("muhammad BIN abdullah", "Muhammad bin Abdullah"),
        ("SITI BINTI ahmad", "Siti binti Ahmad"),
        ("nur-aini", "Nur-Aini"),
        ("M. RIZKY", "M. Rizky"),
        ("Bin Laden", "Bin Laden"),  # a first word is never a particle
    ],
)
def test_names_are_tidied(raw, expected):
    assert tidy_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI - LAKI", "L"), ("P", "P"), ("p", "P"), ("Perempuan", "P")],
)
def test_sex_spellings(raw, expected):
    rows = dapodik.plain_rows(1, JK=raw)

    assert parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY).records[0]["sex"] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Islam", "islam"),
        ("Kristen", "kristen"),
        ("Katholik", "katolik"),
        ("Hindu", "hindu"),
        ("Budha", "buddha"),
        ("Khonghucu", "khonghucu"),
        ("Kepercayaan kpd Tuhan YME", "kepercayaan"),
    ],
)
def test_religions_map_to_the_choices(raw, expected):
    rows = dapodik.plain_rows(1, Agama=raw)

    assert parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY).records[0]["religion"] == expected


@pytest.mark.parametrize(
    ("name", "grade"),
    [
        ("X-1", 10),
        ("X MIPA 1", 10),
        ("XI IPS 2", 11),
        ("XII-F2", 12),
        ("VII A", 7),
        ("VIII-3", 8),
        ("IX", 9),
        ("10 IPA 1", 10),
        ("7A", 7),
        ("Kelas XI Bahasa", 11),
        ("Akselerasi", None),
        ("13 A", None),
    ],
)
def test_the_grade_is_read_from_the_rombel_name(name, grade):
    assert rombel_grade(name) == grade


# --- unusable files ----------------------------------------------------------------------------------------------


def zip_without_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "siswa.xlsx", "Berkas kosong"),
        (b"  \r\n ", "siswa.csv", "Berkas kosong"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "siswa.xlsx", "Berkas ini PDF, bukan lembar kerja"),
        (bytes(range(256)) * 4, "siswa.xlsx", "bukan lembar kerja Excel"),
        (zip_without_workbook(), "siswa.xlsx", "bukan lembar kerja Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "siswa.xls", r"Excel lama \(\.xls\)"),
        (b"Nama,NISN\n", "siswa.docx", "Jenis berkas tidak didukung"),
        (b"\x00\x01\x02binary", "siswa.csv", "bukan teks CSV"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(data, filename, message):
    with pytest.raises(ImportFileError, match=message):
        parse(data, filename, today=TODAY)


def test_no_recognisable_header_is_a_clear_error():
    data = dapodik.plain_csv([{"Siswa": "Ani", "Nomor": "0012345678"}])

    with pytest.raises(ImportFileError, match="Baris judul kolom tidak ditemukan"):
        parse(data, "siswa.csv", today=TODAY)


def test_a_header_below_the_first_fifteen_rows_is_not_found():
    data = dapodik.plain_xlsx(dapodik.plain_rows(1), title_rows=[f"judul {n}" for n in range(15)])

    with pytest.raises(ImportFileError, match="Baris judul kolom tidak ditemukan"):
        parse(data, "siswa.xlsx", today=TODAY)


def test_a_missing_required_column_is_named():
    data = dapodik.plain_csv([{"Nama": "Ani", "NISN": "0012345678", "Tgl Lahir": "2010-01-01"}])

    with pytest.raises(ImportFileError, match="Kolom wajib tidak ada: JK, Rombel"):
        parse(data, "siswa.csv", today=TODAY)


def test_a_header_without_data_rows_is_an_error():
    with pytest.raises(ImportFileError, match="Tidak ada baris data"):
        parse(b"Nama;NISN;JK;Rombel\n;;;\n", "siswa.csv", today=TODAY)


@pytest.mark.parametrize("maker", [dapodik.plain_csv, dapodik.plain_xlsx])
def test_too_many_rows_is_refused(monkeypatch, maker):
    monkeypatch.setattr(importing, "MAX_DATA_ROWS", 5)
    filename = "siswa.csv" if maker is dapodik.plain_csv else "siswa.xlsx"

    with pytest.raises(ImportFileError, match="lebih dari 5 baris data"):
        parse(maker(dapodik.plain_rows(6)), filename, today=TODAY)
    assert len(parse(maker(dapodik.plain_rows(5)), filename, today=TODAY).records) == 5


def test_when_two_headers_name_the_same_data_the_more_specific_one_wins():
    rows = [{"Nama": "Ani", "NISN": "0012345678", "JK": "P", "Kelas": "X", "Rombel": "X-2", "NIS": "77", "NIPD": "88"}]

    result = parse(dapodik.plain_csv(rows), "siswa.csv", today=TODAY)

    assert (result.records[0]["rombel"], result.records[0]["nipd"]) == ("X-2", "88")
    assert result.unknown_columns == ["Kelas", "NIS"]


def test_a_short_number_is_not_padded_into_an_invented_nisn():
    data = xlsx_from_cells([["Nama", "NISN", "JK", "Rombel"], ["Ani", 5, "P", "X-1"], ["Budi", 1234567, "L", "X-1"]])

    result = parse(data, "angka.xlsx", today=TODAY)

    assert result.records == []
    assert [e.row_number for e in result.errors] == [2, 3]
    assert all("NISN harus 10 digit" in e.message for e in result.errors)
