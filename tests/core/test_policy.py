import pytest
from django.http import Http404

from ekonseling.accounts.models import Role
from ekonseling.core import policy
from ekonseling.students.models import Student
from tests import factories


def test_an_action_without_a_rule_is_denied(world):
    for user in world.by_role().values():
        assert policy.can(user, "no.such.action") is False
        assert policy.visible(user, "no.such.action", Student.objects.all()).count() == 0


def test_anonymous_and_inactive_users_are_denied(world):
    from django.contrib.auth.models import AnonymousUser

    assert policy.can(AnonymousUser(), "home.view") is False
    world.gurubk.is_active = False
    assert policy.can(world.gurubk, "home.view") is False


def test_rules_are_registered_once():
    with pytest.raises(ValueError, match="defined twice"):
        policy.rule("home.view")(lambda user, obj=None: True)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.OPERATOR, {"student", "classmate", "other_student"}),
        (Role.KOORDINATOR_BK, {"student", "classmate", "other_student"}),
        (Role.GURU_BK, {"student", "classmate"}),
        (Role.WALI_KELAS, {"student", "classmate"}),
        (Role.KEPALA_SEKOLAH, set()),
        (Role.SISWA, {"student"}),
    ],
)
def test_who_sees_which_student(world, role, sees):
    user = world.by_role()[role]
    students = {"student": world.student, "classmate": world.classmate, "other_student": world.other_student}

    allowed = {name for name, s in students.items() if policy.can(user, "student.view", s)}
    listed = set(policy.visible(user, "student.view", Student.objects.all()))

    assert allowed == sees
    assert listed == {students[name] for name in sees}


@pytest.mark.parametrize(
    ("role", "may"),
    [
        (Role.OPERATOR, False),
        (Role.KOORDINATOR_BK, True),
        (Role.GURU_BK, True),
        (Role.WALI_KELAS, False),
        (Role.KEPALA_SEKOLAH, False),
        (Role.SISWA, True),
    ],
)
def test_health_notes_are_for_counselors_and_the_student(world, role, may):
    assert policy.can(world.by_role()[role], "student.view_health", world.student) is may


def test_another_schools_object_is_denied_before_any_rule(world, other_world):
    for role, user in world.by_role().items():
        assert policy.can(user, "student.view", other_world.student) is False, role
        assert other_world.student not in policy.visible(user, "student.view", Student.objects.all())


def test_get_object_or_404_hides_what_the_user_may_not_have(world, other_world):
    queryset = Student.objects.all()
    assert policy.get_object_or_404(world.gurubk, "student.view", queryset, pk=world.student.pk) == world.student
    with pytest.raises(Http404):
        policy.get_object_or_404(world.gurubk, "student.view", queryset, pk=world.other_student.pk)
    with pytest.raises(Http404):
        policy.get_object_or_404(world.koordinator, "student.view", queryset, pk=other_world.student.pk)
    with pytest.raises(Http404):
        policy.get_object_or_404(world.gurubk, "student.view", queryset, pk="not-a-number")


def test_a_platform_superuser_sees_no_school_content(world):
    from ekonseling.accounts.models import User

    root = User.objects.create_superuser("root", password="x")
    assert policy.can(root, "admin.access") is True
    assert policy.can(root, "student.view", world.student) is False
    assert policy.can(root, "audit.view") is False
    assert policy.visible(root, "student.view", Student.objects.all()).count() == 0


def test_a_new_counselor_sees_nobody_until_given_a_caseload(world):
    newcomer = factories.user(world.school, Role.GURU_BK)
    assert policy.visible(newcomer, "student.view", Student.objects.all()).count() == 0
    world.rombel_b.counselors.add(newcomer)
    assert set(policy.visible(newcomer, "student.view", Student.objects.all())) == {world.other_student}
