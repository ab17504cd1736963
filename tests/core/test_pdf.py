"""The one letterhead (kop surat) and signature block of every PDF, and the school logo upload."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ekonseling.core import pdf

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data):
    return subprocess.run(  # noqa: S603 - a fixed binary on bytes we made
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def png_bytes(size=(800, 400), mode="RGBA", fmt="PNG", **save):
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 60, 255) if mode == "RGBA" else (10, 120, 60)).save(out, fmt, **save)
    return out.getvalue()


def document(school, signatory, **kwargs):
    story = pdf.letterhead(school)
    story.append(pdf.paragraph("Isi surat", pdf.styles()["body"]))
    story.append(pdf.signature_block(school, signatory, **kwargs))
    return pdf.confidential_document(story, footer="x", margin=18 * 2.83, title="t", author=school.name)


def school_with_letterhead(world):
    school = world.school
    school.address = "Jl. Merdeka No. 1"
    school.city = "Padang"
    school.province = "Sumatera Barat"
    school.phone = "0751-123"
    school.email = "sma@uji.sch.id"
    school.npsn = "10301234"
    school.headmaster_name = "Drs. Hendra Gunawan"
    school.headmaster_nip = "196501011990031001"
    school.save()
    world.gurubk.nip = "198001012005012001"
    world.gurubk.save(update_fields=["nip"])
    return school


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_letterhead_and_both_signatories_are_in_the_pdf(world):
    school = school_with_letterhead(world)
    text = pdf_text(document(school, world.gurubk))
    for expected in [
        school.name,
        "Jl. Merdeka No. 1, Padang, Sumatera Barat",
        "sma@uji.sch.id",
        "NPSN 10301234",
        "Mengetahui,",
        "Kepala Sekolah",  # the title as a letter writes it (issue 14)
        "Drs. Hendra Gunawan",
        "NIP 196501011990031001",
        world.gurubk.display_name,
        "NIP 198001012005012001",
        "Padang, ",
    ]:
        assert expected in text, expected


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_without_acknowledgement_the_principal_is_not_named(world):
    school = school_with_letterhead(world)
    text = pdf_text(document(school, world.gurubk, acknowledged=False, role="Guru BK"))
    assert "Drs. Hendra Gunawan" not in text and "Mengetahui" not in text
    assert "Guru BK" in text and world.gurubk.display_name in text


def test_the_logo_is_drawn_and_a_missing_file_does_not_stop_the_export(world, settings):
    from django.core.files.base import ContentFile

    school = school_with_letterhead(world)
    plain = document(school, world.gurubk)
    school.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    with_logo = document(school, world.gurubk)
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in plain
    flows = pdf.letterhead(school)
    assert flows[0].__class__.__name__ == "Table"  # logo on the left of the school's lines
    school.logo.storage.delete(school.logo.name)
    assert document(school, world.gurubk).startswith(b"%PDF")


def test_the_operator_uploads_a_logo_which_is_re_encoded(client, world):
    client.force_login(world.operator)
    url = reverse("admin:core_school_change", args=[world.school.pk])
    page = client.get(url).context
    form = page["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, "") and name in form.fields}
    data.pop("logo", None)
    for inline in page["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{inline.formset.prefix}-{name}": value for name, value in management.initial.items()})
    jpeg = png_bytes(size=(1200, 900), mode="RGB", fmt="JPEG", exif=b"Exif\x00\x00secret-place")
    data["logo"] = SimpleUploadedFile("kop-sekolah.jpg", jpeg, content_type="image/jpeg")

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    world.school.refresh_from_db()
    name = world.school.logo.name
    assert name.startswith("school/logos/") and name.endswith(".png") and "kop-sekolah" not in name
    with world.school.logo.open("rb") as handle:
        stored = handle.read()
    assert b"secret-place" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and max(image.size) == 600

    data.pop("logo")
    data["remove_logo"] = "on"
    assert client.post(url, data).status_code == 302
    world.school.refresh_from_db()
    assert not world.school.logo


def test_a_file_that_is_not_an_image_is_refused(client, world):
    client.force_login(world.operator)
    url = reverse("admin:core_school_change", args=[world.school.pk])
    page = client.get(url).context
    form = page["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, "") and name in form.fields}
    data.pop("logo", None)
    for inline in page["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{inline.formset.prefix}-{name}": value for name, value in management.initial.items()})
    data["logo"] = SimpleUploadedFile("logo.gif", png_bytes(mode="RGB", fmt="GIF"), content_type="image/gif")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
