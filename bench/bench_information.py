"""Information service: a school of 1,200 students reading one article, and a live poll of 40 at once.

Server time of the pages (Django's test client, no network): the student's article page with its
image (1,199 classmates have read it), the student's list, the counselor's reads per rombel and
present mode; then 40 students of one rombel answering a poll at the same moment (40 threads, each
its own database connection, `services.answer_poll`: policy, store, broadcast of the counts after
the commit on the in-memory or Redis channel layer).
"""

import datetime
import io
import threading
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.utils import timezone

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.information import services
from ekonseling.information.models import ArticleRead, PollAnswer
from ekonseling.students.models import AcademicYear, Rombel, Student

from .stats import report, timed

STUDENTS = 1200
PER_ROMBEL = 36
POLL_CLASS = 40
RUNS = 30


def _setup():
    school = School.objects.create(name="SMA Bench Informasi", slug="sma-bench-informasi", address="Jl. 1", city="K")
    today = datetime.date.today()
    year = AcademicYear.objects.create(
        school=school,
        name="Bench",
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=200),
        is_current=True,
    )
    counselor = User.objects.create_user("bench-info-bk", password="x", school=school, role=Role.KOORDINATOR_BK)
    rombels = [
        Rombel.objects.create(school=school, academic_year=year, name=f"X-{i}", grade=10 + i % 3)
        for i in range(STUDENTS // PER_ROMBEL + 1)
    ]
    poll_rombel = Rombel.objects.create(school=school, academic_year=year, name="XI-Polling", grade=11)
    poll_rombel.counselors.add(counselor)
    users = User.objects.bulk_create(
        [
            User(username=f"bench-info-s{n}", school=school, role=Role.SISWA, password="!")
            for n in range(STUDENTS + POLL_CLASS)
        ],
        batch_size=500,
    )
    students = [
        Student(
            school=school,
            nisn=f"7{n:09d}",
            name=f"Siswa {n:04d}",
            rombel=rombels[n % len(rombels)] if n < STUDENTS else poll_rombel,
            user=users[n],
        )
        for n in range(STUDENTS + POLL_CLASS)
    ]
    Student.objects.bulk_create(students, batch_size=500)
    data = services.ArticleData(
        "Mengelola waktu belajar",
        "\n\n".join(f"Gagasan {i}: kalimat yang cukup panjang untuk satu layar proyektor." for i in range(12)),
        "school",
        timezone.now() - datetime.timedelta(hours=1),
    )
    article = services.publish(counselor, data)
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (20, 90, 160)).save(out, "JPEG")
    services.add_media(counselor, article, SimpleUploadedFile("poster.jpg", out.getvalue()), "Poster")
    reader = Student.objects.filter(school=school, user__username="bench-info-s0").get()
    ArticleRead.objects.bulk_create(
        [
            ArticleRead(article=article, student_id=pk)
            for pk in Student.objects.filter(school=school)
            .exclude(pk=reader.pk)
            .values_list("pk", flat=True)[: STUDENTS - 1]
        ],
        batch_size=500,
    )
    return school, counselor, article, reader, poll_rombel


def _answer_at_once(poll, users):
    barrier = threading.Barrier(len(users))
    latencies, errors = [], []

    def answer(user, choice):
        try:
            barrier.wait()
            started = time.perf_counter()
            services.answer_poll(user, poll, choice)
            latencies.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # reported, not raised: the figure says how many failed
            errors.append(repr(exc)[:80])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(u, i % len(poll.options))) for i, u in enumerate(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.perf_counter() - started) * 1000, latencies, errors


def run():
    started = time.perf_counter()
    school, counselor, article, reader, poll_rombel = _setup()
    print(f"  setup: {STUDENTS} students, one article read by {STUDENTS - 1} ({time.perf_counter() - started:.1f} s)")
    student = Client()
    student.force_login(reader.user)
    staff = Client()
    staff.force_login(counselor)
    media = article.media.get()
    report("student reads the article", timed(lambda: student.get(f"/informasi/{article.pk}/"), RUNS), "page")
    report("student's information list", timed(lambda: student.get("/informasi/"), RUNS), "page")
    report("the article's image", timed(lambda: student.get(f"/informasi/media/{media.pk}/"), RUNS), "file")
    report(
        "counselor: reads per rombel",
        timed(lambda: staff.get(f"/informasi/kelola/{article.pk}/"), RUNS),
        f"{Rombel.objects.filter(school=school).count()} rombel, {STUDENTS} students",
    )
    report(
        "counselor: present mode", timed(lambda: staff.get(f"/informasi/kelola/{article.pk}/presentasi/"), RUNS), "page"
    )
    poll = services.open_poll(counselor, poll_rombel, "Sudah paham?", ["Ya", "Sebagian", "Belum"], article)
    users = list(User.objects.filter(student__rombel=poll_rombel))
    wall, latencies, errors = _answer_at_once(poll, users)
    stored = PollAnswer.objects.filter(poll=poll).count()
    report("poll: one answer of 40 at once", latencies, f"policy + store + broadcast; {len(errors)} failed")
    print(f"  poll: {stored} of {len(users)} answers stored in {wall:.0f} ms wall time (40 threads at once)")
    if errors:
        print(f"  poll errors: {sorted(set(errors))[:3]}")
    report("poll: the counts (projector refresh)", timed(lambda: services.poll_results(poll), RUNS), "one poll")
