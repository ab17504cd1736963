"""Every role's home page runs a fixed number of queries, whatever the school's size (issue 13: every
home under 50 ms with 2,000 students; bench/bench_homes.py measures the time). The pins are exact:
a query added to a home card fails here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ekonseling.accounts.models import Role

from .. import factories

# session, user+school, second-factor device, then the cards' own (each card's module says which)
HOME_QUERIES = {
    Role.OPERATOR: 6,
    # the counseling card's open-alert counts (by source, remembered for the request) tell the
    # instruments card there is no critical-item alert to list: no query of its own
    Role.KOORDINATOR_BK: 21,
    # with the caseload's assignments, read once for the request (students.caseload)
    Role.GURU_BK: 20,
    Role.WALI_KELAS: 5,
    # the program recap: this year's program or else the newest, in one query
    Role.KEPALA_SEKOLAH: 8,
    Role.SISWA: 13,
}


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", list(HOME_QUERIES))
def test_a_home_runs_a_fixed_number_of_queries(client, world, role):
    user = world.by_role()[role]
    client.force_login(user)
    client.get(reverse("core:home"))  # the first page after signing in renews the session
    few = _queries(client)
    for n in range(15):
        factories.student(world.school, rombel=world.rombel_a if n % 2 else world.rombel_b)
    factories.student(world.school).counselors.add(world.gurubk)
    assert _queries(client) == few
    assert few == HOME_QUERIES[role], few
