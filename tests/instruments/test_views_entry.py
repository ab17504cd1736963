"""The paper entry and answer import pages: the keyboard flow, confirmations, and who may write what."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import services
from ekonseling.instruments.models import AnswerImport, Assignment
from ekonseling.instruments.services import SAMPLES_DIR


def _administration(world, name="aum-umum-contoh.json", rombels=None, by=None):
    instrument, _ = services.import_definition(world.school, (SAMPLES_DIR / name).read_bytes(), name)
    now = timezone.now()
    return services.open_administration(
        instrument=instrument,
        title="Instrumen X",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=by or world.gurubk,
        rombels=rombels or [world.rombel_a],
    )


def _url(administration, **query):
    url = reverse("instruments:paper_entry", kwargs={"pk": administration.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _sheet(administration, student):
    return Assignment.objects.get(administration=administration, student=student)


@pytest.fixture
def counselor(client, world):
    client.force_login(world.gurubk)
    return client


def test_the_picker_offers_the_next_sheet_not_yet_entered(counselor, world):
    administration = _administration(world)
    first = min([world.student, world.classmate], key=lambda s: s.name)
    response = counselor.get(_url(administration))
    assert response.status_code == 200
    assert response.context["next_sheet"].student == first
    assert b'id="next-sheet"' in response.content


def test_typing_a_nisn_opens_that_student(counselor, world):
    administration = _administration(world)
    response = counselor.get(_url(administration, q=world.classmate.nisn))
    assert response.status_code == 302
    assert response["Location"].endswith(f"siswa={_sheet(administration, world.classmate).pk}")


def test_a_name_start_finds_only_the_counselors_students(counselor, world):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    response = counselor.get(_url(administration, q="Siswa"))
    found = {m.student for m in response.context["matches"]}
    assert found == {world.student, world.classmate}


def test_check_then_save_a_checklist_and_jump_to_the_next_student(counselor, world):
    administration = _administration(world)
    sheet = _sheet(administration, world.student)
    url = _url(administration, siswa=sheet.pk)
    assert counselor.get(url).status_code == 200
    fields = {"ticked": "1 4 7-9", "heavy": "8", "open.bicara": "guru_bk"}
    response = counselor.post(url, {**fields, "action": "check"})
    assert response.status_code == 200
    assert b'id="save-form"' in response.content
    assert [row["answered"] for row in response.context["summary"]][:2] == [2, 3]
    sheet.refresh_from_db()
    assert sheet.status == Assignment.Status.PENDING  # the check stores nothing

    response = counselor.post(url, {**fields, "action": "save"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"siswa={_sheet(administration, world.classmate).pk}")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.source, sheet.entered_by) == ("submitted", "paper", world.gurubk)
    assert sheet.answer_data() == {
        "items": {"1": True, "4": True, "7": True, "8": True, "9": True},
        "heavy": [8],
        "open": {"bicara": ["guru_bk"]},
    }
    assert AuditEvent.objects.filter(action="change", object_id=str(sheet.pk)).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM instruments_assignment WHERE id = %s", [sheet.pk])
        assert '"items"' not in cursor.fetchone()[0]  # stored encrypted


def test_errors_are_shown_on_their_field_and_nothing_is_stored(counselor, world):
    administration = _administration(world)
    sheet = _sheet(administration, world.student)
    response = counselor.post(_url(administration, siswa=sheet.pk), {"ticked": "1 230", "heavy": "2", "action": "save"})
    assert response.status_code == 200
    assert response.context["errors"]["ticked"] == ["butir 230 tidak ada (instrumen ini 1–50)."]
    assert "heavy" in response.context["errors"]
    assert response.context["focus"] == "ticked"
    assert b'data-testid="errors-ticked"' in response.content
    sheet.refresh_from_db()
    assert sheet.status == Assignment.Status.PENDING


def test_ptsdl_per_area_and_whole_sheet(counselor, world):
    administration = _administration(world, name="ptsdl-contoh.json")
    sheet = _sheet(administration, world.student)
    response = counselor.post(_url(administration, siswa=sheet.pk, layout="all"), {"all": "j k sr", "action": "check"})
    assert response.context["errors"]["all"] == ["PTSDL-CONTOH: 3 jawaban, seharusnya 19 (butir 1–19)."]
    page = counselor.get(_url(administration, siswa=sheet.pk))
    fields = {part["name"]: " ".join(["l"] * part["expected"]) for part in page.context["parts"]}
    response = counselor.post(_url(administration, siswa=sheet.pk), {**fields, "action": "save"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert set(sheet.answer_data()["items"].values()) == {"L"} and len(sheet.answer_data()["items"]) == 19


def test_overwriting_a_submitted_sheet_needs_the_confirmation(counselor, world):
    administration = _administration(world, name="dcm-contoh.json")
    sheet = _sheet(administration, world.student)
    services.record_sheet(sheet, {"items": {"1": True}}, by=world.gurubk, source="paper")
    url = _url(administration, siswa=sheet.pk)
    response = counselor.post(url, {"ticked": "2", "action": "save"})
    assert response.status_code == 200 and response.context["replace_error"]
    sheet.refresh_from_db()
    assert sheet.answer_data()["items"] == {"1": True}
    response = counselor.post(url, {"ticked": "2", "action": "save", "confirm_replace": "1"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.answer_data()["items"] == {"2": True}


def test_a_student_outside_the_caseload_cannot_be_opened(counselor, world):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    other = _sheet(administration, world.other_student)
    response = counselor.post(_url(administration, siswa=other.pk), {"ticked": "1", "action": "save"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Assignment.Status.PENDING


def test_another_counselors_administration_is_404(counselor, world):
    administration = _administration(world, rombels=[world.rombel_b], by=world.gurubk_other)
    assert counselor.get(_url(administration)).status_code == 404
    upload = reverse("instruments:answer_import", kwargs={"pk": administration.pk})
    assert counselor.get(upload).status_code == 404


# --- import pages ---------------------------------------------------------------------------------------------


def _csv(world, *rows):
    header = "NISN," + ",".join(str(n) for n in range(1, 51)) + ",berat"
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def test_upload_preview_confirm_then_the_import_is_gone(counselor, world):
    administration = _administration(world)
    upload_url = reverse("instruments:answer_import", kwargs={"pk": administration.pk})
    assert counselor.get(upload_url).status_code == 200
    cells = ["ya" if n in (1, 3) else "" for n in range(1, 51)]
    data = _csv(world, ",".join([world.student.nisn, *cells, "3"]))
    data.name = "jawaban.csv"
    response = counselor.post(upload_url, {"file": data})
    assert response.status_code == 302
    pending = AnswerImport.objects.get()
    preview_url = reverse("instruments:answer_import_preview", kwargs={"pk": pending.pk})
    assert response["Location"] == preview_url
    page = counselor.get(preview_url)
    assert page.status_code == 200 and page.context["can_confirm"]
    assert [r["row"] for r in page.context["rows"]] == [2]
    assert b'id="confirm"' in page.content

    response = counselor.post(preview_url, {"action": "confirm"})
    assert response.status_code == 302
    sheet = _sheet(administration, world.student)
    assert sheet.source == "import" and sheet.answer_data() == {"items": {"1": True, "3": True}, "heavy": [3]}
    assert not AnswerImport.objects.exists()
    # a second confirm (a double click, the back button) finds nothing to apply
    assert counselor.post(preview_url, {"action": "confirm"}).status_code == 404
    sheet.refresh_from_db()
    assert sheet.revision == 1


def test_an_import_with_errors_cannot_be_confirmed(counselor, world):
    administration = _administration(world)
    data = _csv(world, f"{world.student.nisn},ya", f"{world.classmate.nisn},hmm")
    data.name = "jawaban.csv"
    counselor.post(reverse("instruments:answer_import", kwargs={"pk": administration.pk}), {"file": data})
    pending = AnswerImport.objects.get()
    preview_url = reverse("instruments:answer_import_preview", kwargs={"pk": pending.pk})
    page = counselor.get(preview_url)
    assert not page.context["can_confirm"] and b'id="confirm"' not in page.content
    assert [(e["row"], e["column"]) for e in page.context["errors"]] == [(3, "B · butir 1")]
    counselor.post(preview_url, {"action": "confirm"})
    assert not Assignment.objects.filter(administration=administration, status="submitted").exists()
    assert AnswerImport.objects.filter(pk=pending.pk).exists()


def test_a_broken_file_is_reported_on_the_form(counselor, world):
    administration = _administration(world)
    data = io.BytesIO(b"Nama,1\nAni,ya\n")
    data.name = "x.csv"
    response = counselor.post(reverse("instruments:answer_import", kwargs={"pk": administration.pk}), {"file": data})
    assert response.status_code == 200
    assert "NISN" in response.context["form"].errors["file"][0]
    assert not AnswerImport.objects.exists()


def test_cancel_deletes_the_pending_import(counselor, world):
    administration = _administration(world)
    data = _csv(world, f"{world.student.nisn},ya")
    data.name = "a.csv"
    counselor.post(reverse("instruments:answer_import", kwargs={"pk": administration.pk}), {"file": data})
    pending = AnswerImport.objects.get()
    counselor.post(reverse("instruments:answer_import_preview", kwargs={"pk": pending.pk}), {"action": "cancel"})
    assert not AnswerImport.objects.exists()
    assert _sheet(administration, world.student).status == Assignment.Status.PENDING


def test_a_counselor_outside_the_administration_cannot_open_a_pending_import(client, world):
    administration = _administration(world)
    data = _csv(world, f"{world.student.nisn},ya")
    data.name = "a.csv"
    client.force_login(world.gurubk)
    client.post(reverse("instruments:answer_import", kwargs={"pk": administration.pk}), {"file": data})
    pending = AnswerImport.objects.get()
    # issue 14: the pending import is no longer the uploader's alone; a guru BK of another rombel,
    # who neither manages the administration nor serves its students, still cannot open it
    client.force_login(world.gurubk_other)
    url = reverse("instruments:answer_import_preview", kwargs={"pk": pending.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert AnswerImport.objects.filter(pk=pending.pk).exists()
