"""Answer imports as real schools send them (issue 14): each finding with the test that failed before."""

import json

import pytest
from django.urls import reverse

from ekonseling.instruments import answer_import
from ekonseling.instruments.models import AnswerImport, Assignment

from .test_answer_import import AUM, NISN_B, _administration, _sheets, aum_header, aum_row, csv_bytes, xlsx

NISN_A = "0001234567"  # as every demo NISN: three leading zeros


def test_a_header_only_file_cannot_be_previewed_or_confirmed(world, nisns):
    administration = _administration(world)
    with pytest.raises(answer_import.ImportFileError, match="tidak ada baris jawaban"):
        answer_import.preview(administration, xlsx([aum_header()]), "kosong.xlsx", world.gurubk)
    assert not AnswerImport.objects.exists()
    # a pending import with nothing to write (from before this check) cannot be applied either
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(NISN_A, {1})]), "a.xlsx", world.gurubk)
    payload = json.loads(pending.payload)
    payload["rows"] = []
    pending.payload = json.dumps(payload)
    pending.summary = {**pending.summary, "ok": 0, "new": 0}
    pending.save()
    with pytest.raises(answer_import.ImportRefused):
        answer_import.apply(pending, world.gurubk)


def test_rows_with_a_nisn_and_no_answers_warn_and_need_explicit_acceptance(world, nisns, client):
    administration = _administration(world)
    rows = [aum_header(), aum_row(NISN_A, {1, 2}), aum_row(NISN_B)]  # B: a NISN, nothing else
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.gurubk)
    assert pending.summary["blank"] == 1 and pending.summary["errors"] == 0
    shown = answer_import.describe(pending)
    assert [w["row"] for w in shown["warnings"]] == [3] and shown["can_confirm"]
    with pytest.raises(answer_import.ImportRefused, match="tidak ada jawaban"):
        answer_import.apply(pending, world.gurubk)
    assert all(a.status == Assignment.Status.PENDING for a in _sheets(administration).values())
    # the page says how many and asks for the tick
    client.force_login(world.gurubk)
    url = reverse("instruments:answer_import_preview", args=[pending.pk])
    html = client.get(url).content.decode()
    assert 'id="warnings"' in html and 'name="confirm_blank"' in html
    client.post(url, {"action": "confirm"})
    assert AnswerImport.objects.filter(pk=pending.pk).exists()
    client.post(url, {"action": "confirm", "confirm_blank": "1"})
    assert not AnswerImport.objects.filter(pk=pending.pk).exists()
    assert _sheets(administration)[NISN_B].answer_data()["items"] == {}


def test_tidak_everywhere_is_an_answer_not_a_blank_row(world, nisns):
    administration = _administration(world)
    row = ["", "Budi", NISN_B, *["tidak"] * 50, ""]
    pending = answer_import.preview(administration, xlsx([aum_header(), row]), "a.xlsx", world.gurubk)
    assert pending.summary["blank"] == 0


@pytest.fixture
def nisns(world):
    world.student.nisn = NISN_A
    world.student.save()
    world.classmate.nisn = NISN_B
    world.classmate.save()


def test_a_nisn_excel_stripped_to_seven_digits_is_matched(world, nisns):
    administration = _administration(world)
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(1234567, {1})]), "a.xlsx", world.gurubk)
    assert pending.summary["errors"] == 0 and pending.summary["new"] == 1
    data = csv_bytes([aum_header(), aum_row("1234567", {1})])
    assert answer_import.preview(administration, data, "a.csv", world.gurubk).summary["new"] == 1


def test_a_stripped_nisn_that_is_nobodys_is_refused_and_says_why(world, nisns):
    administration = _administration(world)
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(7654321, {1})]), "a.xlsx", world.gurubk)
    (error,) = json.loads(pending.payload)["errors"]
    assert "0007654321" in error["message"] and "7654321" in error["message"] and "nol" in error["message"]
    # six digits are too short to be a stripped NISN
    parsed = answer_import.parse(AUM, xlsx([aum_header(), aum_row(123456, {1})]), "a.xlsx")
    assert parsed.errors and "10 digit" in parsed.errors[0].message


@pytest.mark.parametrize(
    "label",
    ["Nomor Induk Siswa Nasional", "No. Induk Siswa Nasional", "NOMOR INDUK SISWA NASIONAL (NISN)", "N.I.S.N"],
)
def test_nisn_header_variants(label):
    header = ["Nama", label, *[f"{n}. Butir" for n in range(1, 51)]]
    parsed = answer_import.parse(AUM, csv_bytes([header, ["Ani", NISN_A, "ya"]]), "a.csv")
    assert parsed.errors == [] and parsed.records[0]["nisn"] == NISN_A


def test_nisn_header_does_not_catch_other_columns():
    assert not answer_import._is_nisn("Nomor Induk Sekolah")
    assert not answer_import._is_nisn("12. Saya lupa nomor induk siswa nasional saya")


def test_every_error_kind_names_its_column_the_same_way(world, nisns):
    administration = _administration(world)
    rows = [aum_header(), aum_row("12ab"), aum_row("0000000009", {1}), aum_row(NISN_B, {1}), aum_row(NISN_B, {2})]
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.gurubk)
    columns = {e["row"]: e["column"] for e in json.loads(pending.payload)["errors"]}
    assert columns == {2: "C · NISN", 3: "C · NISN", 5: "C · NISN"}


def test_a_pending_import_opens_for_the_counselors_of_the_administration(world, nisns, client):
    administration = _administration(world)
    pending = answer_import.preview(administration, xlsx([aum_header(), aum_row(NISN_B, {1})]), "a.xlsx", world.gurubk)
    url = reverse("instruments:answer_import_preview", args=[pending.pk])
    client.force_login(world.koordinator)
    assert client.get(url).status_code == 200
    client.force_login(world.gurubk_other)  # not a counselor of X-A: neither the administration nor the student
    assert client.get(url).status_code == 404
    world.rombel_a.counselors.add(world.gurubk_other)  # now a second guru BK of X-A
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("instruments:answer_import", args=[administration.pk]))
        .content.decode()
        .count(f"/{pending.pk}/")
    )
    client.post(url, {"action": "confirm"})
    assert _sheets(administration)[NISN_B].entered_by == world.gurubk_other


def test_a_colleague_who_does_not_serve_every_row_cannot_open_it(world, nisns, client):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    rows = [aum_header(), aum_row(NISN_B, {1}), aum_row(world.other_student.nisn, {1})]
    pending = answer_import.preview(administration, xlsx(rows), "a.xlsx", world.koordinator)
    client.force_login(world.gurubk)  # manages the administration (X-A), does not serve X-B's student
    assert client.get(reverse("instruments:answer_import_preview", args=[pending.pk])).status_code == 404
