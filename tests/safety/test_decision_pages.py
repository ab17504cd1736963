"""The decision step every alert page shares (safety.decisions and safety/_decision.html): the
critical-item page of an instrument sheet and the sociometry page render the one partial and decide
through the one helper, with the same message, audit line and refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ekonseling.core.models import AuditEvent
from ekonseling.safety.models import Alert
from tests.test_access_matrix import _critical_alert, _sociometry_alert


def _built(build):
    """An alert of the access matrix's test world (tests/test_access_matrix.py builds both kinds)."""
    return lambda world: Alert.objects.get(pk=build(world)["pk"])


PAGES = [
    pytest.param("instruments:alert", _built(_critical_alert()), "Setelah Anda bertemu siswa", id="instrument-sheet"),
    pytest.param("sociometry:alert", _built(_sociometry_alert()), "Setelah Anda menindaklanjutinya", id="sociometry"),
]


@pytest.fixture
def counselor(client, world):
    client.force_login(world.gurubk)
    return client


@pytest.mark.parametrize(("url_name", "build", "heading"), PAGES)
def test_each_alert_page_renders_the_shared_decision_partial(counselor, world, url_name, build, heading):
    alert = build(world)
    response = counselor.get(reverse(url_name, args=[alert.pk]))
    assert response.status_code == 200
    assert "safety/_decision.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'data-testid="decide"' in page and 'name="status"' in page and 'maxlength="5000"' in page
    assert heading in page  # the source's own words above the one form


@pytest.mark.parametrize(("url_name", "build", "heading"), PAGES)
def test_a_decision_through_each_page_is_recorded_audited_and_shown(counselor, world, url_name, build, heading):
    alert = build(world)
    url = reverse(url_name, args=[alert.pk])
    response = counselor.post(url, {"status": "false", "note": "Salah paham, sudah diklarifikasi."})
    assert response.status_code == 302 and response.url == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Keputusan telah dicatat."]
    alert.refresh_from_db()
    assert (alert.status, alert.decided_by, alert.note) == ("false", world.gurubk, "Salah paham, sudah diklarifikasi.")
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.CHANGE, object_id=str(alert.pk), detail="alert false"
    ).exists()
    response = counselor.get(url)
    assert "safety/_decision.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'data-testid="decision"' in page and "Salah paham" in page and 'data-testid="decide"' not in page


@pytest.mark.parametrize(("url_name", "build", "heading"), PAGES)
def test_each_page_refuses_a_second_decision_an_unknown_one_and_a_long_note(counselor, world, url_name, build, heading):
    alert = build(world)
    url = reverse(url_name, args=[alert.pk])
    assert counselor.post(url, {"status": "open"}).status_code == 200
    assert counselor.post(url, {"status": "handled", "note": "x" * 5001}).status_code == 200
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.HANDLED)  # decided elsewhere meanwhile
    # The page was loaded while open; the POST meets the decided alert: refused, no audit line, and
    # the page shows the decision that stands.
    response = counselor.post(url, {"status": "false", "note": "Ganti"})
    assert response.status_code == 200 and 'data-testid="decision"' in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, object_id=str(alert.pk)).exists()
    alert.refresh_from_db()
    assert (alert.status, alert.note) == ("handled", "")
