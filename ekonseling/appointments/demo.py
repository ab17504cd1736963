"""The demo school's appointments: gurubk's weekly slots (Monday to Friday, 9.00–12.00, sessions of
30 minutes), a request waiting for confirmation, one confirmed for tomorrow and a no-show last week;
a video appointment of `siswa` with `gurubk` open now (its call can be joined as soon as the
demo runs: each load on a new day adds that day's); and a group session (konseling kelompok) by
video that gurubk booked with three students of their caseload, and one held a week ago (its
call's times and the chat beside it, which gurubk reads on its page)."""

import datetime
import uuid

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.students import caseload
from ekonseling.students.models import Student

from .models import Appointment, GroupMember, Medium, WeeklySlot


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def _video_now(school, gurubk):
    """A confirmed video appointment whose window holds the present: the call page works at once."""
    student = Student.objects.filter(user__username="siswa", school=school).first()
    if student is None:
        return
    now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    start = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    today = Appointment.objects.filter(
        counselor=gurubk, student=student, medium=Medium.VIDEO, starts_at__date=now.date()
    )
    if today.exists() or Appointment.objects.filter(counselor=gurubk, starts_at=start).exists():
        return
    Appointment.objects.create(
        school=school,
        counselor=gurubk,
        student=student,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=60),
        status=Appointment.Status.CONFIRMED,
        medium=Medium.VIDEO,
        topic="Konseling lewat video",
        booked_by_counselor=True,
        created_by=gurubk,
    )


def _group_session(school, gurubk):
    """Three students of gurubk's caseload in one video group session in three days, at 11.00."""
    if GroupMember.objects.filter(appointment__counselor=gurubk).exists():
        return
    caseload_students = Student.objects.filter(caseload.caseload_q(gurubk), school=school).select_related("user")
    # `siswa` (the demo's student login) is a member, so signing in as siswa shows a group session.
    students = sorted(
        caseload_students.order_by("pk")[:3], key=lambda s: s.user_id is not None and s.user.username == "siswa"
    )
    start = _at(timezone.localdate() + datetime.timedelta(days=3), 11)
    if len(students) < 3 or Appointment.objects.filter(counselor=gurubk, starts_at=start).exists():
        return
    topic = "Konseling kelompok: cara belajar menjelang ujian"
    _video_group(school, gurubk, students, start, 60, Appointment.Status.CONFIRMED, topic)


def _video_group(school, gurubk, students, start, minutes, status, topic):
    """A video group session booked by gurubk: the first student holds the appointment, the others
    are its members (as `actions.add_group_members` stores them)."""
    appointment = Appointment.objects.create(
        school=school,
        counselor=gurubk,
        student=students[0],
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        status=status,
        medium=Medium.VIDEO,
        topic=topic,
        booked_by_counselor=True,
        created_by=gurubk,
    )
    GroupMember.objects.bulk_create(
        GroupMember(school=school, appointment=appointment, student=student) for student in students[1:]
    )
    return appointment


GROUP_CHAT = [
    ("gurubk", "Selamat pagi semua. Hari ini kita bahas cara membagi waktu belajar."),
    (0, "Pagi, Bu. Saya sering belajar mepet sebelum ujian."),
    (1, "Saya juga, Bu. Jadwalnya suka berantakan."),
    ("gurubk", "Baik. Coba tulis jadwal minggu ini, nanti kita lihat bersama."),
]


def _group_session_held(school, gurubk):
    """A video group session held a week ago with two students who have accounts: its call's start
    and end, and the chat beside it (stored with the session), on its page for gurubk."""
    from .models import CallSession, GroupChatMessage

    if GroupChatMessage.objects.filter(appointment__counselor=gurubk).exists():
        return
    students = list(
        Student.objects.filter(caseload.caseload_q(gurubk), school=school, user__isnull=False)
        .select_related("user")
        .order_by("pk")[:2]
    )
    start = _at(timezone.localdate() - datetime.timedelta(days=7), 13)
    if len(students) < 2 or Appointment.objects.filter(counselor=gurubk, starts_at=start).exists():
        return
    appointment = _video_group(
        school, gurubk, students, start, 45, Appointment.Status.DONE, "Konseling kelompok: mengatur waktu belajar"
    )
    CallSession.objects.create(
        school=school,
        appointment=appointment,
        started_at=start + datetime.timedelta(minutes=2),
        ended_at=start + datetime.timedelta(minutes=40),
    )
    for seq, (who, body) in enumerate(GROUP_CHAT, start=1):
        student = None if who == "gurubk" else students[who]
        GroupChatMessage.objects.create(
            school=school,
            appointment=appointment,
            seq=seq,
            sender=gurubk if student is None else student.user,
            student=student,
            client_key=uuid.uuid4(),
            body=body,
        )


def load(demo):
    school, gurubk = demo.school, demo.users.get("gurubk")
    if gurubk is not None:
        _video_now(school, gurubk)
        _group_session(school, gurubk)
        _group_session_held(school, gurubk)
    if gurubk is None or WeeklySlot.objects.filter(counselor=gurubk).exists():
        return
    for weekday in range(5):
        WeeklySlot.objects.create(
            school=school, counselor=gurubk, weekday=weekday, starts_at=datetime.time(9), ends_at=datetime.time(12)
        )
    students = list(Student.objects.filter(caseload.caseload_q(gurubk), school=school).order_by("pk")[:3])
    if len(students) < 3:
        return
    today = timezone.localdate()
    half = datetime.timedelta(minutes=30)
    rows = [
        (students[0], today + datetime.timedelta(days=1), 10, Appointment.Status.CONFIRMED, Medium.TATAP_MUKA),
        (students[1], today + datetime.timedelta(days=2), 9, Appointment.Status.REQUESTED, Medium.CHAT),
        (students[2], today - datetime.timedelta(days=7), 11, Appointment.Status.NO_SHOW, Medium.TATAP_MUKA),
    ]
    for student, day, hour, status, medium in rows:
        Appointment.objects.create(
            school=school,
            counselor=gurubk,
            student=student,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour) + half,
            status=status,
            medium=medium,
            topic="Ingin bercerita tentang belajar",
            created_by=student.user,
        )


registry.register_demo("appointments", load, order=70)
