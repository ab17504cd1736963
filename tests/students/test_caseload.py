"""Who serves a student: the guru BK of the student's rombel and individual assignments, active and
of the same school, then the coordinators, each once."""

from ekonseling.accounts.models import Role
from ekonseling.students import caseload

from .. import factories


def usernames(users):
    return [u.username for u in users]


def test_the_rombel_counselor_then_the_coordinator(world):
    assert usernames(caseload.serving_counselors(world.student)) == [world.gurubk.username, world.koordinator.username]


def test_an_individual_counselor_serves_besides_the_rombel(world):
    extra = factories.user(world.school, Role.GURU_BK, username="bk-individu")
    world.student.counselors.add(extra)
    assert usernames(caseload.serving_counselors(world.student)) == [
        world.gurubk.username,
        "bk-individu",
        world.koordinator.username,
    ]
    # Only the student assigned: a classmate is served by the rombel's counselor alone.
    assert usernames(caseload.serving_counselors(world.classmate)) == [
        world.gurubk.username,
        world.koordinator.username,
    ]


def test_a_student_without_a_rombel_is_served_by_individual_counselors_only(world):
    student = factories.student(world.school)
    assert usernames(caseload.serving_counselors(student)) == [world.koordinator.username]
    student.counselors.add(world.gurubk_other)
    assert usernames(caseload.serving_counselors(student)) == [
        world.gurubk_other.username,
        world.koordinator.username,
    ]


def test_an_inactive_counselor_or_coordinator_is_left_out(world):
    world.gurubk.is_active = False
    world.gurubk.save(update_fields=["is_active"])
    second = factories.user(world.school, Role.KOORDINATOR_BK, username="koor-lama", is_active=False)
    world.student.counselors.add(world.gurubk_other)
    assert second.pk
    assert usernames(caseload.serving_counselors(world.student)) == [
        world.gurubk_other.username,
        world.koordinator.username,
    ]


def test_a_counselor_of_another_school_is_left_out(world, other_world):
    world.student.counselors.add(other_world.gurubk)
    world.rombel_a.counselors.add(other_world.gurubk_other)
    assert usernames(caseload.serving_counselors(world.student)) == [world.gurubk.username, world.koordinator.username]


def test_a_coordinator_who_also_serves_is_named_once(world):
    world.rombel_a.counselors.add(world.koordinator)
    world.student.counselors.add(world.koordinator)
    assert usernames(caseload.serving_counselors(world.student)) == [world.gurubk.username, world.koordinator.username]


def test_only_guru_bk_count_as_serving(world):
    world.student.counselors.add(world.walikelas)
    assert usernames(caseload.serving_guru_bk(world.student)) == [world.gurubk.username]


def test_once_keeps_the_first_place_of_each_user(world):
    assert caseload.once([world.gurubk, world.koordinator], [world.koordinator, world.gurubk_other]) == [
        world.gurubk,
        world.koordinator,
        world.gurubk_other,
    ]
