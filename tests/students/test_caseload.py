"""Who serves a student: the guru BK of the student's rombel and individual assignments, active and
of the same school, then the coordinators, each once."""

from ekonseling.accounts.models import Role
from ekonseling.students import caseload
from ekonseling.students.models import Student

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


# --- the caseload remembered for a request (core.memo) ------------------------------------------------------


def in_request(body):
    """Runs `body` as a view runs: inside the request memo's middleware."""
    from ekonseling.core.memo import RequestMemoMiddleware

    return RequestMemoMiddleware(lambda request: body())(None)


def served(user):
    return set(Student.objects.filter(caseload.caseload_q(user)).values_list("pk", flat=True))


def test_a_request_reads_the_caseload_once(world, django_assert_num_queries):
    student = Student.objects.get(pk=world.student.pk)  # no prefetch of its counselors

    def body():
        with django_assert_num_queries(3):  # the assignments once, then the two counts
            assert Student.objects.filter(caseload.caseload_q(world.gurubk)).count() == 2
            assert Student.objects.filter(caseload.caseload_q(world.gurubk)).count() == 2
        with django_assert_num_queries(0):
            assert caseload.in_caseload(world.gurubk, student)
            assert caseload.serves_rombel(world.gurubk, world.rombel_a)
            assert not caseload.serves_rombel(world.gurubk, world.rombel_b)

    in_request(body)


def test_the_remembered_caseload_answers_as_the_tables_do(world, other_world):
    alone = factories.student(world.school)  # no rombel
    alone.counselors.add(world.gurubk)
    world.other_student.counselors.add(world.gurubk)
    other_world.rombel_a.counselors.add(world.gurubk)  # an assignment of another school's rombel
    students = list(Student.objects.all())
    outside = (served(world.gurubk), [caseload.in_caseload(world.gurubk, s) for s in students])
    assert outside[0] == {
        world.student.pk,
        world.classmate.pk,
        alone.pk,
        world.other_student.pk,
        *(s.pk for s in students if s.rombel_id == other_world.rombel_a.pk),
    }
    assert (
        in_request(lambda: (served(world.gurubk), [caseload.in_caseload(world.gurubk, s) for s in students])) == outside
    )
    # A counselor with no assignment at all serves nobody.
    assert in_request(lambda: served(world.walikelas)) == set()


def test_a_change_in_the_request_is_seen_by_the_rest_of_it(world):
    student = Student.objects.get(pk=world.other_student.pk)
    year = world.rombel_a.academic_year

    def body():
        assert not caseload.in_caseload(world.gurubk, student)
        assert student.pk not in served(world.gurubk)
        student.counselors.add(world.gurubk)
        assert caseload.in_caseload(world.gurubk, student) and student.pk in served(world.gurubk)
        student.counselors.remove(world.gurubk)
        assert not caseload.in_caseload(world.gurubk, student)
        world.rombel_b.counselors.add(world.gurubk)
        assert caseload.serves_rombel(world.gurubk, world.rombel_b) and student.pk in served(world.gurubk)
        world.rombel_b.counselors.clear()
        assert not caseload.serves_rombel(world.gurubk, world.rombel_b)
        caseload.assign_rombels([(world.rombel_b.pk, world.gurubk.pk)])
        assert caseload.in_caseload(world.gurubk, student)
        caseload.unassign_rombels([(world.rombel_b.pk, world.gurubk.pk)])
        assert not caseload.in_caseload(world.gurubk, student)
        pairs = {(world.rombel_a.pk, world.gurubk.pk)}
        caseload.set_rombel_assignments(year, pairs, pairs | {(world.rombel_b.pk, world.gurubk.pk)}, world.koordinator)
        assert caseload.in_caseload(world.gurubk, student)
        caseload.set_rombel_assignments(year, pairs | {(world.rombel_b.pk, world.gurubk.pk)}, pairs, world.koordinator)
        assert not caseload.in_caseload(world.gurubk, student) and student.pk not in served(world.gurubk)

    in_request(body)


def test_the_remembered_caseload_ends_with_its_request(world):
    student = Student.objects.get(pk=world.other_student.pk)
    assert not in_request(lambda: caseload.in_caseload(world.gurubk, student))
    # Written behind the caseload module's back (no signal): the next request still reads it afresh.
    Student.counselors.through.objects.create(student_id=student.pk, user_id=world.gurubk.pk)
    assert in_request(lambda: caseload.in_caseload(world.gurubk, student))
    # Outside a request nothing is remembered: the tables are asked each time.
    assert caseload._assigned(world.gurubk) is None
    assert caseload.in_caseload(world.gurubk, student)


def test_outside_a_request_and_without_a_prefetch_the_check_reads_the_assignments_in_one_query(
    world, django_assert_num_queries
):
    """A socket asking the policy about one unclaimed conversation: one query, not the student's
    rombel, its counselors and the student's counselors one after the other."""
    through_rombel = Student.objects.get(pk=world.student.pk)
    individually = factories.student(world.school)  # no rombel
    individually.counselors.add(world.gurubk)
    individually = Student.objects.get(pk=individually.pk)
    outside = Student.objects.get(pk=world.other_student.pk)  # rombel_b: another guru BK's
    for student, serves in [(through_rombel, True), (individually, True), (outside, False)]:
        with django_assert_num_queries(1):
            assert caseload.in_caseload(world.gurubk, student) is serves


# --- the caseload card on the home page -----------------------------------------------------------------------


def test_the_caseload_card_counts_each_rombels_students(client, world):
    """Each rombel of the counselor's caseload in the current year, in id order, with its students
    counted (an empty one shows 0) and its wali kelas named; the koordinator's lists the school's."""
    import re

    from django.urls import reverse

    from ekonseling.students.models import AcademicYear

    empty = factories.rombel(world.school, name="X-Kosong", counselors=[world.gurubk])
    last_year = AcademicYear.objects.create(
        school=world.school,
        name="2025/2026",
        starts_on=world.rombel_a.academic_year.starts_on.replace(year=2025),
        ends_on=world.rombel_a.academic_year.ends_on.replace(year=2026),
    )
    factories.rombel(world.school, year=last_year, name="IX-Lama", counselors=[world.gurubk])
    factories.student(world.school, rombel=world.rombel_b)
    world.walikelas.full_name = "Bu Wali Kelas"
    world.walikelas.save(update_fields=["full_name"])

    def rows(user):
        client.force_login(user)
        page = client.get(reverse("core:home")).content.decode()
        card = page[page.index('data-testid="caseload-card"') :]
        card = card[: card.index("</section>")]
        return re.findall(r"<li><a href=\"[^\"]*\?rombel=(\d+)\">([^<]*)</a>\s*<span class=\"muted\">([^<]*)", card)

    assert rows(world.gurubk) == [
        (str(world.rombel_a.pk), "X-A", "2 siswa · wali kelas: Bu Wali Kelas"),
        (str(empty.pk), "X-Kosong", "0 siswa"),
    ]
    assert [(pk, name) for pk, name, _ in rows(world.koordinator)] == [
        (str(world.rombel_a.pk), "X-A"),
        (str(world.rombel_b.pk), "X-B"),
        (str(empty.pk), "X-Kosong"),
    ]
    assert rows(world.koordinator)[1][2] == "2 siswa"
