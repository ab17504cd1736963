import pytest

from ekonseling.accounts.models import Role
from ekonseling.core.models import AuditEvent
from ekonseling.students import profile
from ekonseling.students.models import ProfileChange, Student
from tests import factories

MY_PROFILE = "/siswa/profil-saya/"


def changes_url(student):
    return f"/siswa/{student.pk}/perubahan/"


def form_data(student, **changes):
    data = {field: getattr(student, field) for field in profile.SELF_EDITABLE_FIELDS}
    data.update(changes)
    return data


def test_a_student_edits_only_the_allowed_fields(client, world):
    student = world.student
    original_name, original_nisn = student.name, student.nisn
    client.force_login(world.siswa)

    response = client.post(
        MY_PROFILE,
        form_data(
            student,
            phone="0274 512345",
            hobbies="Membaca, futsal",
            name="Nama Palsu",
            nisn="9999999999",
            needs_attention="on",
            health_notes="tidak ada",
        ),
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.phone == "0274 512345"
    assert student.hobbies == "Membaca, futsal"
    assert student.name == original_name
    assert student.nisn == original_nisn
    assert not student.needs_attention
    assert student.health_notes == "Asma ringan."


def test_each_changed_field_is_recorded_with_old_and_new_values(client, world):
    world.student.aspirations = "Dokter"
    world.student.save()
    client.force_login(world.siswa)

    client.post(MY_PROFILE, form_data(world.student, aspirations="Guru BK", mobile="+62 812-3456-7890"))

    changes = {c.field: c for c in ProfileChange.objects.filter(student=world.student)}
    assert set(changes) == {"aspirations", "mobile"}
    assert (changes["aspirations"].old_value, changes["aspirations"].new_value) == ("Dokter", "Guru BK")
    assert (changes["mobile"].old_value, changes["mobile"].new_value) == ("", "+62 812-3456-7890")
    assert all(c.seen_at is None for c in changes.values())
    event = AuditEvent.objects.get(action="change")
    assert event.actor == world.siswa
    assert event.detail == "own profile: mobile, aspirations"


def test_saving_without_changes_records_nothing(client, world):
    client.force_login(world.siswa)

    response = client.post(MY_PROFILE, form_data(world.student), follow=True)

    assert "Tidak ada yang diubah." in [str(m) for m in response.context["messages"]]
    assert not ProfileChange.objects.exists()
    assert not AuditEvent.objects.filter(action="change").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "call me maybe"), ("mobile", "12"), ("email", "bukan-surel")],
)
def test_invalid_contact_details_are_refused(client, world, field, value):
    client.force_login(world.siswa)

    response = client.post(MY_PROFILE, form_data(world.student, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    world.student.refresh_from_db()
    assert getattr(world.student, field) == ""
    assert not ProfileChange.objects.exists()


def test_the_form_shows_the_students_current_data(client, world):
    world.student.hobbies = "Menggambar"
    world.student.save()
    client.force_login(world.siswa)

    response = client.get(MY_PROFILE)

    assert response.status_code == 200
    assert 'value="Menggambar"' in response.content.decode()
    assert set(response.context["form"].fields) == set(profile.SELF_EDITABLE_FIELDS)


def test_update_own_profile_ignores_every_other_key(world):
    changes = profile.update_own_profile(
        world.student, {"hobbies": "Catur", "name": "X", "rombel": world.rombel_b, "user": None}, None
    )

    assert [c.field for c in changes] == ["hobbies"]
    student = Student.objects.get(pk=world.student.pk)
    assert (student.hobbies, student.rombel, student.user) == ("Catur", world.rombel_a, world.siswa)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS])
def test_only_students_have_a_profile_page(client, world, role):
    client.force_login(world.by_role()[role])

    assert client.get(MY_PROFILE).status_code == 403


def test_a_student_account_without_a_record_gets_not_found(client, world):
    client.force_login(factories.user(world.school, Role.SISWA))

    assert client.get(MY_PROFILE).status_code == 404


# --- the counselor's side --------------------------------------------------------------------------------


def _student_changes_things(world):
    profile.update_own_profile(world.student, {"hobbies": "Catur"}, world.siswa)
    profile.update_own_profile(world.student, {"email": "siswa@contoh.sch.id"}, world.siswa)


def test_the_counselor_sees_the_changes_newest_first_and_marks_them_seen(client, world):
    _student_changes_things(world)
    client.force_login(world.gurubk)

    response = client.get(changes_url(world.student))

    assert response.status_code == 200
    assert [c.field for c in response.context["page"]] == ["email", "hobbies"]
    assert response.context["unseen_count"] == 2
    body = response.content.decode()
    assert "Catur" in body and "siswa@contoh.sch.id" in body
    assert body.count('class="notice"') == 2

    response = client.post(changes_url(world.student))

    assert response.status_code == 302
    assert not profile.unseen_changes(world.student).exists()
    assert ProfileChange.objects.filter(seen_at__isnull=False).count() == 2
    event = AuditEvent.objects.get(action="change", actor=world.gurubk)
    assert event.detail == "profile changes marked seen: 2"
    assert client.get(changes_url(world.student)).context["unseen_count"] == 0


def test_mark_seen_touches_only_that_student(world):
    _student_changes_things(world)
    profile.update_own_profile(world.other_student, {"hobbies": "Renang"}, None)

    assert profile.mark_seen(world.student, world.gurubk) == 2

    assert profile.unseen_changes(world.other_student).count() == 1


def test_the_coordinator_sees_every_students_changes(client, world):
    client.force_login(world.koordinator)

    assert client.get(changes_url(world.other_student)).status_code == 200


def test_another_counselor_gets_not_found(client, world, other_world):
    _student_changes_things(world)
    for user in (world.gurubk_other, other_world.koordinator):
        client.force_login(user)
        assert client.get(changes_url(world.student)).status_code == 404
        assert client.post(changes_url(world.student)).status_code == 404
    assert profile.unseen_changes(world.student).count() == 2


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA])
def test_non_counselors_are_refused(client, world, role):
    client.force_login(world.by_role()[role])

    assert client.get(changes_url(world.student)).status_code == 403


def test_a_student_cannot_open_another_students_changes(client, world):
    other = factories.user(world.school, Role.SISWA)
    world.classmate.user = other
    world.classmate.save()
    profile.update_own_profile(world.classmate, {"hobbies": "Rahasia"}, None)
    client.force_login(world.siswa)

    response = client.get(changes_url(world.classmate))

    assert response.status_code == 403
    assert "Rahasia" not in response.content.decode()
