"""`manage.py import_students FILE --school SLUG [--dry-run]`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ekonseling.core.models import AuditEvent
from ekonseling.students.models import ImportBatch, Student

from . import dapodik


def run(*args):
    out = io.StringIO()
    call_command("import_students", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dapodik_file(tmp_path):
    rows = [dapodik.student(n) for n in range(1, 5)] + [dapodik.student(5, **{"Tanggal Lahir": "2010-02-30"})]
    path = tmp_path / "dapodik.xlsx"
    path.write_bytes(dapodik.dapodik_xlsx(rows))
    return path


def test_dry_run_prints_the_preview_and_writes_nothing(world, dapodik_file):
    students = Student.objects.count()

    output = run(str(dapodik_file), "--school", world.school.slug, "--dry-run")

    assert "5 data rows: 4 to create, 0 to update, 0 unchanged, 1 with errors" in output
    assert f"row     8  {dapodik.nisn(1)}  P  Siti Nurhaliza  [X-B]" in output
    assert "row    12  Tanggal Lahir: Tanggal lahir tidak ada di kalender (tertulis: '2010-02-30')" in output
    assert "New rombel: XI MIPA 1 (grade 11)" in output
    assert "Nomor Rekening Bank" in output and "parents' NIK" in output
    assert "Dry run: nothing was written." in output
    assert Student.objects.count() == students
    assert not ImportBatch.objects.exists()


def test_a_real_run_applies_the_valid_rows(world, dapodik_file):
    output = run(str(dapodik_file), "--school", world.school.slug)

    assert "Applied: 4 created, 0 updated, 0 unchanged, 1 rombel created, 1 rows with errors skipped." in output
    assert Student.objects.filter(school=world.school, nisn__startswith="0051").count() == 4
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert AuditEvent.objects.filter(object_type="students.ImportBatch", actor=None).count() == 1

    again = run(str(dapodik_file), "--school", world.school.slug)

    assert "0 to create, 0 to update, 4 unchanged" in again
    assert "Applied: 0 created, 0 updated, 4 unchanged" in again


def test_an_existing_student_shows_its_changes(world, tmp_path):
    path = tmp_path / "siswa.csv"
    row = dapodik.plain_rows(1, NISN=world.classmate.nisn, JK=world.classmate.sex, Rombel="X-B")
    path.write_bytes(dapodik.plain_csv(row))

    with translation.override("en"):
        output = run(str(path), "--school", world.school.slug, "--dry-run")

    assert f"{world.classmate.nisn}  Siswa Nomor 1: name, date of birth, rombel" in output


def test_an_unknown_school_is_a_clear_error(world, dapodik_file):
    with pytest.raises(CommandError, match="No school with the short name \\(slug\\) 'tidak-ada'"):
        run(str(dapodik_file), "--school", "tidak-ada")
    assert not ImportBatch.objects.exists()


def test_an_unusable_file_is_an_error(world, tmp_path):
    path = tmp_path / "siswa.xlsx"
    path.write_bytes(b"%PDF-1.4")

    with pytest.raises(CommandError, match="Berkas ini PDF"):
        run(str(path), "--school", world.school.slug)
    assert not ImportBatch.objects.exists()


def test_a_missing_file_is_an_error(world, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "tidak-ada.xlsx"), "--school", world.school.slug)


def test_a_file_over_the_limit_is_refused(world, dapodik_file, settings):
    settings.STUDENT_IMPORT_MAX_BYTES = 1000

    with pytest.raises(CommandError, match="Berkas terlalu besar"):
        run(str(dapodik_file), "--school", world.school.slug, "--dry-run")
