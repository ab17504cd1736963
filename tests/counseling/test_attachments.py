"""Attachments: checked by content and size, EXIF stripped, encrypted on disk, served only
through the access policy with headers that keep them private."""

import io
import uuid

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ekonseling.accounts.models import Role
from ekonseling.core import uploads
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import attachments, letters
from ekonseling.counseling.models import Attachment, Message
from tests import factories
from tests.files import PDF_TRACES as TRACES
from tests.files import hostile_pdf, locked_pdf, pdf_bytes

GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg_with_exif(size=(64, 48)):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[GPS_IFD] = {1: "S", 2: (6.0, 10.0, 30.0)}  # a place: the student's home, say
    Image.new("RGB", size, "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


def image_bytes(fmt, mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, (20, 10), "teal").save(out, fmt)
    return out.getvalue()


def stored_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def thread(world):
    return letters.start_letter(
        world.student, world.siswa, subject="Foto tugas", body="Ini surat saya.", client_key=uuid.uuid4()
    ).conversation


def send(client, conversation, name, data, content_type, body="Lampiran saya."):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        reverse("counseling:reply", args=[conversation.pk]),
        {"body": body, "client_key": str(uuid.uuid4()), "attachment": upload},
    )


def test_an_image_is_stored_encrypted_without_exif_and_served_decrypted(client, world, thread):
    original = jpeg_with_exif()
    client.force_login(world.siswa)
    response = send(client, thread, "IMG_2041 rumah.jpg", original, "image/jpeg")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    on_disk = (settings.MEDIA_ROOT / attachment.file.name).read_bytes()
    assert not on_disk.startswith(b"\xff\xd8")
    assert b"PhoneMaker" not in on_disk
    assert "rumah" not in attachment.file.name
    assert attachment.original_name == "IMG_2041 rumah.jpg"
    served = client.get(reverse("counseling:attachment", args=[attachment.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"].startswith("inline")
    assert served["Cache-Control"] == "private, no-store"
    assert served["X-Content-Type-Options"] == "nosniff"
    content = served.content
    assert content == attachments.open_decrypted(attachment)
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == ("JPEG", (64, 48))
        assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in content


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("foto.png", image_bytes("PNG", "RGBA"), "image/png"),
        ("foto.webp", image_bytes("WEBP"), "image/webp"),
        ("foto-cmyk.jpg", image_bytes("JPEG", "CMYK"), "image/jpeg"),
        ("tanpa-ekstensi", image_bytes("PNG", "P"), "application/octet-stream"),
    ],
    ids=["png-alpha", "webp", "jpeg-cmyk", "png-without-extension"],
)
def test_each_image_kind_is_accepted_by_content(client, world, thread, name, data, content_type):
    client.force_login(world.siswa)
    assert send(client, thread, name, data, content_type).status_code == 302
    attachment = Attachment.objects.get()
    with Image.open(io.BytesIO(attachments.open_decrypted(attachment))) as image:
        assert attachment.content_type == Image.MIME[image.format]


def test_a_pdf_is_downloaded_not_shown(client, world, thread):
    document = pdf_bytes()
    client.force_login(world.gurubk)
    assert send(client, thread, "surat dokter.pdf", document, "application/pdf").status_code == 302
    attachment = Attachment.objects.get()
    served = client.get(reverse("counseling:attachment", args=[attachment.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")
    assert served.content == uploads.rewrite_pdf(document)  # the pages, written again without extras
    assert len(pikepdf.open(io.BytesIO(served.content)).pages) == 1
    assert served["Cache-Control"] == "private, no-store"


def test_a_pdf_loses_metadata_scripts_forms_and_embedded_files(client, world, thread):
    document = hostile_pdf()
    assert all(trace in document for trace in TRACES)
    client.force_login(world.siswa)
    assert send(client, thread, "surat.pdf", document, "application/pdf").status_code == 302
    stored = attachments.open_decrypted(Attachment.objects.get())
    assert [trace for trace in TRACES if trace in stored] == []
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1 and "/Info" not in pdf.trailer and not pdf.attachments
        assert "/OpenAction" not in pdf.Root and "/Metadata" not in pdf.Root


def test_a_password_protected_pdf_is_refused_clearly(client, world, thread):
    client.force_login(world.siswa)
    response = send(client, thread, "kunci.pdf", locked_pdf(), "application/pdf")
    assert response.status_code == 200
    [error] = response.context["reply_form"].errors["attachment"]
    assert "password" in error.lower() or "sandi" in error.lower()
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "content_type", "says"),
    [
        ("besar.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (6 * 1024 * 1024), "image/jpeg", "5"),
        ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 2000, "image/jpeg", "JPEG"),
        ("surat.pdf", b"Ini bukan PDF, hanya teks biasa.\n" * 20, "application/pdf", "PDF"),
        ("potong.pdf", pdf_bytes()[:300], "application/pdf", "PDF"),
        ("palsu.pdf", b"%PDF-1.7\nhello\n%%EOF\n", "application/pdf", "PDF"),
        ("rusak.png", image_bytes("PNG")[:40], "image/png", "JPEG"),
        ("animasi.gif", image_bytes("GIF"), "image/gif", "JPEG"),
    ],
    ids=[
        "six-megabytes",
        "exe-renamed-jpg",
        "text-renamed-pdf",
        "truncated-pdf",
        "pdf-header-only",
        "broken-png",
        "gif",
    ],
)
def test_wrong_or_oversized_files_are_refused_and_nothing_is_stored(
    client, world, thread, name, data, content_type, says
):
    client.force_login(world.siswa)
    response = send(client, thread, name, data, content_type)
    assert response.status_code == 200
    [error] = response.context["reply_form"].errors["attachment"]
    assert says in error
    assert Attachment.objects.count() == 0
    assert Message.objects.filter(conversation=thread).count() == 1
    assert stored_files() == []


def test_the_size_limit_is_a_setting(client, world, thread, settings):
    settings.COUNSELING_ATTACHMENT_MAX_BYTES = 100
    client.force_login(world.siswa)
    response = send(client, thread, "foto.jpg", jpeg_with_exif(), "image/jpeg")
    assert response.context["reply_form"].errors["attachment"]
    assert Attachment.objects.count() == 0


def test_a_double_submit_with_a_file_stores_it_once(client, world, thread):
    client.force_login(world.siswa)
    key = str(uuid.uuid4())
    for _ in range(2):
        upload = SimpleUploadedFile("foto.jpg", jpeg_with_exif(), content_type="image/jpeg")
        client.post(
            reverse("counseling:reply", args=[thread.pk]), {"body": "Foto.", "client_key": key, "attachment": upload}
        )
    assert Attachment.objects.count() == 1
    assert len(stored_files()) == 1


@pytest.fixture
def stored(client, world, thread):
    client.force_login(world.siswa)
    send(client, thread, "foto.jpg", jpeg_with_exif(), "image/jpeg")
    client.logout()
    return Attachment.objects.get()


def test_the_counselor_gets_the_file_and_the_read_is_audited(client, world, stored):
    client.force_login(world.gurubk)
    assert client.get(reverse("counseling:attachment", args=[stored.pk])).status_code == 200
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.READ, detail=f"attachment {stored.pk}"
    ).exists()


@pytest.mark.parametrize("who", ["classmate", "gurubk_other", "walikelas", "kepsek", "operator"])
def test_nobody_else_gets_the_file(client, world, stored, who):
    world.classmate.user = factories.user(world.school, Role.SISWA)
    world.classmate.save()
    client.force_login(world.classmate.user if who == "classmate" else getattr(world, who))
    assert client.get(reverse("counseling:attachment", args=[stored.pk])).status_code in (403, 404)


def test_another_school_gets_a_404(client, other_world, stored):
    client.force_login(other_world.koordinator)
    assert client.get(reverse("counseling:attachment", args=[stored.pk])).status_code == 404


def test_signed_out_is_sent_to_sign_in(client, stored):
    response = client.get(reverse("counseling:attachment", args=[stored.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
