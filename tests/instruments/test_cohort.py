"""Cohort comparison (issue 14): one rombel's students across years, with the change per area."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.instruments import cohorts
from ekonseling.students.models import AcademicYear, Enrollment

from .. import factories
from .test_reports import administration, record, sample


def _at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 8))


@pytest.fixture
def cohort_world(world):
    """Last year (2025/2026) Ani and Budi were in X-1; now they are in X-A (world.rombel_a) with a
    newcomer, Citra. AUM in October 2025 (Ani 1 2, Budi nothing) and now (Ani 1–4, Budi 1, Citra 1–5)."""
    last_year = factories.academic_year(
        world.school,
        name="2025/2026",
        starts_on=datetime.date(2025, 7, 14),
        ends_on=datetime.date(2026, 6, 30),
        is_current=False,
    )
    this_year = AcademicYear.objects.get(school=world.school, is_current=True)
    x1 = factories.rombel(world.school, year=last_year, name="X-1", counselors=[world.gurubk])
    citra = factories.student(world.school, rombel=world.rombel_a, name="Citra")
    for student in (world.student, world.classmate):
        Enrollment.objects.create(student=student, academic_year=last_year, rombel=x1, rombel_name="X-1")
    for student in (world.student, world.classmate, citra):
        Enrollment.objects.create(
            student=student, academic_year=this_year, rombel=world.rombel_a, rombel_name=world.rombel_a.name
        )
    instrument = sample(world, "aum-umum-contoh.json")
    before = administration(
        world, instrument=instrument, title="AUM 2025", opens_at=_at(2025, 10, 1), closes_at=_at(2025, 10, 8)
    )
    record(before, world.student, {"items": {"1": True, "2": True}}, world.gurubk)
    record(before, world.classmate, {"items": {}}, world.gurubk)
    now = administration(world, instrument=instrument, title="AUM 2026", rombels=[world.rombel_a, world.rombel_b])
    record(now, world.student, {"items": {str(n): True for n in (1, 2, 3, 4)}}, world.gurubk)
    record(now, world.classmate, {"items": {"1": True}}, world.gurubk)
    record(now, citra, {"items": {str(n): True for n in range(1, 6)}}, world.gurubk)
    record(now, world.other_student, {"items": {str(n): True for n in range(1, 51)}}, world.koordinator)
    return x1, before, now


def _row(cohort, code):
    return next(row for row in cohort.rows if row[0].startswith(code))


def test_the_cohort_follows_its_students_into_their_new_rombel(world, cohort_world):
    x1, before, now = cohort_world
    cohort = cohorts.build(world.gurubk, x1, "AUM-UMUM-CONTOH")
    assert [c.administration for c in cohort.columns] == [before, now]
    assert [c.n for c in cohort.columns] == [2, 2]  # Ani and Budi; not Citra, not the other rombel's student
    assert "X-1" in cohort.columns[0].label and world.rombel_a.name in cohort.columns[1].label
    label, cells, steps, total = _row(cohort, "JDK")
    # 2025: 2 / (5 × 2) = 20 %; 2026: (4 + 1) / (5 × 2) = 50 %: +30 percentage points
    assert [c.text for c in cells] == ["20,00", "50,00"]
    assert cells[1].formula == "5 / (5 × 2) × 100 = 50,00 %"
    assert steps[0].text == total.text == "+30,00" and total.value == 30.0
    assert _row(cohort, "DPI")[3].text == "±0,00"


def test_only_students_who_answered_every_time(world, cohort_world):
    x1, _before, _now = cohort_world
    Enrollment.objects.filter(student__name="Citra").update(rombel=x1, rombel_name="X-1")  # Citra was in X-1 too
    everyone = cohorts.build(world.gurubk, x1, "AUM-UMUM-CONTOH")
    assert [c.n for c in everyone.columns] == [2, 3]
    complete = cohorts.build(world.gurubk, x1, "AUM-UMUM-CONTOH", complete=True)
    assert [c.n for c in complete.columns] == [2, 2] and complete.notes


def test_a_version_with_other_areas_is_left_out_with_a_note(world, cohort_world):
    x1, _before, now = cohort_world
    import json

    from ekonseling.instruments import services

    data = json.loads((services.SAMPLES_DIR / "aum-umum-contoh.json").read_text())
    data["version"] = "2"
    data["areas"][0]["code"] = "JSM"
    for item in data["items"]:
        item["area"] = "JSM" if item["area"] == "JDK" else item["area"]
    other = sample(world, "v2.json", content=json.dumps(data).encode())
    newer = administration(world, instrument=other, title="AUM 2027")
    record(newer, world.student, {"items": {"1": True}}, world.gurubk)
    cohort = cohorts.build(world.gurubk, x1, "AUM-UMUM-CONTOH")
    assert [c.administration.title for c in cohort.columns] == ["AUM 2027"]
    assert len([n for n in cohort.notes if "AUM 2025" in n or "AUM 2026" in n]) == 2


def test_the_page_follows_the_report_rules_and_is_audited(client, world, cohort_world):
    x1, before, now = cohort_world
    url = reverse("instruments:cohort")
    client.force_login(world.gurubk)
    html = client.get(url, {"rombel": x1.pk, "code": "AUM-UMUM-CONTOH"}).content.decode()
    assert 'data-testid="cohort"' in html and "+30,00" in html
    assert AuditEvent.objects.filter(action="read", object_id=str(before.pk), detail__startswith="cohort").exists()
    # gurubk_other manages only the 2026 administration (it includes their rombel X-B): one column
    client.force_login(world.gurubk_other)
    html = client.get(url, {"rombel": x1.pk, "code": "AUM-UMUM-CONTOH"}).content.decode()
    assert "AUM 2026" in html and "AUM 2025" not in html
    client.force_login(world.walikelas)
    assert client.get(url, {"rombel": x1.pk, "code": "AUM-UMUM-CONTOH"}).status_code == 403


def test_the_page_without_a_choice_offers_rombel_and_instruments(client, world, cohort_world):
    client.force_login(world.koordinator)
    html = client.get(reverse("instruments:cohort")).content.decode()
    assert "X-1 (2025/2026)" in html and "AUM-UMUM-CONTOH" in html and 'data-testid="cohort"' not in html
