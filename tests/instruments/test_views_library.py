"""The library pages: samples, import with every located error, frozen versions, export, archive."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import definition as definitions
from ekonseling.instruments import services
from ekonseling.instruments.models import Instrument

SAMPLES = services.SAMPLES_DIR


def _raw(name="dcm-contoh.json"):
    return (SAMPLES / name).read_bytes()


def _upload(client, content, name="definisi.json"):
    return client.post(reverse("instruments:import_definition"), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def counselor(client, world):
    client.force_login(world.gurubk)
    return client


def test_an_empty_library_says_so_and_samples_install(counselor, world):
    response = counselor.get(reverse("instruments:library"))
    assert b'data-testid="library-empty"' in response.content

    response = counselor.post(reverse("instruments:install_samples"))
    assert response.status_code == 302
    assert Instrument.objects.filter(school=world.school, sample=True).count() == 5

    page = counselor.get(reverse("instruments:library")).content.decode()
    assert page.count('data-testid="sample"') == 5
    assert "contoh — bukan instrumen berlisensi" in page
    # Installing again changes nothing.
    counselor.post(reverse("instruments:install_samples"))
    assert Instrument.objects.filter(school=world.school).count() == 5


def test_a_bad_file_shows_every_error_with_its_path_and_stores_nothing(counselor):
    data = json.loads(_raw())
    del data["version"]
    data["items"][2]["area"] = "ZZZ"
    data["items"][0]["teks"] = "typo"
    data["bands"][1]["lower"] = 99
    expected = definitions.validate(data)
    assert len(expected) >= 4

    response = _upload(counselor, json.dumps(data).encode())

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="definition-errors"' in page
    for error in expected:
        assert f'data-path="{error.path}"' in page
        assert f"<code>{error.path}</code>" in page
    assert "items[2].area" in page and "version" in page
    assert not Instrument.objects.exists()


def test_a_json_syntax_error_is_located(counselor):
    response = _upload(counselor, b'{"code": "X",\n  "version": }')
    assert response.status_code == 200
    assert "baris 2" in response.content.decode()
    assert not Instrument.objects.exists()


def test_import_reports_created_then_unchanged_then_replaced(counselor, world):
    response = _upload(counselor, _raw())
    instrument = Instrument.objects.get(school=world.school, code="DCM-CONTOH")
    assert response.status_code == 302 and response["Location"] == reverse(
        "instruments:instrument", args=[instrument.pk]
    )
    assert instrument.imported_by == world.gurubk and not instrument.sample
    assert b"outcome-created" in counselor.get(response["Location"]).content

    response = _upload(counselor, _raw(), name="lagi.json")
    assert b"outcome-unchanged" in counselor.get(response["Location"]).content

    data = json.loads(_raw())
    data["items"][0]["text"] = "Teks yang diketik sekolah."
    response = _upload(counselor, json.dumps(data).encode())
    assert b"outcome-replaced" in counselor.get(response["Location"]).content
    instrument.refresh_from_db()
    assert instrument.definition.items[0].text == "Teks yang diketik sekolah."
    assert Instrument.objects.count() == 1


def test_a_frozen_version_is_refused_through_the_page(counselor, world):
    instrument, _ = services.import_definition(world.school, _raw(), "dcm.json")
    now = timezone.now()
    administration = services.open_administration(
        instrument=instrument,
        title="DCM",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    sheet = administration.assignments.get(student=world.student)
    services.save_answers(sheet, {"items": {"1": True}}, by=world.siswa)
    before = instrument.source

    data = json.loads(_raw())
    data["items"][0]["text"] = "Diubah"
    response = _upload(counselor, json.dumps(data).encode())

    assert response.status_code == 200
    assert "sudah dipakai" in response.content.decode()
    instrument.refresh_from_db()
    assert instrument.source == before
    assert b'data-testid="frozen"' in counselor.get(reverse("instruments:library")).content


def test_export_downloads_the_definition_that_imports_back(counselor, world):
    instrument, _ = services.import_definition(world.school, _raw(), "dcm.json")
    response = counselor.get(reverse("instruments:export_definition", args=[instrument.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="DCM-CONTOH-v1.json"'
    again = definitions.load_definition(response.content, "DCM-CONTOH-v1.json")
    assert again.fingerprint == instrument.fingerprint
    assert AuditEvent.objects.filter(actor=world.gurubk, action=AuditEvent.Action.EXPORT).count() == 1


def test_detail_shows_areas_with_counts_items_and_critical_items(counselor, world):
    instrument, _ = services.import_definition(world.school, _raw(), "dcm.json")
    definition = instrument.definition
    page = counselor.get(reverse("instruments:instrument", args=[instrument.pk])).content.decode()
    assert f'data-testid="item-count">{len(definition.items)}<' in page
    for area in definition.areas:
        count = len(definition.items_by_area[area.code])
        assert f'data-testid="area-{area.code}"' in page
        assert f'<td class="num">{count}</td></tr>' in page
    assert 'data-testid="critical-4"' in page
    assert definition.items_by_number[4].text in page
    for question in definition.open_questions:
        assert question.text in page


def test_archive_hides_a_version_from_new_administrations_and_can_be_undone(counselor, world):
    instrument, _ = services.import_definition(world.school, _raw(), "dcm.json")
    url = reverse("instruments:archive", args=[instrument.pk])

    assert counselor.post(url, {"archived": "on"}).status_code == 302
    instrument.refresh_from_db()
    assert instrument.archived
    form = counselor.get(reverse("instruments:administration_new")).context["form"]
    assert instrument not in form.fields["instrument"].queryset

    counselor.post(url, {})
    instrument.refresh_from_db()
    assert not instrument.archived
    assert counselor.get(url).status_code == 405


def test_another_schools_instrument_is_not_found(counselor, other_world):
    instrument, _ = services.import_definition(other_world.school, _raw(), "dcm.json")
    for name in ("instruments:instrument", "instruments:export_definition"):
        assert counselor.get(reverse(name, args=[instrument.pk])).status_code == 404
    assert counselor.post(reverse("instruments:archive", args=[instrument.pk]), {"archived": "on"}).status_code == 404


def test_a_workbook_whose_code_cell_holds_a_huge_number_is_refused_with_its_place(counselor):
    # Found by the hostile-upload fuzz test on PostgreSQL: Instrumen!B2 = 1e60 became a 61-digit code,
    # longer than the column, and the insert failed (a 500); SQLite stored it
    import io

    from openpyxl import load_workbook

    from ekonseling.instruments import workbook

    book = load_workbook(io.BytesIO(workbook.template("checklist_heavy")))
    book["Instrumen"]["B2"] = 1.0000000000000007e60
    out = io.BytesIO()
    book.save(out)

    response = counselor.post(
        reverse("instruments:import_definition"), {"file": SimpleUploadedFile("besar.xlsx", out.getvalue())}
    )

    assert response.status_code == 200
    assert 'data-testid="definition-errors"' in response.content.decode()
    assert not Instrument.objects.exists()
