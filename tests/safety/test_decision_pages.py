"""The decision step every alert page shares (safety.decisions and safety/_decision.html): the
critical-item page of an instrument sheet and the sociometry page render the one partial and decide
through the one helper, with the same message, audit line and refusals."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import services as instruments
from ekonseling.safety import actions
from ekonseling.safety.models import ATTENTION, Alert
from ekonseling.sociometry import services as sociometry


def _sheet_alert(world):
    sample = instruments.SAMPLES_DIR / "dcm-contoh.json"
    instrument, _ = instruments.import_definition(world.school, sample.read_bytes(), sample.name)
    now = timezone.now()
    administration = instruments.open_administration(
        instrument=instrument,
        title="DCM X-A",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    sheet = administration.assignments.get(student=world.student)
    alert, _ = actions.raise_alert(student=world.student, source=Alert.Source.SHEET, source_id=sheet.pk, items=[4])
    return alert


def _sociometry_alert(world):
    now = timezone.now()
    survey = sociometry.open_survey(
        rombel=world.rombel_a,
        title="Sosiometri",
        criteria=[("belajar", "")],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.gurubk,
        choices=1,
    )
    member = survey.members.select_related("student").get(student=world.student)
    alert, _ = actions.raise_alert(
        student=member.student,
        source=Alert.Source.SOCIOMETRY,
        source_id=member.pk,
        items=["ditolak"],
        severity=ATTENTION,
    )
    return alert


PAGES = [
    pytest.param("instruments:alert", _sheet_alert, "Setelah Anda bertemu siswa", id="instrument-sheet"),
    pytest.param("sociometry:alert", _sociometry_alert, "Setelah Anda menindaklanjutinya", id="sociometry"),
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
