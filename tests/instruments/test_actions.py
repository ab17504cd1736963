"""The instrument actions audit for an explicit actor and origin: a command, a consumer or a test
calls them without a request, and the audit line still says who and from where."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import alerts, report_actions, reports, services
from ekonseling.instruments.models import Assignment
from ekonseling.safety.models import Alert

from .test_reports import administration, aum_class

ORIGIN = {"ip": "192.0.2.7", "user_agent": "ekonseling-cli"}


def _event(obj=None, **filters):
    if obj is not None:
        filters.update(object_type=obj._meta.label, object_id=str(obj.pk))
    return AuditEvent.objects.get(**filters)


def _from_origin(event, actor):
    return (event.actor, event.ip_address, event.user_agent) == (actor, ORIGIN["ip"], ORIGIN["user_agent"])


def test_library_actions_audit_their_actor_and_origin(world):
    installed = services.install_samples(world.school, world.koordinator, **ORIGIN)
    event = _event(detail=f"sample instruments: {len(installed)}")
    assert _from_origin(event, world.koordinator) and event.school_id == world.school.pk
    assert not AuditEvent.objects.filter(detail__startswith="import ").exists()  # one line for the samples

    raw = (services.SAMPLES_DIR / "dcm-contoh.json").read_bytes()
    _same, outcome = services.import_definition(world.school, raw, "dcm.json", user=world.koordinator)
    assert outcome == "unchanged" and not AuditEvent.objects.filter(detail__startswith="import ").exists()
    newer = json.dumps({**json.loads(raw), "version": "2"})
    instrument, outcome = services.import_definition(world.school, newer, "dcm.json", user=world.koordinator)
    assert outcome == "created" and _event(instrument, detail="import dcm.json: created").actor == world.koordinator

    content = services.export_definition(instrument, world.gurubk, **ORIGIN)
    assert '"code"' in content and _from_origin(_event(instrument, action="export"), world.gurubk)
    services.set_archived(instrument, True, world.gurubk, **ORIGIN)
    instrument.refresh_from_db()
    assert instrument.archived and _from_origin(_event(instrument, detail="archived"), world.gurubk)
    services.set_archived(instrument, False, world.gurubk)
    instrument.refresh_from_db()
    assert not instrument.archived and _event(instrument, detail="restored").ip_address is None


def test_administration_actions_audit_their_actor_and_origin(world):
    adm = administration(world, "dcm-contoh.json", by=world.gurubk)
    assert _event(adm, action="create").actor == world.gurubk
    sheet = adm.assignments.get(student=world.student)
    until = timezone.now() + timedelta(days=2)
    services.extend(sheet, until, by=world.gurubk, **ORIGIN)
    assert _from_origin(_event(sheet, detail=f"deadline {until.isoformat()}"), world.gurubk)
    services.release_results(adm, by=world.gurubk, **ORIGIN)
    services.release_results(adm, by=world.gurubk, released=False, **ORIGIN)
    assert _from_origin(_event(adm, detail="results released"), world.gurubk)
    assert _from_origin(_event(adm, detail="results withdrawn"), world.gurubk)
    adm.refresh_from_db()
    assert adm.released_at is None


def test_a_paper_sheet_and_its_reopening_are_audited_with_the_replacement_said(world):
    adm = administration(world, "dcm-contoh.json", by=world.gurubk)
    sheet = adm.assignments.get(student=world.student)
    services.enter_paper_sheet(sheet, {"items": {"1": True}}, world.gurubk, **ORIGIN)
    assert _from_origin(_event(sheet, detail="paper sheet entered"), world.gurubk)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.source) == (Assignment.Status.SUBMITTED, Assignment.Source.PAPER)
    services.enter_paper_sheet(sheet, {"items": {"2": True}}, world.gurubk)
    assert _event(sheet, detail="paper sheet entered (replacing the submitted sheet)").actor == world.gurubk
    services.reopen(sheet, by=world.gurubk, **ORIGIN)
    assert _from_origin(_event(sheet, detail="reopened"), world.gurubk)


def test_a_failed_action_writes_no_audit_line(world):
    adm = administration(world, "dcm-contoh.json", by=world.gurubk)
    sheet = adm.assignments.get(student=world.student)
    with pytest.raises(services.InstrumentError):
        services.reopen(sheet, by=world.gurubk)  # not submitted
    with pytest.raises(services.InstrumentError):
        services.extend(sheet, timezone.now() - timedelta(hours=1), by=world.gurubk)
    assert not AuditEvent.objects.filter(object_type=sheet._meta.label, object_id=str(sheet.pk)).exists()


def test_reading_an_alert_is_audited_and_names_its_items(world):
    adm = administration(world, "dcm-contoh.json", by=world.gurubk)
    definition = adm.instrument.definition
    critical = definition.critical_items[0]
    sheet = adm.assignments.get(student=world.student)
    services.record_sheet(sheet, {"items": {str(critical): True}}, by=world.gurubk, source=Assignment.Source.PAPER)
    alert = Alert.objects.get(source=Alert.Source.SHEET, source_id=sheet.pk)
    shown, items = alerts.read_alert(alert, world.gurubk, **ORIGIN)
    assert shown.pk == sheet.pk and [item.number for item in items] == [critical]
    assert _from_origin(_event(alert, action="read", detail=f"critical items: {critical}"), world.gurubk)


def test_report_reads_and_downloads_are_audited_per_format(world):
    adm = aum_class(world)
    report = reports.group_report(adm, rombel_ids=None, visible=set(adm.assignments.values_list("pk", flat=True)))
    report_actions.show_group(world.gurubk, adm, report, **ORIGIN)
    assert _from_origin(_event(adm, action="read", detail=f"group report N={report.n}"), world.gurubk)
    assert report_actions.export_group(world.gurubk, adm, report, "xlsx").startswith(b"PK")
    assert report_actions.export_group(world.gurubk, adm, report, "pdf").startswith(b"%PDF")
    assert _event(adm, action="export", detail=f"group report N={report.n} (pdf)").actor == world.gurubk
    with pytest.raises(ValueError):
        report_actions.export_group(world.gurubk, adm, report, "csv")
    assert AuditEvent.objects.filter(action="export").count() == 2  # the refused format wrote nothing

    sheet = adm.assignments.get(student=world.student)
    individual = reports.individual_report(sheet)
    report_actions.show_individual(world.gurubk, sheet, **ORIGIN)
    assert report_actions.export_individual(world.gurubk, sheet, individual, "xlsx").startswith(b"PK")
    assert _event(sheet, action="read", detail="individual report").actor == world.gurubk
    assert _event(sheet, action="export", detail="individual report (xlsx)").actor == world.gurubk
