"""Sociometry flags through the safety pipeline: a student several classmates reject in a closed
survey is one alert (severity attention) on their Member row, raised by the sweep, idempotent on
re-analysis, seen and decided only by the rombel's guru BK and the koordinator, counted on the menu
badge, listed under "To follow up" (never "Urgent"), e-mailed by link. Isolated students are not
alerts (an attention item on the sociometry card only)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ekonseling.core import notify
from ekonseling.counseling import home
from ekonseling.safety import actions as safety
from ekonseling.safety.models import ATTENTION, Alert
from ekonseling.sociometry import services
from ekonseling.sociometry.models import Member

from .conftest import SevenClass

SOCIOMETRY = Alert.Source.SOCIOMETRY


def _closed(world):
    now = timezone.now()
    seven = SevenClass(world, answered=False)
    seven.answer_all()
    seven.survey.closes_at = now - datetime.timedelta(minutes=1)
    seven.survey.save(update_fields=["closes_at"])
    return seven


def test_a_rejected_student_raises_exactly_one_attention_alert_idempotent_on_reanalysis(world):
    seven = _closed(world)
    assert services.sweep_alerts() == 1
    alert = Alert.objects.get(source=SOCIOMETRY)
    f = seven.s("F")
    assert alert.student == f and alert.severity == ATTENTION and alert.items == ["ditolak"]
    assert alert.source_id == Member.objects.get(survey=seven.survey, student=f).pk
    # Isolated G (nobody chose them) is not an alert: an attention item on the sociometry card only.
    assert not Alert.objects.filter(student=seven.s("G")).exists()
    # Nothing due: the sweep does nothing; a late paper sheet makes it check again, and the same flag raises nothing.
    assert services.sweep_alerts() == 0
    seven.answer("F", "ABC")
    seven.survey.refresh_from_db()
    assert seven.survey.alerts_checked_at is None
    assert services.sweep_alerts() == 0
    assert services.raise_alerts(seven.survey) == 0
    assert Alert.objects.filter(source=SOCIOMETRY).count() == 1


def test_an_open_survey_raises_nothing_and_only_the_latest_closed_survey_counts(world):
    seven = SevenClass(world)  # open until tomorrow
    assert services.sweep_alerts() == 0
    assert not Alert.objects.exists()
    seven.survey.closes_at = timezone.now() - datetime.timedelta(days=30)
    seven.survey.save(update_fields=["closes_at"])
    later = services.open_survey(
        rombel=seven.rombel,
        title="Later",
        criteria=[("belajar", "")],
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(days=1),
        created_by=world.gurubk,
    )
    c = later.criteria.get()
    services.submit(
        later, seven.s("A"), {c.pk: services.CriterionAnswer([seven.s("B").pk])}, by=world.gurubk, source="paper"
    )
    assert services.sweep_alerts() == 0  # the older survey's rejected student is no longer the flag
    assert not Alert.objects.exists()


def test_the_rombel_counselor_and_koordinator_see_it_others_are_refused(client, world):
    seven = _closed(world)
    services.sweep_alerts()
    alert = Alert.objects.get(source=SOCIOMETRY)
    url = reverse("sociometry:alert", args=[alert.pk])
    for user in (world.gurubk, world.koordinator):
        assert [a.pk for a in safety.open_alerts(user, urgent=False)] == [alert.pk]
        assert safety.open_alerts(user, urgent=True) == []
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and seven.s("F").name in page.content.decode()
    for user in (world.gurubk_other, world.walikelas, world.kepsek, world.operator, world.siswa):
        assert safety.open_alerts(user) == []
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"status": "handled"}).status_code in (403, 404)
    assert Alert.objects.get(pk=alert.pk).status == Alert.Status.OPEN


def test_it_reaches_the_counselor_home_badge_and_mail_as_a_follow_up_not_urgent(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.SAFETY_ALERT_MAIL_WINDOW = 600
    for user in (world.gurubk, world.gurubk_other, world.koordinator):
        user.email = f"{user.username}@sekolah.sch.id"
        user.save(update_fields=["email"])
    _closed(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_alerts()
    notify.wait_for_mail()
    alert = Alert.objects.get(source=SOCIOMETRY)
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([world.gurubk.email, world.koordinator.email])
    body = mail.outbox[0].body
    assert reverse("sociometry:alert", args=[alert.pk]) in body and "bukan keadaan darurat" in body
    assert "Fajar" not in body
    counts = home.counselor_counts(world.gurubk)
    assert counts["follow_up"] == 1 and counts["alerts"] == 0
    assert home.counselor_badge(world.gurubk) >= 1 and home.counselor_badge(world.gurubk_other) == 0
    client.force_login(world.gurubk)
    page = client.get(reverse("core:home")).content.decode()
    assert f'data-home-alert="{alert.pk}" data-group="follow-up"' in page
    assert 'data-group="alert"' not in page
    inbox = client.get(reverse("counseling:inbox")).content.decode()
    assert f'data-testid="alert-{alert.pk}"' not in inbox  # the inbox's critical list is for urgent ones


def test_deciding_it_on_its_page(client, world):
    _closed(world)
    services.sweep_alerts()
    alert = Alert.objects.get(source=SOCIOMETRY)
    client.force_login(world.gurubk)
    url = reverse("sociometry:alert", args=[alert.pk])
    response = client.post(url, {"status": "handled", "note": "Sudah bertemu, dimediasi."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.HANDLED and alert.decided_by == world.gurubk
    assert home.counselor_counts(world.gurubk)["follow_up"] == 0
    assert "Sudah bertemu" in client.get(url).content.decode()


@pytest.mark.parametrize("category", ["terisolir", "diabaikan"])
def test_only_ditolak_is_alerted(category):
    assert category not in services.ALERTED


def test_the_cron_command_runs_the_sweep(world):
    from django.core.management import call_command

    _closed(world)
    call_command("send_pending_alert_mail", verbosity=0)
    assert Alert.objects.filter(source=SOCIOMETRY).count() == 1


def test_the_demo_flag_reaches_gurubk_to_follow_up(client, db):
    from ekonseling.accounts.models import User
    from ekonseling.core import demo

    demo.load()
    alert = Alert.objects.get(source=SOCIOMETRY)
    assert alert.student.rombel.name == "X-1" and alert.severity == ATTENTION
    gurubk, gurubk2 = User.objects.get(username="gurubk"), User.objects.get(username="gurubk2")
    assert home.counselor_counts(gurubk)["follow_up"] == 1
    assert home.counselor_counts(gurubk2)["follow_up"] == 0
    client.force_login(gurubk)
    page = client.get(reverse("core:home")).content.decode()
    assert f'data-home-alert="{alert.pk}" data-group="follow-up"' in page
    assert client.get(reverse("sociometry:alert", args=[alert.pk])).status_code == 200
    demo.load()
    assert Alert.objects.filter(source=SOCIOMETRY).count() == 1


def test_only_a_clear_rejection_is_an_alert():
    from ekonseling.sociometry.analysis import StudentIndex

    def index(rejected_by, categories=("ditolak",)):
        return StudentIndex(1, 1, "X", "L", rejected_by=rejected_by, categories=list(categories))

    assert services.is_alert(index(3), respondents=6)  # 3 of 6
    assert not services.is_alert(index(2), respondents=6)  # ditolak by the category's floor: not enough
    assert not services.is_alert(index(5), respondents=30)  # fewer than a fifth of 30
    assert services.is_alert(index(6), respondents=30)
    assert not services.is_alert(index(9, ["terisolir"]), respondents=30)


def test_a_random_class_raises_almost_nothing(world):
    """One uniform random rejection per student (the bench's school): the category flags a
    few students of the class, the alert rule nobody."""
    import random

    from tests import factories

    rng = random.Random(5)
    rombel = factories.rombel(world.school, name="X-R", counselors=[world.gurubk])
    students = [factories.student(world.school, rombel=rombel) for _ in range(34)]
    now = timezone.now()
    survey = services.open_survey(
        rombel=rombel,
        title="Acak",
        criteria=[("belajar", "")],
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now - datetime.timedelta(days=1),
        created_by=world.gurubk,
        rejections=1,
    )
    c = survey.criteria.get()
    rows = []
    for s in students:
        others = [o.pk for o in students if o.pk != s.pk]
        picked = rng.sample(others, 4)
        rows.append((s, {c.pk: services.CriterionAnswer(picked[:3], picked[3:])}))
    services.submit_many(survey, rows, by=world.gurubk)
    ditolak = len(services.analyse(survey).results[0].in_category("ditolak"))
    assert ditolak >= 2
    assert services.sweep_alerts() == 0
