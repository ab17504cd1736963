"""The PDF export of a conversation: made for the handling counselor, audited, refused to others,
anonymous where the exporter may not see who asked."""

import shutil
import subprocess
import uuid

import pytest
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import export, letters, services
from tests import factories

PDFTOTEXT = shutil.which("pdftotext")
NAME = "Dimas Prasetyo"
LETTER = "Saya sering merasa cemas sebelum ujian; jantung berdebar dan saya lupa semua hafalan."
ANSWER = "Terima kasih sudah bercerita. Mari kita latihan teknik pernapasan bersama hari Kamis."


@pytest.fixture
def handled(world):
    """A letter thread claimed by world.gurubk, with a reply and a transfer back and forth."""
    world.student.name = NAME
    world.student.save(update_fields=["name"])
    world.school.address = "Jl. Pendidikan No. 12"
    world.school.city = "Yogyakarta"
    world.school.save()
    conversation = letters.start_letter(
        world.student, world.siswa, subject="Cemas menjelang ujian", body=LETTER, client_key=uuid.uuid4()
    ).conversation
    letters.reply(conversation, world.gurubk, body=ANSWER, client_key=uuid.uuid4())
    conversation.refresh_from_db()
    return conversation


def pdf_text(data):
    return subprocess.run(  # noqa: S603 - a fixed binary on bytes we made
        [PDFTOTEXT, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_handling_counselor_exports_a_pdf_and_it_is_audited(client, world, handled):
    client.force_login(world.gurubk)
    response = client.get(reverse("counseling:export_pdf", args=[handled.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.EXPORT, object_id=str(handled.pk)
    ).exists()


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_holds_the_letterhead_the_people_the_messages_and_the_events(client, world, handled):
    services.transfer(handled, world.gurubk, world.koordinator)
    services.transfer(handled, world.koordinator, world.gurubk)
    client.force_login(world.gurubk)
    text = " ".join(pdf_text(client.get(reverse("counseling:export_pdf", args=[handled.pk])).content).split())
    for expected in [
        world.school.name,
        "Jl. Pendidikan No. 12, Yogyakarta",
        "Cemas menjelang ujian",
        NAME,
        world.gurubk.display_name,
        " ".join(LETTER.split()),
        " ".join(ANSWER.split()),
    ]:
        assert expected in text
    assert text.index("#1") < text.index("#2")
    assert text.count(world.koordinator.display_name) >= 2  # transferred to and back


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_an_anonymous_question_stays_anonymous_in_the_guru_bks_export(client, world):
    world.student.name = NAME
    world.student.save(update_fields=["name"])
    conversation = letters.start_question(
        world.student, world.siswa, body="Apakah wajar merasa sendirian?", client_key=uuid.uuid4()
    ).conversation
    letters.reply(conversation, world.gurubk, body="Wajar, dan kamu tidak sendirian.", client_key=uuid.uuid4())
    client.force_login(world.gurubk)
    text = pdf_text(client.get(reverse("counseling:export_pdf", args=[conversation.pk])).content)
    assert NAME not in text
    assert world.student.nisn not in text
    assert "Apakah wajar merasa sendirian?" in text


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_long_letter_wraps_and_runs_over_pages(world):
    words = " ".join(f"kata{n}" for n in range(1500))
    unbroken = "x" * 3000
    conversation = letters.start_letter(
        world.student, world.siswa, subject="Panjang", body=f"{words}\n{unbroken}\nAKHIR", client_key=uuid.uuid4()
    ).conversation
    services.claim(conversation, world.gurubk)
    text = pdf_text(export.conversation_pdf(conversation, world.gurubk))
    assert "kata1499" in text
    assert "AKHIR" in text
    assert text.count("\f") > 1  # more than one page


def test_without_dejavu_the_pdf_falls_back_to_helvetica(world, handled, monkeypatch, tmp_path):
    from ekonseling.core import pdf

    monkeypatch.setattr(pdf, "FONT_DIRS", [tmp_path])
    export.fonts.cache_clear()
    try:
        assert export.fonts() == ("Helvetica", "Helvetica-Bold")
        assert export.conversation_pdf(handled, world.gurubk).startswith(b"%PDF")
    finally:
        export.fonts.cache_clear()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("siswa", 403),
        ("walikelas", 403),
        ("kepsek", 403),
        ("operator", 403),
        ("gurubk_other", 404),
        ("koordinator", 404),
    ],
)
def test_others_may_not_export(client, world, handled, who, status):
    """The coordinator does not read a colleague's claimed, non-urgent case; nor may they export it."""
    client.force_login(getattr(world, who))
    assert client.get(reverse("counseling:export_pdf", args=[handled.pk])).status_code == status
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_unclaimed_thread_is_exported_by_nobody_but_the_coordinator(client, world):
    conversation = letters.start_letter(
        world.student, world.siswa, subject="Baru", body=LETTER, client_key=uuid.uuid4()
    ).conversation
    outsider = factories.user(world.school, Role.GURU_BK)
    for user, status in [(world.gurubk, 404), (outsider, 404), (world.koordinator, 200)]:
        client.force_login(user)
        assert client.get(reverse("counseling:export_pdf", args=[conversation.pk])).status_code == status
