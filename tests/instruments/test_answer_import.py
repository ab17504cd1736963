"""Answers from a spreadsheet: reading the file, the located preview, and the all-or-nothing apply."""

import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import answer_import, definition, services
from ekonseling.instruments.models import AnswerImport, Assignment
from ekonseling.instruments.services import SAMPLES_DIR
from ekonseling.safety.models import Alert

NISN_A = "0012345678"
NISN_B = "0098765432"


def _load(name):
    return definition.load_definition((SAMPLES_DIR / name).read_bytes(), name)


AUM = _load("aum-umum-contoh.json")
PTSDL = _load("ptsdl-contoh.json")


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=",", bom=False):
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def aum_header(numbers=range(1, 51), style="{n}"):
    return ["Timestamp", "Nama", "NISN", *[style.format(n=n) for n in numbers], "berat"]


def aum_row(nisn, ticked=(), heavy="", name="Ani"):
    return ["2026/11/20 08:00", name, nisn, *["ya" if n in ticked else "" for n in range(1, 51)], heavy]


# --- pure parsing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("12", 12),
        ("12.", 12),
        ("12)", 12),
        ("No 12", 12),
        ("no. 12", 12),
        ("Butir 12", 12),
        ("12. Saya sering pusing", 12),
        ("Pertanyaan [12]", 12),
        ("Centang masalahmu [12. Saya sering pusing]", 12),
        (12.0, 12),
        ("Timestamp", None),
        ("Nama", None),
        ("No", None),
        ("Kelas 10", None),
        ("Email Address", None),
    ],
)
def test_item_number_of_a_header(label, number):
    assert answer_import.item_number_of(label) == number


def test_numeric_nisn_from_xlsx_gets_its_zeros_back():
    data = xlsx([aum_header(), aum_row(12345678, ticked={1, 2}, heavy=2)])
    parsed = answer_import.parse(AUM, data, "a.xlsx")
    assert parsed.errors == []
    record = parsed.records[0]
    assert record["nisn"] == NISN_A
    assert record["doc"] == {"items": {"1": True, "2": True}, "heavy": [2]}


def test_a_text_nisn_too_short_in_xlsx_is_an_error_not_padded():
    data = xlsx([aum_header(), aum_row("12345678")])
    parsed = answer_import.parse(AUM, data, "a.xlsx")
    assert parsed.errors[0].row == 2
    assert parsed.errors[0].column == "C · NISN"
    assert "10 digit" in parsed.errors[0].message


def test_csv_with_bom_and_semicolons_and_google_forms_headers():
    header = ["Timestamp", "Nama", "NISN", *[f"{n}. Saya punya masalah, kadang berat" for n in range(1, 51)], "berat"]
    data = csv_bytes([header, aum_row(NISN_A, ticked={3, 50}, heavy="50")], delimiter=";", bom=True)
    parsed = answer_import.parse(AUM, data, "form.csv")
    assert parsed.errors == []
    assert parsed.records[0]["nisn"] == NISN_A
    assert parsed.records[0]["doc"]["items"] == {"3": True, "50": True}
    assert parsed.header.ignored == ["Timestamp", "Nama"]


@pytest.mark.parametrize("label", ["NISN", "nisn siswa", "Nomor Induk Siswa Nasional (NISN)"])
def test_nisn_column_names(label):
    header = [label, *[f"{n}. Saya lupa NISN saya" for n in range(1, 51)]]
    parsed = answer_import.parse(AUM, csv_bytes([header, [NISN_A, "ya"]]), "a.csv")
    assert parsed.errors == [] and parsed.records[0]["doc"]["items"] == {"1": True}


def test_a_csv_from_excel_lost_the_zeros_too():
    data = csv_bytes([aum_header(), aum_row("12345678")])
    assert answer_import.parse(AUM, data, "a.csv").records[0]["nisn"] == NISN_A


def test_checklist_values_and_unknown_ones():
    header = ["NISN", *range(1, 51), "berat"]
    values = ["ya", "Y", "1", "x", "V", "✓", "TRUE", "benar", "centang", "tidak", "0", "false", ""]
    row = [NISN_A, *values, *["kadang"], *[""] * (50 - len(values) - 1), ""]
    parsed = answer_import.parse(AUM, xlsx([header, row]), "a.xlsx")
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "O · butir 14")]
    assert "'kadang' tidak dikenal" in parsed.errors[0].message
    row[14] = ""
    doc = answer_import.parse(AUM, xlsx([header, row]), "a.xlsx").records[0]["doc"]
    assert sorted(int(n) for n in doc["items"]) == list(range(1, 10))


def test_heavy_not_ticked_is_located():
    parsed = answer_import.parse(AUM, xlsx([aum_header(), aum_row(NISN_A, ticked={1}, heavy="1, 7")]), "a.xlsx")
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (2, "BB · berat", "butir 7 ditandai berat tetapi tidak dicentang.")
    ]


def test_frequency_codes_case_insensitive_and_labels_accepted():
    header = ["NISN", *[f"Butir {n}" for n in range(1, 20)]]
    codes = ["j", "K", "sr", "U", "l", "Jarang", *["SR"] * 13]
    parsed = answer_import.parse(PTSDL, csv_bytes([header, [NISN_A, *codes]]), "a.csv")
    assert parsed.errors == []
    assert list(parsed.records[0]["doc"]["items"].values())[:6] == ["J", "K", "SR", "U", "L", "J"]


def test_frequency_blank_and_wrong_cells_are_located():
    header = ["NISN", *[f"Butir {n}" for n in range(1, 20)]]
    codes = ["J"] * 19
    codes[3] = "Z"
    codes[5] = ""
    parsed = answer_import.parse(PTSDL, csv_bytes([header, [NISN_A, *codes]]), "a.csv")
    found = {(e.row, e.column): e.message for e in parsed.errors}
    assert found[(2, "E · butir 4")].startswith("butir 4: 'Z' tidak dikenal")
    assert found[(2, "")] == "butir 6 belum dijawab."


def test_header_problems_unknown_duplicate_and_missing_item_columns():
    header = ["NISN", *range(1, 50), 49, 230]
    parsed = answer_import.parse(AUM, csv_bytes([header, [NISN_A]]), "a.csv")
    messages = [e.message for e in parsed.errors if e.row == 1]
    assert "butir 49 sudah ada di kolom AX." in messages
    assert "butir 230 tidak ada (instrumen ini 1–50)." in messages
    assert any("tidak ada kolom untuk butir 50" in m for m in messages)


def test_no_nisn_column_refuses_the_file():
    with pytest.raises(answer_import.ImportFileError, match="NISN"):
        answer_import.parse(AUM, csv_bytes([["Nama", "1"], ["Ani", "ya"]]), "a.csv")


def test_old_excel_and_too_big_are_refused():
    with pytest.raises(answer_import.ImportFileError, match="xls"):
        answer_import.parse(AUM, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20, "a.xls")
    with pytest.raises(answer_import.ImportFileError, match="terlalu besar"):
        answer_import.check_size(6 * 1024 * 1024)


# --- preview and apply ------------------------------------------------------------------------------------------


def _administration(world, name="aum-umum-contoh.json", rombels=None, by=None):
    instrument, _ = services.import_definition(world.school, (SAMPLES_DIR / name).read_bytes(), name)
    now = timezone.now()
    return services.open_administration(
        instrument=instrument,
        title="AUM X",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=by or world.gurubk,
        rombels=rombels or [world.rombel_a],
    )


@pytest.fixture
def nisns(world):
    world.student.nisn = NISN_A
    world.student.save()
    world.classmate.nisn = NISN_B
    world.classmate.save()


def _raw(sql, pk):
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


def _sheets(administration):
    return {a.student.nisn: a for a in Assignment.objects.filter(administration=administration)}


def test_preview_counts_and_apply_stores_encrypted_marked_import(world, nisns):
    administration = _administration(world)
    data = xlsx([aum_header(), aum_row(12345678, ticked={1, 2}, heavy="2"), aum_row(NISN_B, ticked={5})])
    pending = answer_import.preview(administration, data, "aum.xlsx", world.gurubk)
    assert pending.summary["new"] == 2 and pending.summary["errors"] == 0
    raw = _raw("SELECT payload FROM instruments_answerimport WHERE id = %s", pending.pk)
    assert NISN_A not in raw and '"heavy"' not in raw  # the pending rows are encrypted at rest

    result = answer_import.apply(pending, world.gurubk)
    assert result["written"] == 2
    sheet = _sheets(administration)[NISN_A]
    assert sheet.status == Assignment.Status.SUBMITTED
    assert (sheet.source, sheet.entered_by) == (Assignment.Source.IMPORT, world.gurubk)
    assert sheet.answer_data() == {"items": {"1": True, "2": True}, "heavy": [2]}
    stored = _raw("SELECT answers FROM instruments_assignment WHERE id = %s", sheet.pk)
    assert '"items"' not in stored
    assert not AnswerImport.objects.exists()
    assert AuditEvent.objects.filter(action="change", detail__startswith="answer import aum.xlsx").exists()


def test_one_bad_row_writes_nothing(world, nisns):
    administration = _administration(world)
    data = xlsx([aum_header(), aum_row(NISN_A, ticked={1}), aum_row(NISN_B, ticked={2}, heavy="9")])
    pending = answer_import.preview(administration, data, "aum.xlsx", world.gurubk)
    assert pending.summary["error_rows"] == 1
    errors = json.loads(pending.payload)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "BB · berat")]
    with pytest.raises(answer_import.ImportRefused):
        answer_import.apply(pending, world.gurubk)
    assert all(a.status == Assignment.Status.PENDING for a in _sheets(administration).values())
    assert AnswerImport.objects.filter(pk=pending.pk).exists()


def test_apply_twice_is_refused(world, nisns):
    administration = _administration(world)
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(NISN_A, {1})]), "a.xlsx", world.gurubk)
    answer_import.apply(pending, world.gurubk)
    revision = _sheets(administration)[NISN_A].revision
    with pytest.raises(answer_import.ImportRefused, match="dua kali"):
        answer_import.apply(pending, world.gurubk)
    assert _sheets(administration)[NISN_A].revision == revision


def test_unknown_not_in_administration_and_duplicate_rows(world, nisns):
    administration = _administration(world)
    rows = [
        aum_header(),
        aum_row(NISN_A, {1}),
        aum_row("0000000000"),
        aum_row(world.other_student.nisn),
        aum_row(NISN_A, {2}),
    ]
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.gurubk)
    summary = pending.summary
    assert (summary["unknown_nisn"], summary["not_in_administration"], summary["duplicates"]) == (1, 1, 1)
    assert {e["row"] for e in json.loads(pending.payload)["errors"]} == {3, 4, 5}


def test_a_guru_bk_cannot_import_a_student_outside_their_caseload(world, nisns):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    rows = [aum_header(), aum_row(NISN_A, {1}), aum_row(world.other_student.nisn, {1})]
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.gurubk)
    assert pending.summary["not_served"] == 1
    errors = json.loads(pending.payload)["errors"]
    assert [e["row"] for e in errors] == [3]
    assert world.other_student.name not in json.dumps(errors)
    with pytest.raises(answer_import.ImportRefused):
        answer_import.apply(pending, world.gurubk)
    assert not Assignment.objects.filter(administration=administration, status="submitted").exists()
    # the coordinator serves everyone
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.koordinator)
    assert pending.summary["errors"] == 0 and pending.summary["new"] == 2


def test_replacing_a_submitted_sheet_needs_confirmation(world, nisns):
    administration = _administration(world)
    sheet = _sheets(administration)[NISN_A]
    services.record_sheet(sheet, {"items": {"9": True}}, by=world.gurubk, source="paper")
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(NISN_A, {1})]), "a.xlsx", world.gurubk)
    assert (pending.summary["new"], pending.summary["replace"]) == (0, 1)
    with pytest.raises(answer_import.ImportRefused, match="centang"):
        answer_import.apply(pending, world.gurubk)
    answer_import.apply(pending, world.gurubk, replace_confirmed=True)
    sheet.refresh_from_db()
    assert sheet.answer_data()["items"] == {"1": True} and sheet.source == "import"


def test_a_sheet_changed_after_the_preview_refuses_everything(world, nisns):
    administration = _administration(world)
    rows = [aum_header(), aum_row(NISN_A, {1}), aum_row(NISN_B, {2})]
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.gurubk)
    services.save_answers(_sheets(administration)[NISN_B], {"items": {"3": True}}, by=world.siswa)
    with pytest.raises(answer_import.ImportRefused, match="berubah"):
        answer_import.apply(pending, world.gurubk)
    assert _sheets(administration)[NISN_A].status == Assignment.Status.PENDING


def test_critical_items_imported_raise_an_alert(world, nisns):
    administration = _administration(world, name="dcm-contoh.json")
    header = ["NISN", *[f"{n}." for n in range(1, 18)]]
    row = [NISN_A, *["x" if n == 4 else "" for n in range(1, 18)]]
    pending = answer_import.preview(administration, csv_bytes([header, row]), "dcm.csv", world.gurubk)
    answer_import.apply(pending, world.gurubk)
    sheet = _sheets(administration)[NISN_A]
    assert Alert.objects.get(source=Alert.Source.SHEET, source_id=sheet.pk).items == [4]


def test_google_forms_grid_headers_with_yes_no_answers():
    akpd = _load("akpd-contoh.json")
    numbers = [item.number for item in akpd.items]
    header = ["Timestamp", "Email Address", "NISN", *[f"Kebutuhan saya [{n}. Butir kebutuhan]" for n in numbers]]
    words = ["Ya", "Tidak", "y", "t", "1", "0"] * 5
    parsed = answer_import.parse(akpd, csv_bytes([header, ["x", "a@b.c", NISN_A, *words[: len(numbers)]]]), "f.csv")
    assert parsed.errors == []
    assert list(parsed.records[0]["doc"]["items"].values())[:4] == ["ya", "tidak", "ya", "tidak"]
    assert parsed.header.ignored == ["Timestamp", "Email Address"]


def test_itp_option_code_or_its_text():
    itp = _load("itp-sma-contoh.json")
    header = ["NISN", *[str(item.number) for item in itp.items]]
    cells = [item.options[1].code.upper() for item in itp.items]
    cells[0] = itp.items[0].options[2].text  # Google Forms writes the chosen statement
    doc = answer_import.parse(itp, xlsx([header, [NISN_A, *cells]]), "itp.xlsx").records[0]["doc"]
    assert doc["items"]["1"] == itp.items[0].options[2].code
    assert doc["items"]["2"] == itp.items[1].options[1].code


def test_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(answer_import, "MAX_DATA_ROWS", 3)
    rows = [aum_header(), *[aum_row(f"00000000{n:02d}") for n in range(20)]]
    with pytest.raises(answer_import.ImportFileError, match="lebih dari 3 baris"):
        answer_import.parse(AUM, csv_bytes(rows), "a.csv")


def test_erasing_a_student_drops_pending_previews_that_may_hold_their_answers(world):
    from datetime import timedelta

    from django.utils import timezone

    from ekonseling.instruments import answer_import, services
    from ekonseling.instruments.models import AnswerImport
    from ekonseling.students import records

    name = "aum-umum-contoh.json"
    instrument, _ = services.import_definition(world.school, (services.SAMPLES_DIR / name).read_bytes(), name)
    administration = services.open_administration(
        instrument=instrument,
        title="AUM",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    answer_import.preview(administration, f"NISN,1,2\n{world.student.nisn},ya,\n".encode(), "a.csv", world.gurubk)
    assert AnswerImport.objects.count() == 1

    deletion = records.request_deletion(world.student, world.koordinator, "Permintaan orang tua")
    records.carry_out_deletion(deletion, world.operator)

    assert AnswerImport.objects.count() == 0
