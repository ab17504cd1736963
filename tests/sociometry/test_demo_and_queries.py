"""The demo's sociometry (what `make run` shows) and the number of queries an analysis costs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ekonseling.core import demo
from ekonseling.sociometry import analysis, services
from ekonseling.sociometry.models import Response, Survey

from .conftest import SevenClass


def test_the_demo_shows_a_sociogram_with_every_category(client, db):
    demo.load()
    surveys = Survey.objects.filter(rombel__name="X-1").order_by("opens_at")
    assert surveys.count() == 3
    done = surveys[1]
    data = services.analyse(done)
    assert data.responded == data.results[0].n == 28
    found = {c for result in data.results for m in result.members for c in m.categories}
    assert {analysis.STAR, analysis.ISOLATE, analysis.REJECTED} <= found
    from ekonseling.accounts.models import User

    client.force_login(User.objects.get(username="gurubk"))
    page = client.get(reverse("sociometry:analysis", args=[done.pk]))
    assert page.status_code == 200 and page.content.count(b"<g data-student=") == 28
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="sociometry-flags"' in home
    # `siswa` has the open survey still to fill in.
    client.force_login(User.objects.get(username="siswa"))
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="sociometry-student-card"' in home
    before = list(Response.objects.order_by("pk").values_list("pk", "student_id"))
    demo.load()
    assert list(Response.objects.order_by("pk").values_list("pk", "student_id")) == before  # idempotent


def test_an_analysis_costs_three_queries(world):
    small = SevenClass(world)
    with CaptureQueriesContext(connection) as queries:
        services.analyse(small.survey)
    assert len(queries) <= 3
