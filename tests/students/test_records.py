"""The year-end step and the personal data export, without HTTP."""

import datetime
import json

import pytest

from ekonseling.accounts.models import Role
from ekonseling.core.models import AuditEvent, School
from ekonseling.students import records
from ekonseling.students.models import AcademicYear, Enrollment, Guardian, Rombel, Student
from tests import factories


@pytest.mark.parametrize(
    ("name", "grade", "expected"),
    [
        ("X-1", 10, "XI-1"),
        ("XI-1", 11, "XII-1"),
        ("VII A", 7, "VIII A"),
        ("X MIPA 2", 10, "XI MIPA 2"),
        ("10 IPA 1", 10, "11 IPA 1"),
        ("7A", 7, "8A"),
        ("IX-2", 9, "X-2"),
        ("Kelas Bahasa", 10, ""),  # no grade in the name: the operator types the target
        ("XI-1", 10, ""),  # the name's grade disagrees with the rombel's: no guess
    ],
)
def test_the_suggested_name_raises_the_grade(name, grade, expected):
    assert records.next_rombel_name(name, grade) == expected


def test_year_names_and_dates_roll_forward():
    assert records.next_year_name("2026/2027") == "2027/2028"
    assert records.next_year_name("tahun ini") == ""
    assert records.shift_year(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


class Year:
    """An SMA with one rombel per grade in 2026/2027, two students each, a counselor and a wali kelas."""

    def __init__(self, level=School.Level.SMA, grades=(10, 11, 12)):
        self.school = factories.school(level=level)
        self.operator = factories.user(self.school, Role.OPERATOR)
        self.gurubk = factories.user(self.school, Role.GURU_BK)
        self.walikelas = factories.user(self.school, Role.WALI_KELAS)
        self.year = factories.academic_year(self.school)
        names = {7: "VII A", 8: "VIII A", 9: "IX A", 10: "X-1", 11: "XI-1", 12: "XII-1"}
        self.rombels = {}
        self.students = {}
        for grade in grades:
            rombel = factories.rombel(
                self.school,
                year=self.year,
                name=names[grade],
                grade=grade,
                counselors=[self.gurubk],
                wali_kelas=self.walikelas,
            )
            self.rombels[grade] = rombel
            self.students[grade] = [factories.student(self.school, rombel=rombel) for _ in range(2)]

    def promote(self, mapping=None, **kwargs):
        if mapping is None:
            mapping = {r: name for r, name in records.suggest_mapping(self.year).items() if name}
        kwargs.setdefault("to_year_name", "2027/2028")
        return records.promote_year(
            self.school,
            self.year,
            kwargs.pop("to_year_name"),
            datetime.date(2027, 7, 12),
            datetime.date(2028, 6, 30),
            mapping,
            self.operator,
            **kwargs,
        )


@pytest.fixture
def sma(db):
    return Year()


def test_the_suggested_mapping_marks_the_final_grade(sma):
    mapping = records.suggest_mapping(sma.year)

    assert mapping == {sma.rombels[10]: "XI-1", sma.rombels[11]: "XII-1", sma.rombels[12]: None}


def test_the_final_grade_follows_the_school_level(db):
    smp = Year(level=School.Level.SMP, grades=(7, 8, 9))

    mapping = records.suggest_mapping(smp.year)

    assert mapping == {smp.rombels[7]: "VIII A", smp.rombels[8]: "IX A", smp.rombels[9]: None}


def test_promotion_moves_students_up_and_opens_the_new_year(sma):
    result = sma.promote()

    new_year = AcademicYear.objects.get(school=sma.school, name="2027/2028")
    sma.year.refresh_from_db()
    assert new_year.is_current and not sma.year.is_current
    assert (result.promoted, result.retained, result.graduated, result.rombels_created) == (4, 0, 2, 2)
    xi = Rombel.objects.get(academic_year=new_year, name="XI-1")
    xii = Rombel.objects.get(academic_year=new_year, name="XII-1")
    assert (xi.grade, xii.grade) == (11, 12)
    assert xi.wali_kelas is None  # assigned afresh
    assert list(xi.counselors.all()) == [sma.gurubk]  # the caseload carries over
    for student in sma.students[10]:
        student.refresh_from_db()
        assert student.rombel == xi
        assert student.status == Student.Status.ACTIVE
        old = Enrollment.objects.get(student=student, academic_year=sma.year)
        assert (old.rombel, old.rombel_name, old.outcome) == (sma.rombels[10], "X-1", "promoted")
        assert Enrollment.objects.get(student=student, academic_year=new_year).rombel == xi


def test_graduates_are_archived_not_deleted(sma):
    sma.promote()

    for student in sma.students[12]:
        student.refresh_from_db()
        assert student.status == Student.Status.GRADUATED
        assert student.left_on == sma.year.ends_on
        assert student.rombel is None
        enrollment = Enrollment.objects.get(student=student, academic_year=sma.year)
        assert (enrollment.rombel, enrollment.outcome) == (sma.rombels[12], "graduated")
    # The old rombel stay, with their enrollments: the history is whole.
    assert Rombel.objects.filter(academic_year=sma.year).count() == 3
    assert Enrollment.objects.filter(rombel=sma.rombels[12]).count() == 2


def test_retained_students_stay_in_a_rombel_of_their_grade(sma):
    stays_down = sma.students[10][0]
    does_not_graduate = sma.students[12][0]

    result = sma.promote(retained=[stays_down.pk, does_not_graduate.pk])

    stays_down.refresh_from_db()
    does_not_graduate.refresh_from_db()
    assert (stays_down.rombel.name, stays_down.rombel.grade) == ("X-1", 10)
    assert stays_down.rombel.academic_year.name == "2027/2028"
    assert (does_not_graduate.rombel.name, does_not_graduate.status) == ("XII-1", Student.Status.ACTIVE)
    # XII-1 of the new year holds the promoted XI-1 students and the one who did not graduate.
    assert does_not_graduate.rombel.students.count() == 3
    assert Enrollment.objects.get(student=stays_down, academic_year=sma.year).outcome == "retained"
    assert (result.promoted, result.retained, result.graduated) == (3, 2, 1)


def test_an_enrollment_made_by_an_import_is_completed_not_duplicated(sma):
    student = sma.students[10][0]
    Enrollment.objects.create(student=student, academic_year=sma.year, rombel=sma.rombels[10], rombel_name="X-1")

    sma.promote()

    assert Enrollment.objects.get(student=student, academic_year=sma.year).outcome == "promoted"


def test_students_who_left_are_not_moved(sma):
    left = sma.students[10][1]
    left.status, left.left_on = Student.Status.LEFT, datetime.date(2027, 1, 5)
    left.save()

    sma.promote()

    left.refresh_from_db()
    assert left.rombel == sma.rombels[10]
    assert not Enrollment.objects.filter(student=left).exists()


def test_two_year_ends_keep_the_whole_history(sma):
    student = sma.students[10][0]
    sma.promote()
    second = AcademicYear.objects.get(school=sma.school, is_current=True)
    mapping = {r: name for r, name in records.suggest_mapping(second).items() if name}

    records.promote_year(
        sma.school, second, "2028/2029", datetime.date(2028, 7, 10), datetime.date(2029, 6, 30), mapping, sma.operator
    )

    history = [(e.academic_year.name, e.rombel_name, e.outcome) for e in student.enrollments.all()]
    assert history == [("2028/2029", "XII-1", ""), ("2027/2028", "XI-1", "promoted"), ("2026/2027", "X-1", "promoted")]


def test_an_existing_year_name_is_refused(sma):
    factories.academic_year(sma.school, name="2027/2028", is_current=False, starts_on=datetime.date(2027, 7, 1))

    with pytest.raises(records.PromotionError, match="sudah ada"):
        sma.promote()

    assert sma.students[10][0].rombel == sma.rombels[10]
    assert Rombel.objects.filter(school=sma.school).count() == 3


def test_a_rombel_with_students_needs_a_target(sma):
    with pytest.raises(records.PromotionError, match="X-1"):
        sma.promote(mapping={sma.rombels[11]: "XII-1"})

    assert AcademicYear.objects.filter(school=sma.school).count() == 1


def test_a_target_name_cannot_hold_two_grades(sma):
    with pytest.raises(records.PromotionError, match="XII-1"):
        sma.promote(mapping={sma.rombels[10]: "XII-1", sma.rombels[11]: "XII-1"}, retained=[])
    with pytest.raises(records.PromotionError, match="X-1"):
        # X-1 promoted into a rombel named X-1 (grade 11) clashes with the retained student's X-1 (grade 10).
        sma.promote(mapping={sma.rombels[10]: "X-1", sma.rombels[11]: "XII-1"}, retained=[sma.students[10][0].pk])


def test_only_the_current_year_can_be_closed(sma):
    sma.year.is_current = False
    sma.year.save()

    with pytest.raises(records.PromotionError, match="tahun ajaran berjalan"):
        sma.promote()


def test_a_failure_midway_changes_nothing(sma, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(records, "_record_old_year", broken)

    with pytest.raises(RuntimeError):
        sma.promote()

    assert list(AcademicYear.objects.filter(school=sma.school)) == [sma.year]
    sma.year.refresh_from_db()
    assert sma.year.is_current
    assert Rombel.objects.filter(school=sma.school).count() == 3
    for grade, students in sma.students.items():
        for student in students:
            student.refresh_from_db()
            assert (student.rombel, student.status) == (sma.rombels[grade], Student.Status.ACTIVE)
    assert not Enrollment.objects.exists()
    assert not AuditEvent.objects.filter(school=sma.school).exists()


def test_the_year_end_is_audited_once_with_counts(sma):
    sma.promote()

    event = AuditEvent.objects.get(school=sma.school)
    assert event.action == AuditEvent.Action.CHANGE
    assert event.actor == sma.operator
    assert "4 promoted" in event.detail and "2 graduated" in event.detail


def test_the_personal_data_export_holds_everything_but_the_password(world):
    student = world.student
    Guardian.objects.create(student=student, relation="ibu", name="Siti Aminah", occupation="Pedagang")
    student.address = "Jl. Melati 7"
    student.save()
    AuditEvent.objects.create(
        school=world.school,
        actor=world.gurubk,
        actor_name=world.gurubk.username,
        action="read",
        object_type="students.Student",
        object_id=str(student.pk),
        object_repr=student.name,
        detail="health_notes",
    )

    export = records.export_personal_data(student, world.siswa)
    raw = export.content.decode("utf-8")
    data = json.loads(raw)

    assert data["student"]["name"] == student.name
    assert data["student"]["address"] == "Jl. Melati 7"
    assert data["student"]["health_notes"] == "Asma ringan."
    assert data["guardians"][0]["name"] == "Siti Aminah"
    assert data["account"]["username"] == world.siswa.username
    assert data["rombel"]["name"] == "X-A"
    assert [e["by"] for e in data["audit_events"]] == [world.gurubk.username]
    assert "password" not in raw
    assert world.siswa.password not in raw
    assert json.loads(raw)["student"]["nisn"] == student.nisn


def test_a_graduates_account_is_closed_but_a_promoted_students_is_not(sma):
    graduate, promoted = sma.students[12][0], sma.students[10][0]
    for student in (graduate, promoted):
        student.user = factories.user(sma.school, Role.SISWA)
        student.save()

    sma.promote()

    graduate.user.refresh_from_db()
    promoted.user.refresh_from_db()
    assert graduate.user.is_active is False
    assert promoted.user.is_active is True


def test_erasure_clears_the_student_from_import_batches_and_spares_similar_names(db):
    from ekonseling.students import imports
    from ekonseling.students.models import ImportBatch

    world = factories.SchoolWorld()
    adi = factories.student(world.school, rombel=world.rombel_a, name="Adi Saputra", nisn="0051000001")
    similar = factories.student(world.school, rombel=world.rombel_a, name="Adi Saputranto", nisn="0051000002")
    audit_event = AuditEvent.objects.create(school=world.school, action="read", detail="Adi Saputra; Adi Saputranto")
    csv = b"Nama,NISN,JK,Rombel\nAdi Saputra,0051000001,L,X-A\nAdi Saputranto,0051000002,P,X-A\n"
    waiting = imports.preview(world.school, csv, "kelas.csv", world.operator)

    request = records.request_deletion(adi, world.koordinator, "Permintaan orang tua")
    records.carry_out_deletion(request, world.operator)

    waiting.refresh_from_db()
    audit_event.refresh_from_db()
    assert waiting.status == ImportBatch.Status.CANCELLED
    assert "0051000001" not in waiting.payload
    assert "Adi Saputranto" in audit_event.detail
    assert "Adi Saputra;" not in audit_event.detail
    assert Student.objects.filter(pk=similar.pk).exists()


def test_erasure_deletes_the_photo_file_after_the_commit(world, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    world.student.photo.save("foto.jpg", ContentFile(b"jpeg bytes"))
    world.other_student.photo.save("foto.jpg", ContentFile(b"other jpeg"))
    theirs, other = world.student.photo.name, world.other_student.photo.name
    storage = world.student.photo.storage
    request = records.request_deletion(world.student, world.koordinator, "Permintaan orang tua")

    with django_capture_on_commit_callbacks(execute=True):
        records.carry_out_deletion(request, world.operator)
        assert storage.exists(theirs)  # not before the commit

    assert not storage.exists(theirs)
    assert storage.exists(other)


def test_a_student_deleted_any_other_way_takes_the_photo_file_too(world, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    world.other_student.photo.save("foto.jpg", ContentFile(b"jpeg bytes"))
    name, storage = world.other_student.photo.name, world.other_student.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        Student.objects.filter(pk=world.other_student.pk).delete()

    assert not storage.exists(name)
