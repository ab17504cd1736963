"""The storage layer under every way of answering: library versions, windows, locks, alerts."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ekonseling.core import policy
from ekonseling.instruments import services
from ekonseling.instruments.definition import DefinitionInvalid
from ekonseling.instruments.models import Assignment, Instrument
from ekonseling.instruments.scoring import AnswersInvalid

from .. import factories

SAMPLES = services.SAMPLES_DIR


def _sample(world, name):
    instrument, _ = services.import_definition(world.school, (SAMPLES / name).read_bytes(), name, user=world.gurubk)
    return instrument


def _administration(world, name="dcm-contoh.json", **kwargs):
    now = timezone.now()
    kwargs.setdefault("opens_at", now - timedelta(hours=1))
    kwargs.setdefault("closes_at", now + timedelta(days=1))
    return services.open_administration(
        instrument=_sample(world, name), title="DCM X-A", created_by=world.gurubk, rombels=[world.rombel_a], **kwargs
    )


def _sheet(world, administration):
    return administration.assignments.get(student=world.student)


def test_import_is_idempotent_and_a_changed_version_without_answers_is_replaced(world):
    raw = (SAMPLES / "dcm-contoh.json").read_bytes()
    first, outcome = services.import_definition(world.school, raw, "dcm.json")
    assert outcome == "created"
    again, outcome = services.import_definition(world.school, raw, "dcm.json")
    assert (again.pk, outcome) == (first.pk, "unchanged")
    data = json.loads(raw)
    data["items"][0]["text"] = "Teks yang diubah sekolah."
    changed, outcome = services.import_definition(world.school, json.dumps(data), "dcm.json")
    assert (changed.pk, outcome) == (first.pk, "replaced")
    assert changed.definition.items[0].text == "Teks yang diubah sekolah."


def test_a_version_with_answers_is_frozen(world):
    administration = _administration(world)
    services.save_answers(_sheet(world, administration), {"items": {"1": True}}, by=world.siswa)
    data = json.loads(administration.instrument.source)
    data["items"][0]["text"] = "Lain"
    with pytest.raises(services.InstrumentError, match="version"):
        services.import_definition(world.school, json.dumps(data), "dcm.json")
    data["version"] = "2"
    newer, outcome = services.import_definition(world.school, json.dumps(data), "dcm.json")
    assert outcome == "created" and Instrument.objects.filter(code=newer.code).count() == 2


def test_a_bad_file_is_refused_with_located_errors(world):
    with pytest.raises(DefinitionInvalid) as caught:
        services.import_definition(world.school, b'{"code": "X"}', "x.json")
    assert any(error.path == "version" for error in caught.value.errors)
    assert not Instrument.objects.exists()


def test_samples_install_in_each_school_separately(world, other_world):
    assert len(services.install_samples(world.school)) == 5
    assert len(services.install_samples(other_world.school)) == 5
    assert Instrument.objects.filter(school=world.school, sample=True).count() == 5


def test_an_administration_takes_the_active_students_of_its_rombel(world):
    world.classmate.status = "left"
    world.classmate.save()
    administration = _administration(world)
    assert set(administration.assignments.values_list("student", flat=True)) == {world.student.pk}


def test_autosave_merges_pages_and_unticking_drops_heavy(world):
    administration = _administration(world, "aum-umum-contoh.json")
    sheet = _sheet(world, administration)
    services.save_answers(sheet, {"items": {"1": True, "2": True}, "heavy": {"2": True}}, by=world.siswa)
    saved = services.save_answers(sheet, {"items": {"7": True}}, by=world.siswa)
    assert saved.answer_data() == {"items": {"1": True, "2": True, "7": True}, "heavy": [2]}
    assert saved.status == Assignment.Status.IN_PROGRESS and saved.revision == 2
    saved = services.save_answers(sheet, {"items": {"2": False}}, by=world.siswa)
    assert saved.answer_data() == {"items": {"1": True, "7": True}, "heavy": []}


def test_heavy_must_be_ticked_and_values_must_fit(world):
    sheet = _sheet(world, _administration(world, "aum-umum-contoh.json"))
    with pytest.raises(AnswersInvalid):
        services.save_answers(sheet, {"items": {"1": "ya"}}, by=world.siswa)
    with pytest.raises(AnswersInvalid):
        services.save_answers(sheet, {"items": {"999": True}}, by=world.siswa)
    sheet.refresh_from_db()
    assert sheet.answers == "" and sheet.revision == 0


def test_answers_are_encrypted_at_rest(world):
    from django.db import connection

    sheet = _sheet(world, _administration(world))
    services.save_answers(sheet, {"items": {"4": True}}, by=world.siswa)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM instruments_assignment WHERE id = %s", [sheet.pk])
        stored = cursor.fetchone()[0]
    assert "items" not in stored and stored


def test_the_window_is_enforced(world):
    now = timezone.now()
    early = _administration(world, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=1))
    with pytest.raises(services.WindowClosed):
        services.save_answers(_sheet(world, early), {"items": {"1": True}}, by=world.siswa)
    late = _administration(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    sheet = _sheet(world, late)
    with pytest.raises(services.WindowClosed):
        services.save_answers(sheet, {"items": {"1": True}}, by=world.siswa)
    services.extend(sheet, now + timedelta(hours=2), by=world.gurubk)
    assert services.save_answers(sheet, {"items": {"1": True}}, by=world.siswa).revision == 1
    assert not _sheet(world, late).administration.is_open()


def test_submit_needs_a_complete_sheet_locks_it_and_only_a_reopen_unlocks(world):
    sheet = _sheet(world, _administration(world, "akpd-contoh.json"))
    services.save_answers(sheet, {"items": {"1": "ya"}}, by=world.siswa)
    with pytest.raises(AnswersInvalid, match="belum dijawab"):
        services.submit(sheet, by=world.siswa)
    definition = sheet.administration.instrument.definition
    services.save_answers(sheet, {"items": {str(i.number): "tidak" for i in definition.items}}, by=world.siswa)
    submitted = services.submit(sheet, by=world.siswa)
    assert submitted.status == Assignment.Status.SUBMITTED
    with pytest.raises(services.SheetLocked):
        services.save_answers(sheet, {"items": {"1": "ya"}}, by=world.siswa)
    services.reopen(sheet, by=world.gurubk)
    assert services.save_answers(sheet, {"items": {"1": "ya"}}, by=world.siswa).status == "in_progress"


# Critical-item alerts and their e-mail: tests/safety/test_sheet_alerts.py.


def test_a_paper_sheet_is_stored_submitted_outside_the_window(world):
    now = timezone.now()
    administration = _administration(world, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
    sheet = services.record_sheet(
        _sheet(world, administration), {"items": {"1": True, "3": True}}, by=world.gurubk, source="paper"
    )
    assert sheet.status == "submitted" and sheet.source == "paper" and sheet.entered_by == world.gurubk


def test_who_may_fill_and_read_a_sheet(world):
    administration = _administration(world)
    mine = _sheet(world, administration)
    classmate = administration.assignments.get(student=world.classmate)
    assert policy.can(world.siswa, "assignment.fill", mine)
    assert not policy.can(world.siswa, "assignment.fill", classmate)
    assert not policy.can(world.siswa, "assignment.view", mine)
    assert policy.can(world.gurubk, "assignment.view", mine)
    assert not policy.can(world.gurubk_other, "assignment.view", mine)
    for user in (world.walikelas, world.kepsek, world.operator):
        assert not policy.can(user, "assignment.view", mine)
        assert not policy.can(user, "administration.manage", administration)
    assert policy.can(world.gurubk, "administration.manage", administration)
    assert not policy.can(world.gurubk_other, "administration.manage", administration)
    visible = policy.visible(world.gurubk_other, "administration.manage", type(administration).objects.all())
    assert not visible.exists()


def test_a_student_sees_results_only_when_released_and_submitted(world):
    administration = _administration(world)
    sheet = _sheet(world, administration)
    services.save_answers(sheet, {"items": {"1": True}}, by=world.siswa)
    services.submit(sheet, by=world.siswa)
    sheet.refresh_from_db()
    assert not policy.can(world.siswa, "assignment.view_own_result", sheet)
    services.release_results(administration, by=world.gurubk)
    sheet = Assignment.objects.select_related("administration").get(pk=sheet.pk)
    assert policy.can(world.siswa, "assignment.view_own_result", sheet)
    other = factories.user(world.school, "siswa")
    assert not policy.can(other, "assignment.view_own_result", sheet)


def test_status_counts_come_from_the_status_columns(world):
    from ekonseling.instruments.models import Administration

    administration = _administration(world)
    services.save_answers(_sheet(world, administration), {"items": {"1": True}}, by=world.siswa)
    counts = services.status_counts(administration.assignments.all())
    assert counts == {"pending": 1, "in_progress": 1, "submitted": 0, "total": 2}
    services.submit(_sheet(world, administration), by=world.siswa)
    counted = services.with_status_counts(Administration.objects.filter(pk=administration.pk)).get()
    assert (counted.sheet_total, counted.sheet_submitted, counted.sheet_in_progress) == (2, 1, 0)


def test_with_status_counts_is_not_multiplied_by_rombel(world):
    from ekonseling.instruments.models import Administration

    administration = _administration(world)
    administration.rombels.add(world.rombel_b)
    counted = services.with_status_counts(Administration.objects.filter(pk=administration.pk)).get()
    assert counted.sheet_total == 2


def test_window_state(world):
    now = timezone.now()
    administration = _administration(world, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    assert services.window_state(administration, now) == "upcoming"
    assert services.window_state(administration, now + timedelta(hours=1)) == "open"
    assert services.window_state(administration, now + timedelta(hours=2)) == "closed"
