"""A sheet marking a critical item, through the safety pipeline: raised once per sheet and items,
told by link only to those who serve the student, read and decided on the instrument's alert page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ekonseling.core import notify
from ekonseling.core.models import AuditEvent
from ekonseling.instruments import answer_import, services
from ekonseling.instruments.models import Assignment
from ekonseling.instruments.scoring import AnswersInvalid
from ekonseling.safety.models import Alert

SAMPLES = services.SAMPLES_DIR
SHEET = Alert.Source.SHEET


def _administration(world, *, name="dcm-contoh.json", rombel=None, by=None):
    instrument, _ = services.import_definition(world.school, (SAMPLES / name).read_bytes(), name)
    now = timezone.now()
    return services.open_administration(
        instrument=instrument,
        title="DCM X-A",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=by or world.gurubk,
        rombels=[rombel or world.rombel_a],
    )


def _submit(world, sheet, ticks=("1", "4"), by=None):
    services.save_answers(sheet, {"items": dict.fromkeys(ticks, True)}, by=by or world.siswa)
    return services.submit(sheet, by=by or world.siswa)


def _alert(world):
    administration = _administration(world)
    sheet = administration.assignments.get(student=world.student)
    _submit(world, sheet)
    return Alert.objects.get(source=SHEET, source_id=sheet.pk)


def _with_emails(world, *users):
    for user in users or (world.gurubk, world.gurubk_other, world.koordinator):
        user.email = f"{user.username}@sekolah.sch.id"
        user.save(update_fields=["email"])


@pytest.fixture
def counselor(client, world):
    client.force_login(world.gurubk)
    return client


# --- raising ------------------------------------------------------------------------------------------------


def test_a_ticked_critical_item_raises_one_alert_on_the_sheet(world):
    sheet = _administration(world).assignments.get(student=world.student)
    critical = sheet.administration.instrument.definition.critical_items[0]
    services.save_answers(sheet, {"items": {str(critical): True}}, by=world.siswa)
    with pytest.raises(AnswersInvalid):
        # DCM is a checklist: nothing is missing, so only a bad value could fail; submit succeeds below.
        services.save_answers(sheet, {"items": {str(critical): "x"}}, by=world.siswa)
    services.submit(sheet, by=world.siswa)
    alert = Alert.objects.get()
    assert (alert.source, alert.source_id, alert.items, alert.status) == (SHEET, sheet.pk, [critical], "open")
    assert (alert.student, alert.school) == (world.student, world.school)


@pytest.mark.django_db(transaction=True)
def test_the_alert_mail_goes_to_the_active_serving_guru_bk_and_the_coordinator_without_a_name(world):
    _with_emails(world)
    world.gurubk_other.is_active = False
    world.gurubk_other.save()
    world.student.counselors.add(world.gurubk_other)
    alert = _alert(world)
    notify.wait_for_mail()
    assert [m.to for m in mail.outbox] == [[world.gurubk.email], [world.koordinator.email]]
    assert mail.outbox[0].subject == "[E-Konseling] Butir kritis pada instrumen: siswa perlu segera ditemui"
    assert mail.outbox[0].body.split("\n")[1].endswith(f"/instrumen/peringatan/{alert.pk}/")
    assert world.student.name not in mail.outbox[0].body


def _dcm_file(nisn, ticks):
    header = ["NISN", *[f"{n}." for n in range(1, 18)]]
    row = [nisn, *["x" if n in ticks else "" for n in range(1, 18)]]
    return "\n".join(",".join(cells) for cells in (header, row)).encode()


def _import(administration, content, user):
    pending = answer_import.preview(administration, content, "dcm.csv", user)
    answer_import.apply(pending, user, replace_confirmed=True)


def test_reimporting_an_unchanged_answer_file_raises_no_second_alert_and_no_second_mail(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """Defect 6: the same sheet with the same critical items is the alert already raised."""
    _with_emails(world)
    world.student.nisn = "0012345678"
    world.student.save()
    administration = _administration(world)
    content = _dcm_file(world.student.nisn, {1, 4})
    with django_capture_on_commit_callbacks(execute=True):
        _import(administration, content, world.gurubk)
    notify.wait_for_mail()
    assert len(mailoutbox) == 2  # the serving guru BK and the coordinator
    first = Alert.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        _import(administration, content, world.gurubk)
    notify.wait_for_mail()

    assert list(Alert.objects.values_list("pk", flat=True)) == [first.pk]
    assert len(mailoutbox) == 2


def test_a_decided_alert_is_not_raised_again_by_the_same_sheet_and_items(world):
    alert = _alert(world)
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.HANDLED)
    sheet = Assignment.objects.get(pk=alert.source_id)
    services.record_sheet(sheet, {"items": {"1": True, "4": True}}, by=world.gurubk, source="paper")
    assert Alert.objects.count() == 1


# --- the alert page -----------------------------------------------------------------------------------------


def test_an_alert_shows_the_items_and_the_read_is_audited(counselor, world):
    alert = _alert(world)
    response = counselor.get(reverse("instruments:alert", args=[alert.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    definition = Assignment.objects.get(pk=alert.source_id).administration.instrument.definition
    assert 'data-testid="critical-item-4"' in page and definition.items_by_number[4].text in page
    assert world.student.name in page
    assert 'data-status="open"' in page
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.READ, object_id=str(alert.pk)
    ).exists()


def test_deciding_an_alert_is_recorded_and_audited(counselor, world):
    alert = _alert(world)
    response = counselor.post(
        reverse("instruments:alert", args=[alert.pk]), {"status": "handled", "note": "Sudah ditemui, dirujuk."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.decided_by, alert.note) == ("handled", world.gurubk, "Sudah ditemui, dirujuk.")
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.CHANGE, object_id=str(alert.pk), detail="alert handled"
    ).exists()
    page = counselor.get(reverse("instruments:alert", args=[alert.pk])).content.decode()
    assert 'data-testid="decision"' in page and "Sudah ditemui" in page

    # An unknown decision is refused by the form.
    sheet = Assignment.objects.get(student=world.classmate)
    _submit(world, sheet, ticks=("4",))
    other = Alert.objects.get(source_id=sheet.pk)
    assert counselor.post(reverse("instruments:alert", args=[other.pk]), {"status": "open"}).status_code == 200
    other.refresh_from_db()
    assert other.status == "open"


def test_a_decided_alert_cannot_be_decided_again(counselor, world):
    alert = _alert(world)
    counselor.post(reverse("instruments:alert", args=[alert.pk]), {"status": "handled", "note": "Sudah."})
    response = counselor.post(reverse("instruments:alert", args=[alert.pk]), {"status": "false", "note": "Ganti"})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert (alert.status, alert.note) == ("handled", "Sudah.")


def test_open_alerts_and_open_administrations_on_the_home_card(counselor, world):
    alert = _alert(world)
    administration = Assignment.objects.get(pk=alert.source_id).administration
    page = counselor.get(reverse("core:home")).content.decode()
    assert f'data-testid="alert-{alert.pk}"' in page
    assert f'href="{reverse("instruments:alert", args=[alert.pk])}"' in page
    assert f'data-testid="open-administration-{administration.pk}"' in page
    assert '<span data-testid="submitted">1</span>/<span data-testid="total">2</span>' in page
    detail = counselor.get(reverse("instruments:administration", args=[administration.pk])).content.decode()
    assert f'data-testid="alert-{alert.pk}"' in detail

    alert.status = Alert.Status.HANDLED
    alert.save()
    assert f'data-testid="alert-{alert.pk}"' not in counselor.get(reverse("core:home")).content.decode()


def test_an_administration_lists_only_its_own_sheets_alerts(counselor, world):
    alert = _alert(world)
    other = _administration(world, name="dcm-contoh.json")
    detail = counselor.get(reverse("instruments:administration", args=[other.pk])).content.decode()
    assert f'data-testid="alert-{alert.pk}"' not in detail and 'data-testid="no-alerts"' in detail


def test_another_counselor_sees_no_alert_of_a_student_they_do_not_serve(client, world):
    alert = _alert(world)
    client.force_login(world.gurubk_other)
    assert f'data-testid="alert-{alert.pk}"' not in client.get(reverse("core:home")).content.decode()
    assert f'data-testid="alert-{alert.pk}"' not in client.get(reverse("counseling:inbox")).content.decode()
    assert client.get(reverse("instruments:alert", args=[alert.pk])).status_code == 404


def test_an_open_alert_waits_at_the_top_of_the_inbox_and_its_live_refresh(counselor, world):
    alert = _alert(world)

    page = counselor.get(reverse("counseling:inbox")).content.decode()
    refreshed = counselor.get(reverse("counseling:inbox"), HTTP_HX_REQUEST="true").content.decode()

    for html in (page, refreshed):
        assert f'data-testid="alert-{alert.pk}"' in html
        assert html.index("data-critical-alerts") < html.index('<table class="inbox">')
    alert.status = Alert.Status.FALSE
    alert.save()
    assert "data-critical-alerts" not in counselor.get(reverse("counseling:inbox")).content.decode()
