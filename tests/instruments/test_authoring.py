"""Authoring without JSON (issue 14): the spreadsheet template per kind, reading it back with every
error located by sheet, row and column, export to the same template, and the edit form."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import definition, kinds, services, workbook
from ekonseling.instruments.models import Instrument

from .test_reports import administration, record

SAMPLES = sorted(services.SAMPLES_DIR.glob("*.json"))


def _sample(name):
    return definition.load_definition((services.SAMPLES_DIR / name).read_bytes(), name)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_definition_survives_the_round_trip_through_the_template(path):
    original = definition.load_definition(path.read_bytes(), path.name)
    back = workbook.read(workbook.to_xlsx(original))
    assert back.fingerprint == original.fingerprint
    assert definition.to_data(back) == definition.to_data(original)


@pytest.mark.parametrize("kind", kinds.NAMES)
def test_a_template_per_kind_with_every_part_of_the_definition(kind):
    book = load_workbook(io.BytesIO(workbook.template(kind)))
    names = book.sheetnames
    assert names[0] == workbook.GUIDE
    for sheet in (workbook.AREAS, workbook.ITEMS, workbook.BANDS, workbook.CRITICAL, workbook.OPEN):
        assert sheet in names
    if kinds.get(kind).uses_scale:
        assert workbook.SCALE in names and "kunci" in [c.value for c in book[workbook.ITEMS][1]]
    if kinds.get(kind).uses_levels:
        assert {workbook.OPTIONS, workbook.LEVELS, workbook.TARGETS} <= set(names)
    # our own sample texts, labelled as such: no licensed item set is shipped
    info = {row[0]: row[1] for row in book[workbook.INFO].iter_rows(min_row=2, values_only=True)}
    assert "bukan instrumen berlisensi" in info["judul"]
    assert book[workbook.ITEMS].freeze_panes == "A2"


def _edited_template(kind, edit):
    book = load_workbook(io.BytesIO(workbook.template(kind)))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_error_is_located_by_sheet_row_and_column():
    def edit(book):
        book[workbook.ITEMS]["B3"] = "ZZ"  # item on row 3: an area that does not exist
        book[workbook.ITEMS]["A5"] = "lima"  # not a number
        book[workbook.BANDS]["B2"] = 25  # band 1 ends at 25, band 2 starts at 21: overlap
        book[workbook.CRITICAL]["A2"] = 999  # not an item

    with pytest.raises(definition.DefinitionInvalid) as caught:
        workbook.read(_edited_template("checklist_topic", edit))
    where = {error.path: error.message for error in caught.value.errors}
    assert "lembar Butir, baris 3, kolom B (area)" in where and "ZZ" in where["lembar Butir, baris 3, kolom B (area)"]
    assert "bukan bilangan bulat" in where["lembar Butir, baris 5, kolom A (nomor)"]
    assert any(path.startswith("lembar Kategori, baris ") for path in where)
    assert "lembar Butir kritis, baris 2, kolom A (nomor)" in where
    assert not any(path.startswith(("items", "bands", "critical_items")) for path in where)  # no JSON paths


def test_a_number_of_thousands_of_digits_is_a_located_error_not_a_crash():
    # Found by the hypothesis fuzz: Python refuses to read an int of over 4,300 digits (ValueError).
    def edit(book):
        book[workbook.ITEMS]["A2"] = "9" * 5000
        book[workbook.ITEMS]["A3"] = "1" + "0" * 12

    with pytest.raises(definition.DefinitionInvalid) as caught:
        workbook.read(_edited_template("checklist_topic", edit))
    where = {error.path: error.message for error in caught.value.errors}
    assert "terlalu besar" in where["lembar Butir, baris 2, kolom A (nomor)"]
    assert "terlalu besar" in where["lembar Butir, baris 3, kolom A (nomor)"]


def test_a_missing_sheet_or_column_is_named():
    def edit(book):
        del book[workbook.AREAS]
        book[workbook.ITEMS]["C1"] = "pernyataan"

    with pytest.raises(definition.DefinitionInvalid) as caught:
        workbook.read(_edited_template("needs", edit))
    paths = [error.path for error in caught.value.errors]
    assert "lembar Area" in paths and "lembar Butir, baris 1" in paths


def test_not_a_workbook_is_refused_with_a_message():
    with pytest.raises(definition.DefinitionInvalid):
        workbook.read(b"%PDF-1.4 bukan spreadsheet")


def test_upload_the_template_in_the_library_and_download_it_back(client, world):
    client.force_login(world.gurubk)
    page = client.get(reverse("instruments:import_definition")).content.decode()
    assert reverse("instruments:definition_template", args=["checklist_heavy"]) in page
    template = client.get(reverse("instruments:definition_template", args=["developmental"]))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    assert client.get("/instrumen/pustaka/templat/bukan.xlsx").status_code == 404

    def rename(book):
        book[workbook.INFO]["B2"] = "ITP-SEKOLAH"

    data = _edited_template("developmental", rename)
    upload = io.BytesIO(data)
    upload.name = "itp.xlsx"
    response = client.post(reverse("instruments:import_definition"), {"file": upload})
    assert response.status_code == 302
    instrument = Instrument.objects.get(school=world.school, code="ITP-SEKOLAH")
    assert instrument.definition.fingerprint == workbook.read(data).fingerprint
    exported = client.get(reverse("instruments:export_definition_xlsx", args=[instrument.pk]))
    assert exported.status_code == 200
    assert workbook.read(exported.content).fingerprint == instrument.fingerprint
    assert AuditEvent.objects.filter(action="export", detail="definition workbook").count() == 1


def test_a_template_with_errors_shows_them_located_and_stores_nothing(client, world):
    client.force_login(world.gurubk)

    def edit(book):
        book[workbook.ITEMS]["B2"] = "??"

    upload = io.BytesIO(_edited_template("checklist_heavy", edit))
    upload.name = "aum.xlsx"
    response = client.post(reverse("instruments:import_definition"), {"file": upload})
    assert response.status_code == 200
    assert "lembar Butir, baris 2, kolom B (area)" in response.content.decode()
    assert not Instrument.objects.filter(school=world.school).exists()


def _dcm(world):
    raw = (services.SAMPLES_DIR / "dcm-contoh.json").read_bytes()
    return services.import_definition(world.school, raw, "dcm-contoh.json")[0]


def test_the_edit_form_changes_texts_bands_and_critical_items(client, world):
    instrument = _dcm(world)
    client.force_login(world.gurubk)
    url = reverse("instruments:edit_definition", args=[instrument.pk])
    page = client.get(url).content.decode()
    assert 'name="item_1"' in page and 'name="band_0_description"' in page and 'name="critical"' in page
    post = {"title": "DCM sekolah", "item_1": "Saya sering sakit kepala saat ujian", "critical": "4, 5"}
    old = _sample("dcm-contoh.json")
    for index, band in enumerate(old.bands):
        post.update(
            {
                f"band_{index}_lower": band.lower,
                f"band_{index}_upper": band.upper,
                f"band_{index}_label": band.label,
                f"band_{index}_description": band.description + (" sekali" if index == 0 else ""),
            }
        )
    response = client.post(url, post)
    assert response.status_code == 302
    instrument.refresh_from_db()
    edited = definition.build(__import__("json").loads(instrument.source))
    assert edited.title == "DCM sekolah" and edited.items_by_number[1].text == "Saya sering sakit kepala saat ujian"
    assert edited.critical_items == (4, 5) and edited.bands[0].description == "Sangat ringan sekali"
    assert (edited.code, edited.version, edited.areas) == (old.code, old.version, old.areas)
    assert instrument.fingerprint != old.fingerprint
    assert AuditEvent.objects.filter(action="change", detail="definition edited in the form").count() == 1


def test_the_edit_form_refuses_bad_bands_and_changes_nothing(client, world):
    instrument = _dcm(world)
    fingerprint = instrument.fingerprint
    client.force_login(world.gurubk)
    url = reverse("instruments:edit_definition", args=[instrument.pk])
    post = {
        "title": "x",
        "item_2": "Teks baru butir dua",
        "band_0_lower": "0",
        "band_0_upper": "abc",
        "band_0_label": "A",
    }
    response = client.post(url, post)
    assert response.status_code == 400 and 'data-testid="definition-errors"' in response.content.decode()
    assert 'value="Teks baru butir dua"' in response.content.decode()  # the edits are kept for the correction
    response = client.post(url, {"title": "x", "band_0_lower": "5", "band_0_upper": "100", "band_0_label": "A"})
    assert response.status_code == 400 and "Kategori 1" in response.content.decode()
    instrument.refresh_from_db()
    assert instrument.fingerprint == fingerprint


def test_a_version_with_answers_cannot_be_edited(client, world):
    adm = administration(world, "dcm-contoh.json")
    record(adm, world.student, {"items": {"1": True}}, world.gurubk)
    instrument = adm.instrument
    client.force_login(world.gurubk)
    url = reverse("instruments:edit_definition", args=[instrument.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"title": "diubah"}).status_code == 302
    instrument.refresh_from_db()
    assert instrument.title != "diubah"
    with pytest.raises(services.InstrumentError):
        services.edit_definition(instrument, definition.to_data(instrument.definition), world.gurubk)
