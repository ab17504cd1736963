"""Realistic student spreadsheets for the import tests: Dapodik's "Daftar Peserta Didik" and plain files.

A Dapodik export has five title rows, then a two-row header where most columns are merged over both
rows and "Data Ayah", "Data Ibu" and "Data Wali" span six sub-columns each; its data is messy in the
ways real exports are (stray spaces, any capitalisation, NISN with leading zeros as text, dates as
text or as real Excel dates) and carries personal data BK must not keep (NIK, bank accounts, KIP...).
Every secret value a student row carries is listed by `secrets_of()`, so a test can assert that none
of it reached the database.
"""

import csv
import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

PARENT_SUBCOLUMNS = ("Nama", "Tahun Lahir", "Jenjang Pendidikan", "Pekerjaan", "Penghasilan", "NIK")
PARENT_GROUPS = ("Data Ayah", "Data Ibu", "Data Wali")

# In Dapodik's order; a tuple is a group with its sub-columns.
DAPODIK_COLUMNS = [
    "No",
    "Nama",
    "NIPD",
    "JK",
    "NISN",
    "Tempat Lahir",
    "Tanggal Lahir",
    "NIK",
    "Agama",
    "Alamat",
    "RT",
    "RW",
    "Dusun",
    "Kelurahan",
    "Kecamatan",
    "Kode Pos",
    "Jenis Tinggal",
    "Alat Transportasi",
    "Telepon",
    "HP",
    "E-Mail",
    "SKHUN",
    "Penerima KPS",
    "No. KPS",
    ("Data Ayah", PARENT_SUBCOLUMNS),
    ("Data Ibu", PARENT_SUBCOLUMNS),
    ("Data Wali", PARENT_SUBCOLUMNS),
    "Rombel Saat Ini",
    "No Peserta Ujian Nasional",
    "No Seri Ijazah",
    "Penerima KIP",
    "Nomor KIP",
    "Nama di KIP",
    "Nomor KKS",
    "No Registrasi Akta Lahir",
    "Bank",
    "Nomor Rekening Bank",
    "Rekening Atas Nama",
    "Layak PIP (usulan dari sekolah)",
    "Alasan Layak PIP",
    "Kebutuhan Khusus",
    "Sekolah Asal",
    "Anak ke-berapa",
    "Lintang",
    "Bujur",
    "No KK",
    "Berat Badan",
    "Tinggi Badan",
    "Lingkar Kepala",
    "Jml. Saudara Kandung",
    "Jarak Rumah ke Sekolah (KM)",
]

SECRET_COLUMNS = (
    "NIK",
    "Data Ayah/NIK",
    "Data Ibu/NIK",
    "Data Wali/NIK",
    "No. KPS",
    "Nomor KIP",
    "Nama di KIP",
    "Nomor KKS",
    "No Registrasi Akta Lahir",
    "Nomor Rekening Bank",
    "Rekening Atas Nama",
    "No KK",
    "Lintang",
    "Bujur",
    "SKHUN",
    "No Peserta Ujian Nasional",
    "No Seri Ijazah",
)

TITLE_ROWS = 5
HEADER_ROW = TITLE_ROWS + 1  # the header's first row; its second row follows
FIRST_DATA_ROW = HEADER_ROW + 2

_FIRST_NAMES = ["  AHMAD   fauzi", "siti NURHALIZA ", "Muhammad  RIZKY", "dewi  lestari", "MA'RUF amin", "putri AYU"]
_SEXES = ["L", "P", "L", "P", "L", "P"]
_FATHERS = ["BUDI  santoso", "ABDULLAH", "SUPARMAN", "hendra wijaya", "AMIN RAIS", "JOKO"]
_MOTHERS = ["SRI  wahyuni", "AMINAH", "SITI MARYAM", "rina", "NURLELA", "WATI"]


def flat_columns():
    """Every column as it reads after combining the two header rows: "Nama" or "Data Ayah/Nama"."""
    names = []
    for column in DAPODIK_COLUMNS:
        if isinstance(column, tuple):
            group, subs = column
            names.extend(f"{group}/{sub}" for sub in subs)
        else:
            names.append(column)
    return names


def nisn(n):
    """A valid NISN with two leading zeros: what Excel would strip from a number."""
    return f"00{51000000 + n:08d}"


def birth_date(n):
    return datetime.date(2010, 1 + n % 12, 1 + n % 28)


def student(n, **overrides):
    """One Dapodik row keyed as `flat_columns`; override with exact labels: student(3, **{"JK": "X"})."""
    i = n % len(_FIRST_NAMES)
    row = {
        "Nama": _FIRST_NAMES[i] if n < len(_FIRST_NAMES) else f"{_FIRST_NAMES[i]} {n}",
        "NIPD": f"{2026000 + n}",
        "JK": _SEXES[i],
        "NISN": nisn(n),
        "Tempat Lahir": "KAB.  BOGOR" if n % 2 else "jakarta",
        # Dapodik writes text dates; a file edited in Excel has real dates: alternate both.
        "Tanggal Lahir": datetime.date(2010, 1 + n % 12, 1 + n % 28)
        if n % 2
        else f"2010-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "NIK": f"32710101{n:08d}",
        "Agama": ["Islam", "Kristen", "Katholik", "Hindu", "Budha", "Khonghucu"][i],
        "Alamat": f"Jl.  Merdeka  No. {n}",
        "RT": 3,
        "RW": "007",
        "Dusun": "Cibeureum",
        "Kelurahan": "Sukamaju",
        "Kecamatan": "Kec. Cibinong",
        "Kode Pos": 16911,
        "Jenis Tinggal": "Bersama orang tua",
        "Alat Transportasi": "Sepeda motor",
        "Telepon": "",
        "HP": f"08123{n:06d}",
        "E-Mail": f"siswa{n}@contoh.sch.id",
        "SKHUN": f"DN-02 D{n:07d}",
        "Penerima KPS": "Tidak",
        "No. KPS": f"KPS{n:09d}",
        "Data Ayah/Nama": _FATHERS[i],
        "Data Ayah/Tahun Lahir": 1975,
        "Data Ayah/Jenjang Pendidikan": "SMA / sederajat",
        "Data Ayah/Pekerjaan": "Wiraswasta",
        "Data Ayah/Penghasilan": "Rp. 2,000,000 - Rp. 4,999,999",
        "Data Ayah/NIK": f"32710111{n:08d}",
        "Data Ibu/Nama": _MOTHERS[i],
        "Data Ibu/Tahun Lahir": 1979,
        "Data Ibu/Jenjang Pendidikan": "D3",
        "Data Ibu/Pekerjaan": "Tidak bekerja",
        "Data Ibu/Penghasilan": "Tidak Berpenghasilan",
        "Data Ibu/NIK": f"32710122{n:08d}",
        "Data Wali/Nama": "",
        "Data Wali/Tahun Lahir": 0,
        "Data Wali/Jenjang Pendidikan": "",
        "Data Wali/Pekerjaan": "",
        "Data Wali/Penghasilan": "",
        "Data Wali/NIK": "",
        "Rombel Saat Ini": ["X-A", "X-B", "XI MIPA 1"][n % 3],
        "No Peserta Ujian Nasional": f"2-23-02-01-001-{n:03d}-5",
        "No Seri Ijazah": f"DN-02/M-SMP/13 {n:07d}",
        "Penerima KIP": "Ya",
        "Nomor KIP": f"KIP{n:07d}X",
        "Nama di KIP": f"NAMA KIP {n}",
        "Nomor KKS": f"KKS{n:08d}",
        "No Registrasi Akta Lahir": f"AL.{n:04d}/2010",
        "Bank": "BRI",
        "Nomor Rekening Bank": f"0123-01-{n:06d}-50-9",
        "Rekening Atas Nama": f"REKENING ATAS NAMA {n}",
        "Layak PIP (usulan dari sekolah)": "Ya",
        "Alasan Layak PIP": "Siswa Miskin/Rentan Miskin",
        "Kebutuhan Khusus": "Tidak ada",
        "Sekolah Asal": "SMP NEGERI 2 CIBINONG",
        "Anak ke-berapa": 1 + n % 3,
        "Lintang": f"-6.{48000 + n}",
        "Bujur": f"106.{85000 + n}",
        "No KK": f"32710133{n:08d}",
        "Berat Badan": 45,
        "Tinggi Badan": 160,
        "Lingkar Kepala": 54,
        "Jml. Saudara Kandung": 2,
        "Jarak Rumah ke Sekolah (KM)": "1,5",
    }
    row.update(overrides)
    return row


def secrets_of(row):
    """The values of the columns BK must not keep, as text, for "never stored" assertions."""
    return [str(row[column]) for column in SECRET_COLUMNS if row.get(column) not in (None, "", 0)]


def dapodik_xlsx(rows, *, school="SMA NEGERI 1 CONTOH", columns=None):
    """The .xlsx Dapodik gives an operator: title rows, the merged two-row header, the rows.

    `columns` (default: Dapodik's own order) lets a test shuffle or leave out columns.
    """
    columns = DAPODIK_COLUMNS if columns is None else columns
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar Peserta Didik"
    sheet["A1"] = "DAFTAR PESERTA DIDIK"
    sheet["A2"] = school
    sheet["A3"] = "Kecamatan Kec. Cibinong, Kabupaten Kab. Bogor, Provinsi Prov. Jawa Barat"
    sheet["A4"] = "Tanggal Unduh: 2026-07-20 09:15:02"
    sheet["A5"] = "Pengunduh: operator.sekolah@contoh.sch.id"
    sheet["A1"].font = Font(bold=True, size=14)
    top, below = HEADER_ROW, HEADER_ROW + 1
    flat = []
    col = 1
    for column in columns:
        if isinstance(column, tuple):
            group, subs = column
            sheet.cell(top, col, group)
            sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(subs) - 1)
            for offset, sub in enumerate(subs):
                sheet.cell(below, col + offset, sub)
                flat.append(f"{group}/{sub}")
            col += len(subs)
        else:
            sheet.cell(top, col, column)
            sheet.merge_cells(start_row=top, start_column=col, end_row=below, end_column=col)
            flat.append(column)
            col += 1
    for cell in sheet[top] + sheet[below]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        for c, name in enumerate(flat, start=1):
            value = offset + 1 if name == "No" else row.get(name)
            if value in ("", None):
                continue
            cell = sheet.cell(r, c, value)
            if isinstance(value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            elif name == "NISN" and isinstance(value, str):
                cell.number_format = "@"  # Dapodik writes NISN as text so its zeros survive
    return _save(workbook)


def dapodik_csv(rows, *, delimiter=";", encoding="utf-8-sig"):
    """A Dapodik export saved as CSV from Indonesian Excel: merges gone, ';' between cells."""
    flat = flat_columns()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["DAFTAR PESERTA DIDIK"])
    writer.writerow(["SMA NEGERI 1 CONTOH"])
    writer.writerow([])
    top, below = [], []
    for column in DAPODIK_COLUMNS:
        if isinstance(column, tuple):
            group, subs = column
            top.extend([group] + [""] * (len(subs) - 1))
            below.extend(subs)
        else:
            top.append(column)
            below.append("")
    writer.writerow(top)
    writer.writerow(below)
    for offset, row in enumerate(rows):
        writer.writerow([offset + 1 if name == "No" else _csv_value(row.get(name)) for name in flat])
    return out.getvalue().encode(encoding)


def plain_rows(count, start=1, **overrides):
    """Rows for a school's own file: only the basic columns."""
    return [
        {
            "Nama": f"siswa  NOMOR {n}",
            "NISN": nisn(n),
            "JK": "Laki-laki" if n % 2 else "Perempuan",
            "Rombel": "X-A",
            "Tanggal Lahir": f"{1 + n % 28:02d}/05/2010",
            **overrides,
        }
        for n in range(start, start + count)
    ]


def plain_csv(rows, *, headers=None, delimiter=",", encoding="utf-8"):
    headers = headers or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(row.get(h)) for h in headers])
    return out.getvalue().encode(encoding)


def plain_xlsx(rows, *, headers=None, title_rows=()):
    headers = headers or list(rows[0])
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        values = [row.get(h) for h in headers]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=False):
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    return _save(workbook)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def _save(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
