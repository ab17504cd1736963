"""The import pages over HTTP: upload, preview, confirm or cancel; malformed uploads; who may open them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.students import imports
from ekonseling.students.models import Guardian, ImportBatch, Student

from . import dapodik

UPLOAD_URL = reverse("students:import")


def preview_url(batch):
    return reverse("students:import_preview", kwargs={"pk": batch.pk})


def post_file(client, data, name="dapodik.xlsx"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data)})


def test_operator_uploads_previews_and_confirms(client, world, login):
    login(world.operator)
    page = client.get(UPLOAD_URL)
    assert page.status_code == 200
    assert b"KIP/KKS/KPS" in page.content  # the upload page says what is never imported
    rows = [dapodik.student(n) for n in range(1, 6)] + [dapodik.student(6, NISN="12345")]

    response = post_file(client, dapodik.dapodik_xlsx(rows))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == preview_url(batch)
    assert not Student.objects.filter(nisn__startswith="0051").exists()
    preview = client.get(preview_url(batch))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Siti Nurhaliza" in html and dapodik.nisn(1) in html
    assert "NISN harus 10 digit angka (tertulis: &#x27;12345&#x27;)" in html
    assert "Nomor Rekening Bank" in html  # listed among the ignored columns
    assert "XI MIPA 1" in html  # the rombel to be created
    assert 'value="confirm"' in html and 'class="table-wrap"' in html
    assert all(secret not in html for row in rows for secret in dapodik.secrets_of(row))

    done = client.post(preview_url(batch), {"action": "confirm"}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("students:list")
    assert "5 siswa baru" in done.content.decode()
    assert Student.objects.filter(school=world.school, nisn__startswith="0051").count() == 5
    assert Guardian.objects.filter(student__nisn=dapodik.nisn(1)).count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    after = client.get(preview_url(batch))
    assert after.status_code == 200 and 'value="confirm"' not in after.content.decode()


def test_confirming_twice_writes_once(client, world, login):
    login(world.operator)
    post_file(client, dapodik.dapodik_xlsx([dapodik.student(1)]))
    batch = ImportBatch.objects.get()
    client.post(preview_url(batch), {"action": "confirm"})

    again = client.post(preview_url(batch), {"action": "confirm"}, follow=True)

    assert "sudah diterapkan" in again.content.decode()
    assert Student.objects.filter(nisn=dapodik.nisn(1)).count() == 1


def test_cancel_writes_nothing(client, world, login):
    login(world.operator)
    post_file(client, dapodik.dapodik_xlsx([dapodik.student(1)]))
    batch = ImportBatch.objects.get()

    response = client.post(preview_url(batch), {"action": "cancel"})

    assert response.status_code == 302 and response["Location"] == UPLOAD_URL
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert not Student.objects.filter(nisn=dapodik.nisn(1)).exists()


def test_a_plain_csv_upload_works(client, world, login):
    login(world.operator)

    post_file(client, dapodik.plain_csv(dapodik.plain_rows(2), delimiter=";"), name="kelas.csv")
    client.post(preview_url(ImportBatch.objects.get()), {"action": "confirm"})

    assert Student.objects.filter(nisn__in=[dapodik.nisn(1), dapodik.nisn(2)]).count() == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "siswa.xlsx", "Berkas ini PDF, bukan lembar kerja"),
        (bytes(range(256)) * 8, "siswa.xlsx", "bukan lembar kerja Excel"),
        (b"", "siswa.xlsx", "Berkas kosong"),
        (b"Daftar hadir\nSenin;Selasa\n", "siswa.csv", "Baris judul kolom tidak ditemukan"),
        (b"ini bukan apa-apa", "siswa.pdf", "Jenis berkas tidak didukung"),
    ],
)
def test_a_malformed_upload_gets_a_clear_message_and_writes_nothing(client, world, login, data, name, message):
    login(world.operator)
    students = Student.objects.count()

    response = post_file(client, data, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert Student.objects.count() == students


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(client, world, login, settings, monkeypatch):
    settings.STUDENT_IMPORT_MAX_BYTES = 2000
    login(world.operator)

    def must_not_parse(*args, **kwargs):
        raise AssertionError("an oversized file was parsed")

    monkeypatch.setattr(imports.importing, "parse", must_not_parse)
    response = post_file(client, dapodik.dapodik_xlsx([dapodik.student(1)]))

    assert response.status_code == 200
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_upload_without_a_file_is_a_form_error(client, world, login):
    login(world.operator)

    response = client.post(UPLOAD_URL, {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", [Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA])
def test_only_the_operator_may_import(client, world, role):
    batch = imports.preview(world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "a.xlsx", world.operator)
    client.force_login(world.by_role()[role])

    assert client.get(UPLOAD_URL).status_code == 403
    assert post_file(client, dapodik.dapodik_xlsx([dapodik.student(2)])).status_code == 403
    assert client.get(preview_url(batch)).status_code == 403
    assert client.post(preview_url(batch), {"action": "confirm"}).status_code == 403
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW
    assert not Student.objects.filter(nisn__startswith="0051").exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    batch = imports.preview(world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "a.xlsx", world.operator)

    for response in (client.get(UPLOAD_URL), client.post(preview_url(batch), {"action": "confirm"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW


def test_another_schools_batch_is_not_found(client, world, other_world):
    theirs = imports.preview(
        other_world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "a.xlsx", other_world.operator
    )
    client.force_login(world.operator)

    assert client.get(preview_url(theirs)).status_code == 404
    assert client.post(preview_url(theirs), {"action": "confirm"}).status_code == 404
    assert client.post(preview_url(theirs), {"action": "cancel"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ImportBatch.Status.PREVIEW
    assert not Student.objects.filter(nisn=dapodik.nisn(1)).exists()


def test_the_upload_page_lists_only_this_schools_waiting_previews(client, world, other_world):
    imports.preview(other_world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "milik-lain.xlsx", None)
    imports.preview(world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "milik-kami.xlsx", world.operator)
    client.force_login(world.operator)

    html = client.get(UPLOAD_URL).content.decode()

    assert "milik-kami.xlsx" in html and "milik-lain.xlsx" not in html


def test_the_preview_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    small = imports.preview(world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "a.xlsx", world.operator)
    rows = [dapodik.student(n) for n in range(2, 150)] + [dapodik.student(150, JK="")]
    large = imports.preview(world.school, dapodik.dapodik_xlsx(rows), "b.xlsx", world.operator)
    client.force_login(world.operator)
    client.get(preview_url(small))  # warm the session

    # session, user+school, OTP device, the batch, session save
    with django_assert_max_num_queries(8) as small_queries:
        client.get(preview_url(small))
    with django_assert_max_num_queries(8) as large_queries:
        response = client.get(preview_url(large))

    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)
    assert response.context["summary"]["create"] == 148


def test_a_preview_without_a_current_year_cannot_be_confirmed(client, world):
    world.rombel_a.academic_year.__class__.objects.filter(school=world.school).update(is_current=False)
    batch = imports.preview(world.school, dapodik.dapodik_xlsx([dapodik.student(1)]), "a.xlsx", world.operator)
    client.force_login(world.operator)

    html = client.get(preview_url(batch)).content.decode()
    response = client.post(preview_url(batch), {"action": "confirm"}, follow=True)

    assert 'value="confirm"' not in html
    assert "Belum ada tahun ajaran yang aktif" in response.content.decode()
    assert not Student.objects.filter(nisn=dapodik.nisn(1)).exists()


def test_the_english_ui_shows_row_errors_and_form_errors_in_english(client, world, login):
    """Messages go through gettext: with English chosen, nothing on these pages stays Indonesian."""
    login(world.operator)
    client.post(reverse("set_language"), {"language": "en"})  # the operator's own choice
    rows = [dapodik.student(1), dapodik.student(2, NISN="12345"), dapodik.student(3, **{"Nama": ""})]

    client.post(UPLOAD_URL, {"file": SimpleUploadedFile("dapodik.xlsx", dapodik.dapodik_xlsx(rows))})

    html = client.get(preview_url(ImportBatch.objects.get())).content.decode()
    assert "NISN must be 10 digits (written: &#x27;12345&#x27;)" in html
    assert "Nama is empty" in html
    assert "tertulis" not in html and "kosong" not in html

    response = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("siswa.csv", b"")})
    assert response.context["form"].errors["file"] == ["The file is empty: it has no content."]
