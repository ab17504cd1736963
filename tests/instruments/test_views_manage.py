"""Administrations as the counselor runs them: opening, live status, deadlines, reopen, release, alerts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import services
from ekonseling.instruments.models import Administration, Assignment

from .. import factories

SAMPLES = services.SAMPLES_DIR
JAKARTA = ZoneInfo("Asia/Jakarta")


def _instrument(world, name="dcm-contoh.json"):
    return services.import_definition(world.school, (SAMPLES / name).read_bytes(), name)[0]


def _administration(world, *, rombels=None, by=None, opens=-1, closes=24):
    now = timezone.now()
    return services.open_administration(
        instrument=_instrument(world),
        title="DCM X-A",
        opens_at=now + timedelta(hours=opens),
        closes_at=now + timedelta(hours=closes),
        created_by=by or world.gurubk,
        rombels=rombels or [world.rombel_a],
    )


def _complete(world, sheet, ticks=("1",)):
    services.save_answers(sheet, {"items": dict.fromkeys(ticks, True)}, by=world.siswa)
    return services.submit(sheet, by=world.siswa)


def _local(dt):
    return timezone.localtime(dt, JAKARTA).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def counselor(client, world):
    client.force_login(world.gurubk)
    return client


# --- opening ---------------------------------------------------------------------------------------------


def _form(world, instrument, **overrides):
    start = timezone.now() + timedelta(days=1)
    data = {
        "instrument": instrument.pk,
        "title": "DCM kelas X",
        "opens_at": _local(start),
        "closes_at": _local(start + timedelta(days=7)),
        "rombels": [world.rombel_a.pk],
        "attention_percent": 40,
        "attention_min_areas": 2,
    }
    data.update(overrides)
    return data


def test_a_guru_bk_may_choose_only_the_rombel_they_serve(counselor, world):
    form = counselor.get(reverse("instruments:administration_new")).context["form"]
    assert list(form.fields["rombels"].queryset) == [world.rombel_a]
    assert set(form.fields["students"].queryset) == {world.student, world.classmate}

    instrument = _instrument(world)
    response = counselor.post(
        reverse("instruments:administration_new"), _form(world, instrument, rombels=[world.rombel_b.pk])
    )
    assert response.status_code == 200 and response.context["form"].errors["rombels"]
    response = counselor.post(
        reverse("instruments:administration_new"),
        _form(world, instrument, rombels=[], students=[world.other_student.pk]),
    )
    assert response.status_code == 200 and response.context["form"].errors["students"]
    assert not Administration.objects.exists()


def test_the_coordinator_may_choose_any_rombel_of_the_current_year(client, world):
    old_year = factories.academic_year(world.school, name="2025/2026", is_current=False)
    factories.rombel(world.school, year=old_year, name="X-LAMA")
    client.force_login(world.koordinator)
    form = client.get(reverse("instruments:administration_new")).context["form"]
    assert set(form.fields["rombels"].queryset) == {world.rombel_a, world.rombel_b}


def test_opening_an_administration_in_local_time(counselor, world):
    instrument = _instrument(world)
    start = (timezone.now() + timedelta(days=2)).astimezone(JAKARTA).replace(hour=7, minute=30, second=0, microsecond=0)
    data = _form(world, instrument, opens_at=start.strftime("%Y-%m-%dT%H:%M"))

    response = counselor.post(reverse("instruments:administration_new"), data)

    administration = Administration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("instruments:administration", args=[administration.pk])
    assert administration.opens_at == start  # 07:30 in Jakarta is 00:30 UTC
    assert administration.opens_at.astimezone(ZoneInfo("UTC")).hour == 0
    assert (administration.attention_percent, administration.attention_min_areas) == (40, 2)
    assert administration.created_by == world.gurubk
    assert set(administration.assignments.values_list("student", flat=True)) == {world.student.pk, world.classmate.pk}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(administration.pk)).exists()


def test_the_window_is_validated(counselor, world):
    instrument = _instrument(world)
    start = timezone.now() + timedelta(days=1)
    for opens, closes in [
        (start, start - timedelta(hours=1)),
        (start, start),
        (start - timedelta(days=9), start - timedelta(days=8)),
    ]:
        response = counselor.post(
            reverse("instruments:administration_new"),
            _form(world, instrument, opens_at=_local(opens), closes_at=_local(closes)),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["closes_at"]
    response = counselor.post(reverse("instruments:administration_new"), _form(world, instrument, rombels=[]))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Administration.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(counselor, world):
    empty = factories.rombel(world.school, name="X-KOSONG", counselors=[world.gurubk])
    response = counselor.post(
        reverse("instruments:administration_new"), _form(world, _instrument(world), rombels=[empty.pk])
    )
    assert response.status_code == 200
    assert "Pilih setidaknya satu rombel atau siswa." in response.content.decode()
    assert not Administration.objects.exists()


def test_the_list_shows_state_and_counts(counselor, world):
    administration = _administration(world)
    _complete(world, administration.assignments.get(student=world.student))
    page = counselor.get(reverse("instruments:administrations")).content.decode()
    assert f'data-testid="administration-{administration.pk}" data-state="open"' in page
    assert '<span data-testid="submitted">1</span>/<span data-testid="total">2</span>' in page


# --- live status ------------------------------------------------------------------------------------------


def test_the_status_fragment_shows_each_sheet_without_reading_answers(counselor, world):
    administration = _administration(world)
    _complete(world, administration.assignments.get(student=world.student))
    url = reverse("instruments:administration_status", args=[administration.pk])

    response = counselor.get(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "instruments/manage/_status.html"
    page = response.content.decode()
    assert 'data-testid="count-submitted">1<' in page and 'data-testid="count-pending">1<' in page
    sheet = administration.assignments.get(student=world.student)
    assert f'data-testid="sheet-{sheet.pk}" data-status="submitted"' in page
    assert f'hx-get="{url}"' in page and "every 10s" in page
    assert "<html" not in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ).exists()
    # The full page carries the same fragment, so a plain reload works without JavaScript.
    full = counselor.get(reverse("instruments:administration", args=[administration.pk])).content.decode()
    assert 'id="live-status"' in full and f'data-testid="sheet-{sheet.pk}"' in full


def test_a_closed_administration_stops_polling(counselor, world):
    administration = _administration(world, opens=-48, closes=-24)
    page = counselor.get(reverse("instruments:administration_status", args=[administration.pk])).content.decode()
    assert 'data-state="closed"' in page and "hx-get" not in page


def test_a_guru_bk_sees_only_their_own_students_in_a_shared_administration(counselor, world):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    response = counselor.get(reverse("instruments:administration_status", args=[administration.pk]))
    names = {sheet.student for sheet in response.context["sheets"]}
    assert names == {world.student, world.classmate}
    assert response.context["hidden"] == 1


# --- per-student actions ----------------------------------------------------------------------------------


def test_extending_a_students_deadline(counselor, world):
    administration = _administration(world, opens=-48, closes=-1)
    sheet = administration.assignments.get(student=world.student)
    until = (timezone.now() + timedelta(days=2)).astimezone(JAKARTA).replace(second=0, microsecond=0)

    response = counselor.post(reverse("instruments:assignment_extend", args=[sheet.pk]), {"until": _local(until)})

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.closes_at == until and sheet.window_open()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, object_id=str(sheet.pk)).exists()

    past = timezone.now() - timedelta(hours=3)
    counselor.post(reverse("instruments:assignment_extend", args=[sheet.pk]), {"until": _local(past)})
    sheet.refresh_from_db()
    assert sheet.closes_at == until


def test_reopening_a_submitted_sheet(counselor, world):
    administration = _administration(world)
    sheet = _complete(world, administration.assignments.get(student=world.student))

    response = counselor.post(reverse("instruments:assignment_reopen", args=[sheet.pk]), {"until": ""})

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == Assignment.Status.IN_PROGRESS and sheet.reopened_by == world.gurubk
    # Reopening a sheet that is not submitted changes nothing.
    counselor.post(reverse("instruments:assignment_reopen", args=[sheet.pk]), {})
    sheet.refresh_from_db()
    assert sheet.status == Assignment.Status.IN_PROGRESS


def test_a_guru_bk_cannot_act_on_another_counselors_student(counselor, world):
    administration = _administration(world, rombels=[world.rombel_a, world.rombel_b], by=world.koordinator)
    sheet = administration.assignments.get(student=world.other_student)
    until = _local(timezone.now() + timedelta(days=2))
    assert (
        counselor.post(reverse("instruments:assignment_extend", args=[sheet.pk]), {"until": until}).status_code == 404
    )
    assert counselor.post(reverse("instruments:assignment_reopen", args=[sheet.pk])).status_code == 404
    sheet.refresh_from_db()
    assert sheet.closes_at is None


def test_releasing_and_withdrawing_results(counselor, world):
    administration = _administration(world)
    url = reverse("instruments:administration_release", args=[administration.pk])

    counselor.post(url, {"released": "on"})
    administration.refresh_from_db()
    assert administration.released_at is not None

    counselor.post(url, {})
    administration.refresh_from_db()
    assert administration.released_at is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE, object_id=str(administration.pk)).count() == 2


# Critical-item alerts (the alert page, the lists, the inbox): tests/safety/test_sheet_alerts.py.


def test_local_times_are_shown(counselor, world):
    administration = _administration(world)
    page = counselor.get(reverse("instruments:administration", args=[administration.pk])).content.decode()
    local = timezone.localtime(administration.opens_at, JAKARTA)
    assert local.strftime("%H:%M") in page
    assert isinstance(local, datetime)


def test_the_status_list_filters_by_status_and_keeps_the_filter_when_polling(counselor, world):
    administration = _administration(world)
    _complete(world, administration.assignments.get(student=world.student))
    url = reverse("instruments:administration_status", args=[administration.pk])

    response = counselor.get(url, {"status": "pending"})

    assert [sheet.student for sheet in response.context["sheets"]] == [world.classmate]
    assert response.context["counts"]["submitted"] == 1
    assert f'hx-get="{url}?status=pending"' in response.content.decode()
    everyone = counselor.get(url, {"status": "bogus"}).context["sheets"]
    assert len(everyone) == 2
