import pytest

from tests import factories


def test_the_list_filters_by_name_nisn_rombel_and_sex(client, world):
    client.force_login(world.koordinator)

    by_name = client.get("/siswa/", {"q": world.student.name}).context["page"].object_list
    by_nisn = client.get("/siswa/", {"q": world.other_student.nisn[:8]}).context["page"].object_list
    by_rombel = client.get("/siswa/", {"rombel": world.rombel_b.pk}).context["page"].object_list

    assert list(by_name) == [world.student]
    assert world.other_student in by_nisn
    assert list(by_rombel) == [world.other_student]
    by_sex = client.get("/siswa/", {"sex": world.student.sex}).context["page"].object_list
    assert all(s.sex == world.student.sex for s in by_sex)


def test_an_htmx_request_gets_only_the_table(client, world):
    client.force_login(world.koordinator)

    response = client.get("/siswa/", {"q": "Siswa"}, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert "<table" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_the_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    for _ in range(extra):
        factories.student(world.school, rombel=world.rombel_a)
    client.force_login(world.koordinator)

    # session, user+school, OTP device, counselors (caseload filter options), count, rombel filter
    # options, page, session save (3: the first page after signing in renews the session)
    with django_assert_num_queries(10):
        client.get("/siswa/")


def test_the_detail_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.koordinator)

    # session, user+school, OTP device, student+rombel+wali+year, rombel counselors, individual
    # counselors (prefetched for the policy), guardians, enrollments, attendance, unseen profile
    # changes, the counseling section's conversations, the instruments section's submitted sheets,
    # the case book's timeline (referrals, cases, conversations), the services section's records,
    # the sociometry section's surveys, the appointments section's appointments, audit insert,
    # session save (3: the first page after signing in renews the session)
    with django_assert_num_queries(22):
        client.get(f"/siswa/{world.student.pk}/")
