"""Two schools in one deployment: nothing crosses from one to the other."""

import pytest

from ekonseling.accounts.models import Role


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.SISWA])
def test_another_schools_student_is_404(client, world, other_world, role):
    client.force_login(world.by_role()[role])

    assert client.get(f"/siswa/{other_world.student.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS])
def test_student_lists_hold_only_the_own_school(client, world, other_world, role):
    client.force_login(world.by_role()[role])

    listed = set(client.get("/siswa/").context["page"].object_list)

    assert listed
    assert all(s.school_id == world.school.pk for s in listed)


def test_the_summary_counts_only_the_own_school(client, world, other_world):
    client.force_login(world.kepsek)

    totals = client.get("/siswa/ringkasan/").context["totals"]

    assert totals["total"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/admin/students/student/",
        "/admin/students/rombel/",
        "/admin/accounts/user/",
        "/admin/core/school/",
        "/admin/students/academicyear/",
    ],
)
def test_the_operators_admin_lists_only_the_own_school(client, world, other_world, path):
    client.force_login(world.operator)

    rows = list(client.get(path).context["cl"].queryset)

    assert rows
    for row in rows:
        assert getattr(row, "school_id", row.pk) == world.school.pk


def test_the_operator_cannot_open_another_schools_row_in_the_admin(client, world, other_world):
    client.force_login(world.operator)

    response = client.get(f"/admin/students/student/{other_world.student.pk}/change/")

    assert response.status_code == 302  # Django admin answers a missing object with a redirect to the index
    assert client.get(f"/admin/core/school/{other_world.school.pk}/change/").status_code == 302


def test_the_operator_cannot_give_a_rombel_another_schools_teacher(client, world, other_world):
    client.force_login(world.operator)

    form = client.get("/admin/students/rombel/add/").context["adminform"].form

    assert other_world.walikelas not in form.fields["wali_kelas"].queryset
    assert other_world.gurubk not in form.fields["counselors"].queryset
    assert world.walikelas in form.fields["wali_kelas"].queryset


def test_a_user_created_by_the_operator_belongs_to_the_operators_school(client, world):
    from ekonseling.accounts.models import User

    client.force_login(world.operator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "gurubaru",
            "full_name": "Guru Baru",
            "email": "gurubaru@sekolah.sch.id",
            "role": Role.GURU_BK,
            "password1": "Sandi-Kuat-2026",
            "password2": "Sandi-Kuat-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    created = User.objects.get(username="gurubaru")
    assert created.school == world.school
    # The password posted is ignored: a new account's owner is activated with a one-time password.
    assert not created.has_usable_password()


def test_the_operator_edits_semesters_inside_the_academic_year(client, world):
    year = world.rombel_a.academic_year
    client.force_login(world.operator)

    response = client.get(f"/admin/students/academicyear/{year.pk}/change/")

    assert response.status_code == 200
    assert "semesters-TOTAL_FORMS" in response.content.decode()


def test_the_admin_cannot_delete_students_or_set_counselor_fields(client, world):
    client.force_login(world.operator)

    form = client.get(f"/admin/students/student/{world.student.pk}/change/").context["adminform"].form
    response = client.post(f"/admin/students/student/{world.student.pk}/delete/")

    assert {"needs_attention", "photo", "health_notes", "counselors"}.isdisjoint(form.fields)
    assert response.status_code == 403
