"""Laiseg (penilaian segera): asked after a service, answered on the student's phone from their home
card, read by the counselor, summarised by counselor, service and period."""

import pytest
from django.db import connection
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.records import reports, services
from ekonseling.records.models import Laiseg, ServiceType
from tests import factories

from .helpers import data, day, record

ANSWER = {"understanding": "4", "comfort": "3", "action": "2", "plan": "Membuat jadwal belajar."}


@pytest.mark.django_db
def test_asked_after_a_service_answered_from_the_home_card(client, world):
    made = services.create_record(world.gurubk, data([world.student, world.classmate], ask_laiseg=True))
    # Only students with an account can answer: the classmate has none.
    laiseg = Laiseg.objects.get(record=made)
    assert laiseg.student == world.student
    client.force_login(world.siswa)
    home = client.get("/beranda/").content.decode()
    assert 'data-testid="laiseg-card"' in home and reverse("records:laiseg_answer", args=[laiseg.pk]) in home
    assert client.post(reverse("records:laiseg_answer", args=[laiseg.pk]), ANSWER).status_code == 302
    laiseg.refresh_from_db()
    assert (laiseg.understanding, laiseg.comfort, laiseg.action) == (4, 3, 2) and laiseg.answered_at
    assert laiseg.plan == "Membuat jadwal belajar."
    with connection.cursor() as cursor:
        cursor.execute("SELECT plan FROM records_laiseg WHERE id = %s", [laiseg.pk])
        assert "jadwal" not in cursor.fetchone()[0]
    # Answered once: the card is gone and the page with it.
    assert 'data-testid="laiseg-card"' not in client.get("/beranda/").content.decode()
    assert client.get(reverse("records:laiseg_answer", args=[laiseg.pk])).status_code == 404
    # The counselor reads the answers and the plan on the record's page (the read is audited).
    client.force_login(world.gurubk)
    page = client.get(reverse("records:detail", args=[made.pk])).content.decode()
    assert "Membuat jadwal belajar." in page
    from ekonseling.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="read", detail="Laiseg plans: 1").exists()


@pytest.mark.django_db
def test_an_incomplete_or_hostile_answer_stores_nothing(client, world):
    made = services.create_record(world.gurubk, data([world.student], ask_laiseg=True))
    laiseg = made.laisegs.get()
    client.force_login(world.siswa)
    for bad in ({**ANSWER, "understanding": "7"}, {**ANSWER, "comfort": ""}, {"plan": "x"}):
        assert client.post(reverse("records:laiseg_answer", args=[laiseg.pk]), bad).status_code == 200
    laiseg.refresh_from_db()
    assert laiseg.answered_at is None
    with pytest.raises(services.RecordError):
        services.answer_laiseg(world.siswa, laiseg, {"understanding": "1e400", "comfort": 1, "action": 1}, "")


@pytest.mark.django_db
def test_asking_again_asks_only_the_new_students(client, world):
    made = services.create_record(world.gurubk, data([world.student], ask_laiseg=True))
    client.force_login(world.gurubk)
    client.post(reverse("records:laiseg_request", args=[made.pk]))
    assert made.laisegs.count() == 1
    client.force_login(world.walikelas)
    assert client.post(reverse("records:laiseg_request", args=[made.pk])).status_code == 403


def _answered(world, made, student, scores):
    return Laiseg.objects.create(
        school=world.school,
        record=made,
        student=student,
        understanding=scores[0],
        comfort=scores[1],
        action=scores[2],
        answered_at=made.created_at,
    )


@pytest.mark.django_db
def test_results_by_counselor_service_and_period(client, world):
    third = factories.student(world.school, rombel=world.rombel_a)
    nov = reports.month_period(2026, 11)
    a = record(world, world.gurubk, [world.student], date=day("2026-11-03"))
    b = record(
        world, world.gurubk, [world.student, world.classmate], date=day("2026-11-20"), service_type="bimbingan_kelompok"
    )  # noqa: E501
    c = record(world, world.koordinator, [third], date=day("2026-11-21"))
    old = record(world, world.gurubk, [world.student], date=day("2026-10-01"))
    _answered(world, a, world.student, (4, 4, 3))
    _answered(world, b, world.student, (2, 3, 1))
    Laiseg.objects.create(school=world.school, record=b, student=world.classmate)  # asked, not answered
    _answered(world, c, third, (3, 1, 4))
    _answered(world, old, world.student, (1, 1, 1))  # October: not in November

    school = reports.laiseg_results(world.koordinator, nov)
    total = school["total"][0]
    assert (total.asked, total.answered) == (4, 3)
    assert total.means == {"understanding": 3.0, "comfort": 2.67, "action": 2.67}
    by_counselor = {row.label: row for row in school["by_counselor"]}
    guru = by_counselor[world.gurubk.display_name]
    assert (guru.asked, guru.answered, guru.means["understanding"], guru.means["action"]) == (3, 2, 3.0, 2.0)
    assert by_counselor[world.koordinator.display_name].means == {"understanding": 3.0, "comfort": 1.0, "action": 4.0}
    by_type = {row.label: row for row in school["by_type"]}
    group = by_type[str(ServiceType.BIMBINGAN_KELOMPOK.label)]
    assert (group.asked, group.answered) == (2, 1)
    # A guru BK sees their own services only.
    own = reports.laiseg_results(world.gurubk, nov)
    assert own["total"][0].asked == 3 and [r.label for r in own["by_counselor"]] == [world.gurubk.display_name]
    client.force_login(world.gurubk)
    page = client.get(reverse("records:laiseg_results"), {"bulan": "2026-11"}).content.decode()
    assert "3,5" in page  # gurubk's mean comfort, (4 + 3) / 2, as Indonesian writes it


@pytest.mark.django_db
def test_the_laiseg_card_is_only_the_students(client, world):
    services.create_record(world.gurubk, data([world.student], ask_laiseg=True))
    other = factories.user(world.school, Role.SISWA)
    world.classmate.user = other
    world.classmate.save()
    client.force_login(other)
    assert 'data-testid="laiseg-card"' not in client.get("/beranda/").content.decode()
