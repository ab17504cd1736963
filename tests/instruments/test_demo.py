"""The demo school shows instruments alive, and loading it again duplicates nothing."""

import time

from django.apps import apps
from django.core import serializers
from django.utils import timezone

from ekonseling.core import demo
from ekonseling.instruments import services
from ekonseling.instruments.models import Administration, Assignment, Instrument
from ekonseling.safety.models import Alert


def _instrument_snapshot():
    models = [m for m in apps.get_models() if m._meta.app_label == "instruments"]
    return {m._meta.label: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_the_demo_loads_instruments_once(db):
    started = time.monotonic()
    demo.load()
    assert time.monotonic() - started < 30
    first = _instrument_snapshot()

    demo.load()

    assert _instrument_snapshot() == first
    assert Instrument.objects.filter(sample=True).count() == 5
    assert Administration.objects.count() == 4


def test_the_demo_administrations_are_in_the_states_it_promises(db):
    demo.load()
    now = timezone.now()

    dcm = Administration.objects.get(instrument__code="DCM-CONTOH")
    assert services.window_state(dcm) == "closed" and dcm.closes_at < now - timezone.timedelta(days=4)
    counts = services.status_counts(dcm.assignments.all())
    assert counts["submitted"] > counts["total"] / 2
    assert dcm.assignments.filter(source="paper").exists()
    alert = Alert.objects.get(source=Alert.Source.SHEET, source_id__in=dcm.assignments.values("pk"))
    assert alert.status == Alert.Status.OPEN and alert.items == [4]

    aum = Administration.objects.get(instrument__code="AUM-UMUM-CONTOH")
    assert services.window_state(aum) == "open"
    own = aum.assignments.get(student__user__username="siswa")
    assert own.status == Assignment.Status.IN_PROGRESS and own.answer_data()["items"]
    assert aum.assignments.filter(status=Assignment.Status.SUBMITTED).count() >= 5
    # Answers vary between students.
    docs = {s.answers for s in aum.assignments.filter(status=Assignment.Status.SUBMITTED)}
    assert len(docs) > 3

    akpd = Administration.objects.get(title="AKPD X-1 awal tahun")
    assert services.window_state(akpd) == "closed" and akpd.released_at is not None
    assert akpd.assignments.get(student__user__username="siswa").status == Assignment.Status.SUBMITTED


def test_the_demo_has_a_cohort_over_two_years(db):
    """Issue 14: X-1's AKPD a year ago and now, side by side on the cohort page with the change per area."""
    from ekonseling.accounts.models import User
    from ekonseling.instruments import cohorts
    from ekonseling.students.models import Rombel

    demo.load()
    gurubk = User.objects.get(username="gurubk")
    x1 = Rombel.objects.get(school=gurubk.school, name="X-1", academic_year__is_current=True)
    cohort = cohorts.build(gurubk, x1, "AKPD-CONTOH")
    assert [c.administration.title for c in cohort.columns] == ["AKPD X-1 tahun lalu", "AKPD X-1 awal tahun"]
    assert all(total is not None for _label, _cells, _steps, total in cohort.rows)
