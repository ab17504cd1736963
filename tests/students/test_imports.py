"""The import against the database: preview, apply, re-import, one transaction, school isolation."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.students import imports
from ekonseling.students.imports import ImportRefused
from ekonseling.students.models import AcademicYear, Enrollment, Guardian, ImportBatch, Rombel, Student
from tests import factories

from . import dapodik


def counts():
    return {
        "students": Student.objects.count(),
        "guardians": Guardian.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "rombels": Rombel.objects.count(),
        "batches_applied": ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED).count(),
    }


def upload(world, rows, maker=dapodik.dapodik_xlsx, filename="dapodik.xlsx"):
    return imports.preview(world.school, maker(rows), filename, world.operator)


def rows_by_action(batch):
    shown = imports.describe(batch)
    return {key: [r["nisn"] for r in shown[key]] for key in ("creates", "updates", "unchanged")}


def test_a_preview_writes_nothing_but_the_batch(world):
    before = counts()

    batch = upload(world, [dapodik.student(n) for n in range(1, 7)])

    assert counts() == before
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.uploaded_by == world.operator
    assert len(batch.file_sha256) == 64
    assert batch.summary == {
        "rows": 6,
        "create": 6,
        "update": 0,
        "unchanged": 0,
        "error_rows": 0,
        "errors": 0,
        "new_rombels": 1,
    }
    shown = imports.describe(batch)
    assert shown["new_rombels"] == [{"name": "XI MIPA 1", "grade": 11}]
    assert shown["academic_year"] == "2026/2027"
    assert "Nomor Rekening Bank" in shown["dropped_columns"]


def test_applying_creates_students_guardians_enrollments_and_missing_rombel(world):
    rows = [dapodik.student(n) for n in range(1, 7)]
    batch = upload(world, rows)

    applied = imports.apply(batch, world.operator)

    assert applied == {"created": 6, "updated": 0, "unchanged": 0, "error_rows": 0, "rombels_created": 1}
    year = AcademicYear.objects.get(school=world.school, is_current=True)
    new_rombel = Rombel.objects.get(school=world.school, name="XI MIPA 1")
    assert (new_rombel.grade, new_rombel.academic_year) == (11, year)
    ani = Student.objects.get(school=world.school, nisn=dapodik.nisn(1))
    assert ani.name == "Siti Nurhaliza"
    assert ani.sex == "P"
    assert ani.birth_date == dapodik.birth_date(1)
    assert ani.rombel == world.rombel_b  # "X-B" already existed: reused, not duplicated
    assert ani.religion == "kristen"
    assert ani.mobile == "08123000001"
    assert str(ani.distance_km) == "1.50"
    assert ani.status == Student.Status.ACTIVE
    guardians = {g.relation: g for g in ani.guardians.all()}
    assert set(guardians) == {"ayah", "ibu"}
    assert (guardians["ayah"].name, guardians["ayah"].birth_year, guardians["ayah"].occupation) == (
        "Abdullah",
        1975,
        "Wiraswasta",
    )
    enrollment = ani.enrollments.get()
    assert (enrollment.academic_year, enrollment.rombel, enrollment.rombel_name) == (year, world.rombel_b, "X-B")
    assert Student.objects.get(nisn=dapodik.nisn(2)).rombel == new_rombel
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.applied_at is not None


def test_nothing_bk_does_not_need_is_stored(world):
    rows = [dapodik.student(n) for n in range(1, 4)]
    batch = upload(world, rows)
    secrets = [secret for row in rows for secret in dapodik.secrets_of(row)]
    assert all(secret not in batch.payload for secret in secrets)

    imports.apply(batch, world.operator)

    stored = []
    for model in (Student, Guardian, Enrollment, ImportBatch):
        for obj in model.objects.all():
            stored.extend(str(getattr(obj, f.attname)) for f in model._meta.concrete_fields)
    text = "\n".join(stored)
    assert all(secret not in text for secret in secrets)


def test_the_payload_is_encrypted_at_rest_and_cleared_once_applied(world):
    batch = upload(world, [dapodik.student(1)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM students_importbatch WHERE id = %s", [batch.pk])
        raw = cursor.fetchone()[0]
    assert "Nurhaliza" not in raw

    imports.apply(batch, world.operator)

    batch.refresh_from_db()
    assert "Nurhaliza" not in batch.payload
    assert json.loads(batch.payload)["cleared"] is True


def test_matching_by_nisn_updates_only_what_differs_and_keeps_what_the_file_does_not_say(world):
    student = world.student
    student.address = "Jl. Lama 1"
    student.phone = "0251-111"
    student.save()
    row = dapodik.student(
        1,
        NISN=student.nisn,
        Nama=student.name.upper(),  # tidied back to the same name
        JK=student.sex,
        Alamat="",  # an empty cell erases nothing
        Telepon="",
        **{"Rombel Saat Ini": "X-B", "Data Ayah/Pekerjaan": "Guru"},
    )
    batch = upload(world, [row])

    shown = imports.describe(batch)
    assert rows_by_action(batch) == {"creates": [], "updates": [student.nisn], "unchanged": []}
    changes = shown["updates"][0]["changes"]
    assert "name" not in changes and "sex" not in changes and "address" not in changes
    assert {"rombel", "birth_date", "ayah.name", "ayah.occupation", "ibu.name"} <= set(changes)

    applied = imports.apply(batch, world.operator)

    assert applied["updated"] == 1 and applied["created"] == 0
    student.refresh_from_db()
    assert student.rombel == world.rombel_b
    assert student.address == "Jl. Lama 1"
    assert student.phone == "0251-111"
    assert student.health_notes == "Asma ringan."  # never part of an import
    assert student.user == world.siswa
    assert student.guardians.get(relation="ayah").occupation == "Guru"
    assert student.enrollments.get().rombel == world.rombel_b


def test_importing_the_same_file_twice_changes_nothing(world):
    data = dapodik.dapodik_xlsx([dapodik.student(n) for n in range(1, 7)])
    imports.apply(imports.preview(world.school, data, "a.xlsx", world.operator), world.operator)
    before = counts()
    stamps = dict(Student.objects.values_list("pk", "updated_at"))
    guardians = list(Guardian.objects.order_by("pk").values())
    enrollments = list(Enrollment.objects.order_by("pk").values())

    again = imports.preview(world.school, data, "a.xlsx", world.operator)
    assert again.summary["unchanged"] == 6
    assert again.summary["create"] == again.summary["update"] == again.summary["new_rombels"] == 0
    applied = imports.apply(again, world.operator)

    assert applied == {"created": 0, "updated": 0, "unchanged": 6, "error_rows": 0, "rombels_created": 0}
    assert counts() == {**before, "batches_applied": before["batches_applied"] + 1}
    assert dict(Student.objects.values_list("pk", "updated_at")) == stamps
    assert list(Guardian.objects.order_by("pk").values()) == guardians
    assert list(Enrollment.objects.order_by("pk").values()) == enrollments


def test_bad_rows_are_skipped_and_valid_rows_still_apply(world):
    rows = [dapodik.student(1), dapodik.student(2, JK="?"), dapodik.student(3, NISN="123")]
    batch = upload(world, rows)
    assert batch.summary["error_rows"] == 2

    applied = imports.apply(batch, world.operator)

    assert applied["created"] == 1 and applied["error_rows"] == 2
    assert list(Student.objects.filter(nisn__startswith="0051").values_list("nisn", flat=True)) == [dapodik.nisn(1)]
    batch.refresh_from_db()
    assert [e["row"] for e in imports.describe(batch)["errors"]] == [9, 10]  # kept for the operator to fix


def test_special_needs_fill_an_empty_record_but_never_overwrite_a_counselors_note(world):
    world.classmate.special_needs = "Low vision: duduk di depan, lembar kerja huruf besar."
    world.classmate.save()
    rows = [
        dapodik.student(1, NISN=world.classmate.nisn, **{"Kebutuhan Khusus": "Netra (A)"}),
        dapodik.student(2, NISN=world.other_student.nisn, **{"Kebutuhan Khusus": "Rungu (B)"}),
    ]

    imports.apply(upload(world, rows), world.operator)

    world.classmate.refresh_from_db()
    world.other_student.refresh_from_db()
    assert world.classmate.special_needs == "Low vision: duduk di depan, lembar kerja huruf besar."
    assert world.other_student.special_needs == "Rungu (B)"


def _operator_sees(world, rows, stored):
    """What the operator is shown of a preview and of its confirmation, with `stored` as the classmate's
    special needs on record; everything is rolled back afterwards."""
    from django.db import transaction

    with transaction.atomic():
        Student.objects.filter(pk=world.classmate.pk).update(special_needs=stored)
        batch = upload(world, rows)
        shown = imports.describe(batch)
        applied = imports.apply(batch, world.operator)
        detail = AuditEvent.objects.filter(object_id=str(batch.pk)).values_list("detail", flat=True).last()
        after = Student.objects.get(pk=world.classmate.pk).special_needs
        transaction.set_rollback(True)
    return {"preview": shown, "applied": applied, "audit": detail}, after


def test_the_preview_does_not_tell_the_operator_who_has_special_needs_on_record(world):
    """Issue 11 item 3: the operator may not read special needs, so what they are shown of an import
    that sets them is the same whether or not the student already has them on record."""
    rows = [
        dapodik.student(1, NISN=world.classmate.nisn, **{"Kebutuhan Khusus": "Netra (A)"}),
        dapodik.student(2, NISN=world.other_student.nisn, **{"Kebutuhan Khusus": "Rungu (B)"}),
    ]
    imports.apply(upload(world, rows), world.operator)  # both known and up to date: only the column differs

    with_none, kept_none = _operator_sees(world, rows, "")
    with_note, kept_note = _operator_sees(world, rows, "Low vision: duduk di depan.")
    with_same, kept_same = _operator_sees(world, rows, "Netra (A)")

    assert with_none == with_note == with_same
    assert [r["nisn"] for r in with_none["preview"]["updates"]] == [world.classmate.nisn, world.other_student.nisn]
    assert with_none["preview"]["unchanged"] == []
    assert (kept_none, kept_note, kept_same) == ("Netra (A)", "Low vision: duduk di depan.", "Netra (A)")


def test_apply_is_one_transaction(world, monkeypatch):
    batch = upload(world, [dapodik.student(n) for n in range(1, 7)])
    before = counts()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Guardian.objects, "bulk_create", fail)  # after rombel and students were written
    with pytest.raises(RuntimeError):
        imports.apply(batch, world.operator)

    assert counts() == before
    assert not Rombel.objects.filter(name="XI MIPA 1").exists()
    assert not AuditEvent.objects.filter(object_type="students.ImportBatch").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    monkeypatch.undo()
    assert imports.apply(batch, world.operator)["created"] == 6


def test_a_batch_applies_once(world):
    batch = upload(world, [dapodik.student(1)])
    imports.apply(batch, world.operator)
    stale_copy = ImportBatch.objects.get(pk=batch.pk)
    stale_copy.status = ImportBatch.Status.PREVIEW  # as another request would still hold it

    with pytest.raises(ImportRefused, match="sudah diterapkan"):
        imports.apply(stale_copy, world.operator)
    with pytest.raises(ImportRefused, match="sudah diterapkan"):
        imports.cancel(stale_copy)
    assert Student.objects.filter(nisn=dapodik.nisn(1)).count() == 1


def test_a_cancelled_batch_cannot_be_applied(world):
    batch = upload(world, [dapodik.student(1)])

    imports.cancel(batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert "Nurhaliza" not in batch.payload
    with pytest.raises(ImportRefused, match="dibatalkan"):
        imports.apply(batch, world.operator)
    assert not Student.objects.filter(nisn=dapodik.nisn(1)).exists()


def test_one_audit_event_per_batch_with_the_counts(world):
    batch = upload(world, [dapodik.student(n) for n in range(1, 5)] + [dapodik.student(9, JK="")])

    imports.apply(batch, world.operator)

    event = AuditEvent.objects.get(object_type="students.ImportBatch")
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == world.operator
    assert event.school == world.school
    assert "4 created" in event.detail and "1 rows with errors skipped" in event.detail


def test_a_nisn_of_another_school_is_a_new_student_here_and_the_other_school_is_untouched(world, other_world):
    theirs = other_world.student
    original = (theirs.name, theirs.rombel_id, theirs.sex)
    row = dapodik.student(1, NISN=theirs.nisn, **{"Rombel Saat Ini": "X-A"})

    batch = upload(world, [row])
    assert rows_by_action(batch)["creates"] == [theirs.nisn]
    imports.apply(batch, world.operator)

    mine = Student.objects.get(school=world.school, nisn=theirs.nisn)
    assert mine.rombel == world.rombel_a
    theirs.refresh_from_db()
    assert (theirs.name, theirs.rombel_id, theirs.sex) == original
    assert not theirs.guardians.exists()
    assert not Rombel.objects.filter(school=other_world.school, name="XI MIPA 1").exists()


def test_rombel_names_match_without_regard_to_case_or_spacing(world):
    rows = [dapodik.student(1, **{"Rombel Saat Ini": "x-a"}), dapodik.student(2, **{"Rombel Saat Ini": "XII  IPS 1"})]

    batch = upload(world, rows)
    imports.apply(batch, world.operator)

    assert Student.objects.get(nisn=dapodik.nisn(1)).rombel == world.rombel_a
    assert Student.objects.get(nisn=dapodik.nisn(2)).rombel.name == "XII IPS 1"


def test_a_new_rombel_whose_grade_cannot_be_read_is_a_row_error(world):
    rows = [dapodik.student(1, **{"Rombel Saat Ini": "Akselerasi"}), dapodik.student(2)]

    batch = upload(world, rows)

    shown = imports.describe(batch)
    assert [(e["row"], e["field"]) for e in shown["errors"]] == [(8, "Rombel")]
    assert "Akselerasi" in shown["errors"][0]["message"]
    imports.apply(batch, world.operator)
    assert not Rombel.objects.filter(name="Akselerasi").exists()
    assert Student.objects.filter(nisn=dapodik.nisn(2)).exists()


def test_an_existing_rombel_needs_no_grade_in_its_name(world):
    factories.rombel(world.school, name="Akselerasi", grade=10)

    batch = upload(world, [dapodik.student(1, **{"Rombel Saat Ini": "Akselerasi"})])

    assert batch.summary["error_rows"] == 0


def test_without_a_current_academic_year_the_apply_is_refused_with_a_clear_message(world):
    AcademicYear.objects.filter(school=world.school).update(is_current=False)
    batch = upload(world, [dapodik.student(1)])
    assert imports.describe(batch)["needs_year"] is True
    before = counts()

    with pytest.raises(ImportRefused, match="Belum ada tahun ajaran yang aktif"):
        imports.apply(batch, world.operator)

    assert counts() == before


class TestApplyComparesAgainWithTheDatabase:
    def test_a_student_created_after_the_preview_is_updated_not_duplicated(self, world):
        batch = upload(world, [dapodik.student(1)])
        factories.student(world.school, nisn=dapodik.nisn(1), name="Dibuat Manual", sex="P")

        applied = imports.apply(batch, world.operator)

        assert applied["created"] == 0 and applied["updated"] == 1
        assert Student.objects.get(school=world.school, nisn=dapodik.nisn(1)).name == "Siti Nurhaliza"

    def test_an_update_made_meanwhile_by_someone_else_counts_as_unchanged(self, world):
        batch = upload(world, [dapodik.student(1, NISN=world.classmate.nisn, Nama="Nama Baru")])
        assert "name" in imports.describe(batch)["updates"][0]["changes"]
        Student.objects.filter(pk=world.classmate.pk).update(name="Nama Baru")

        imports.apply(batch, world.operator)

        world.classmate.refresh_from_db()
        assert world.classmate.name == "Nama Baru"

    def test_a_row_previewed_as_unchanged_does_not_overwrite_a_later_edit(self, world):
        data = dapodik.dapodik_xlsx([dapodik.student(1)])
        imports.apply(imports.preview(world.school, data, "a.xlsx", world.operator), world.operator)
        batch = imports.preview(world.school, data, "a.xlsx", world.operator)
        Student.objects.filter(nisn=dapodik.nisn(1)).update(name="Dikoreksi Wali Kelas")

        applied = imports.apply(batch, world.operator)

        assert applied["updated"] == 0
        assert Student.objects.get(nisn=dapodik.nisn(1)).name == "Dikoreksi Wali Kelas"

    def test_only_previewed_fields_are_written(self, world):
        batch = upload(world, [dapodik.student(1, NISN=world.classmate.nisn, Nama=world.classmate.name)])
        assert "name" not in imports.describe(batch)["updates"][0]["changes"]
        Student.objects.filter(pk=world.classmate.pk).update(name="Diubah Sesudah Pratinjau")

        imports.apply(batch, world.operator)

        world.classmate.refresh_from_db()
        assert world.classmate.name == "Diubah Sesudah Pratinjau"
        assert world.classmate.guardians.count() == 2


def test_a_plain_csv_imports_too(world):
    batch = upload(world, dapodik.plain_rows(3), maker=dapodik.plain_csv, filename="kelas-x.csv")

    applied = imports.apply(batch, world.operator)

    assert applied["created"] == 3
    assert Student.objects.get(nisn=dapodik.nisn(1)).name == "Siswa Nomor 1"


def test_stale_previews_are_dropped_with_their_personal_data(world):
    old = upload(world, [dapodik.student(1)])
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    recent = upload(world, [dapodik.student(2)])

    upload(world, [dapodik.student(3)])

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ImportBatch.Status.CANCELLED
    assert "Nurhaliza" not in old.payload
    assert recent.status == ImportBatch.Status.PREVIEW


def test_the_size_limit_is_a_setting(world, settings):
    settings.STUDENT_IMPORT_MAX_BYTES = 1000

    with pytest.raises(imports.ImportFileError, match="Berkas terlalu besar"):
        upload(world, [dapodik.student(1)])
    assert not ImportBatch.objects.exists()


def test_the_default_size_limit_is_5_mb(settings):
    del settings.STUDENT_IMPORT_MAX_BYTES

    assert imports.max_bytes() == 5 * 1024 * 1024


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_the_work_is_done_in_bulk_not_a_query_per_row(world, step):
    """A fixed number of queries per kind of work; only SQLite's 999-parameter limit splits big batches."""

    def queries(n, start):
        new_rombel = f"XII-{start}"  # every run creates one rombel and reuses one
        rows = [
            dapodik.student(i, **{"Rombel Saat Ini": "X-A" if i % 2 else new_rombel}) for i in range(start, start + n)
        ]
        for row in rows[: n // 2]:  # half exist already: creates and updates are both measured
            factories.student(world.school, nisn=row["NISN"], name="Lama", sex=row["JK"])
        data = dapodik.dapodik_xlsx(rows)
        if step == "preview":
            with CaptureQueriesContext(connection) as ctx:
                imports.preview(world.school, data, "a.xlsx", world.operator)
        else:
            batch = imports.preview(world.school, data, "a.xlsx", world.operator)
            with CaptureQueriesContext(connection) as ctx:
                imports.apply(batch, world.operator)
        return len(ctx.captured_queries)

    assert queries(4, 100) == queries(20, 200)
    assert queries(120, 300) < 40


def test_a_preview_older_than_the_keep_period_cannot_be_confirmed(world):
    batch = upload(world, [dapodik.student(1)])
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    batch.refresh_from_db()

    with pytest.raises(imports.ImportRefused, match="kedaluwarsa"):
        imports.apply(batch, world.operator)
    assert not Student.objects.filter(nisn=dapodik.nisn(1)).exists()
