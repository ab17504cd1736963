"""The counselor's dashboard worked out by hand: caseload coverage this semester, the median time to
a first reply, services this month, the Laiseg summary; and the principal's home card."""

import datetime
import uuid

import pytest
from django.utils import timezone

from ekonseling.counseling import services as counseling
from ekonseling.counseling.models import Message
from ekonseling.records import reports
from ekonseling.records.models import Laiseg
from tests import factories

from .helpers import record


def _conversation(world, student, counselor, wait_minutes):
    """A chat: the student writes twice, the counselor replies `wait_minutes` after the first message."""
    chat = counseling.start_conversation(student)
    account = student.user or factories.user(world.school, "siswa")
    if student.user_id is None:
        student.user = account
        student.save()
    counseling.post_messages([counseling.Draft(chat.pk, account, uuid.uuid4(), "Halo Bu")])
    counseling.post_messages([counseling.Draft(chat.pk, account, uuid.uuid4(), "Bu?")])
    counseling.post_messages([counseling.Draft(chat.pk, counselor, uuid.uuid4(), "Ya, Nak")])
    start = timezone.now() - datetime.timedelta(hours=2)
    Message.objects.filter(conversation=chat, seq=1).update(created_at=start)
    Message.objects.filter(conversation=chat, seq=2).update(created_at=start + datetime.timedelta(minutes=1))
    Message.objects.filter(conversation=chat, seq=3).update(created_at=start + datetime.timedelta(minutes=wait_minutes))
    return chat


@pytest.mark.django_db
def test_the_counselors_figures_by_hand(world):
    today = timezone.localdate()
    extra = [factories.student(world.school, rombel=world.rombel_a) for _ in range(2)]
    # gurubk's caseload: rombel X-A = student, classmate and two more (4). Served this semester:
    # the student (gurubk's record) and the classmate (the coordinator's record): 2 of 4 = 50%.
    mine = record(world, world.gurubk, [world.student], date=today)
    record(world, world.koordinator, [world.classmate, world.other_student], date=today)
    record(world, world.gurubk, rombel=world.rombel_b, date=today)  # not gurubk's caseload: no coverage
    # A counselor's first message claims the chat: all three are gurubk's.
    _conversation(world, world.student, world.gurubk, 10)
    _conversation(world, world.classmate, world.gurubk, 30)
    _conversation(world, extra[0], world.gurubk, 20)
    Laiseg.objects.create(
        school=world.school, record=mine, student=world.student, understanding=4, comfort=3, action=2,
        answered_at=timezone.now(),
    )  # fmt: skip
    Laiseg.objects.create(school=world.school, record=mine, student=extra[1])
    dash = reports.counselor_dashboard(world.gurubk, today)
    assert (dash.caseload_size, dash.served, dash.coverage_percent) == (4, 2, 50)
    # Minutes from each student's first message to the counselor's first reply: 10, 30, 20.
    assert (dash.median_reply_minutes, dash.replied_conversations) == (20.0, 3)
    # gurubk's services this month: their individual session (1 student) and rombel X-B (1 student).
    assert (dash.month_records, dash.month_students) == (2, 2)
    assert (dash.laiseg_asked, dash.laiseg_answered) == (2, 1)
    assert dash.laiseg_means == {"understanding": 4.0, "comfort": 3.0, "action": 2.0}


@pytest.mark.django_db
def test_the_dashboard_costs_five_queries(world, django_assert_num_queries):
    today = timezone.localdate()
    record(world, world.gurubk, [world.student], date=today)
    record(world, world.gurubk, rombel=world.rombel_b, date=today)
    _conversation(world, world.student, world.gurubk, 10)
    # the semester, the caseload's coverage, the month's records with their students, the first
    # replies, the Laiseg summary
    with django_assert_num_queries(5):
        dash = reports.counselor_dashboard(world.gurubk, today)
    assert (dash.month_records, dash.month_students, dash.replied_conversations) == (2, 2, 1)


@pytest.mark.django_db
def test_the_principals_card_and_menu(client, world):
    record(world, world.gurubk, [world.student])
    client.force_login(world.kepsek)
    home = client.get("/beranda/").content.decode()
    assert 'data-testid="principal-services-card"' in home and "&lt;5" in home  # one service: small
    assert world.student.name not in home
    assert 'href="/layanan/rekap/"' in home
    client.force_login(world.gurubk)
    home = client.get("/beranda/").content.decode()
    assert 'data-testid="principal-services-card"' not in home
    assert 'href="/layanan/"' in home and 'href="/layanan/laporan/"' in home
