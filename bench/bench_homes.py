"""Every role's home page as served in production (DEBUG off), 2,000 students, a busy inbox: goal under 50 ms each."""

import datetime
import random
import statistics
import time
import uuid

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.counseling import services
from ekonseling.students.models import AcademicYear, Rombel, Student

from .stats import report, timed

STUDENTS = 2000
COUNSELORS = 3
CONVERSATIONS = 300  # one in ten a risk message (an alert), the rest ordinary questions
RISKY = "aku udah gak kuat, pengen bunuh diri aja"
ORDINARY = "bu, aku mau tanya soal jurusan kuliah"


def _school():
    school = School.objects.create(name="SMA Bench Beranda", slug="sma-bench-beranda")
    year = AcademicYear.objects.create(
        school=school,
        name="2026/2027",
        starts_on=datetime.date(2026, 7, 13),
        ends_on=datetime.date(2027, 6, 30),
        is_current=True,
    )

    def user(name, role):
        return User.objects.create_user(
            f"bench-home-{name}", password="x", school=school, role=role, email=f"{name}@bench.invalid"
        )

    people = {
        "koordinator": user("koordinator", Role.KOORDINATOR_BK),
        "kepsek": user("kepsek", Role.KEPALA_SEKOLAH),
        "operator": user("operator", Role.OPERATOR),
        "walikelas": user("walikelas", Role.WALI_KELAS),
    }
    counselors = [user(f"gurubk{i}", Role.GURU_BK) for i in range(COUNSELORS)]
    people["gurubk"] = counselors[0]
    rombels = [
        Rombel.objects.create(school=school, academic_year=year, name=f"{g}-{i}", grade=g)
        for g in (10, 11, 12)
        for i in range(1, 21)
    ]
    rombels[0].wali_kelas = people["walikelas"]
    rombels[0].save(update_fields=["wali_kelas"])
    for n, rombel in enumerate(rombels):
        rombel.counselors.add(counselors[n % COUNSELORS])
    rng = random.Random(7)
    students = Student.objects.bulk_create(
        [
            Student(
                school=school,
                nisn=f"{9_000_000_000 + n:010d}",
                name=f"Siswa {n}",
                sex=rng.choice("LP"),
                rombel=rombels[n % len(rombels)],
            )
            for n in range(STUDENTS)
        ],
        batch_size=500,
    )
    siswa = user("siswa", Role.SISWA)
    students[0].user = siswa
    students[0].save(update_fields=["user"])
    people["siswa"] = siswa
    accounts = {students[0].pk: siswa}
    for n in range(1, CONVERSATIONS):
        student = students[n * 6]
        accounts[student.pk] = User.objects.create_user(
            f"bench-home-s{n}", password="x", school=school, role=Role.SISWA
        )
        student.user = accounts[student.pk]
        student.save(update_fields=["user"])
    for n in range(CONVERSATIONS):
        student = students[n * 6]
        conversation = services.start_conversation(student)
        body = RISKY if n % 10 == 0 else ORDINARY
        services.post_messages([services.Draft(conversation.pk, accounts[student.pk], uuid.uuid4(), body)])
    return people


def run():
    from django.test.utils import override_settings

    from ekonseling.core import crypto

    people = _school()
    if connection.vendor == "postgresql":
        # Statistics as autovacuum keeps them on a server (this machine's PostgreSQL runs with it off):
        # without them the planner guesses at tables filled a moment ago.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # As the server runs: DEBUG off (no query log per statement, templates without debug data; the
    # engines are rebuilt on the change), so the data keys are named as DEBUG off wants.
    with override_settings(DEBUG=False, DATA_KEYS=crypto.data_keys()):
        _measure(people)


def _measure(people):
    for label, user in people.items():
        client = Client()
        client.force_login(user)

        def get(client=client):
            response = client.get("/beranda/")
            assert response.status_code == 200, response.status_code

        report(
            f"home[{label}]", timed(get, 30), f"GET /beranda/ as {label}, {STUDENTS} students, {CONVERSATIONS} chats"
        )
        # CPU time of this process (the server's Python work, not the database's): on a shared
        # machine it moves far less than the wall time.
        cpu = []
        for _ in range(30):
            started = time.process_time()
            get()
            cpu.append((time.process_time() - started) * 1000)
        print(
            f"  cpu per home [{label}]: median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms",
            flush=True,
        )
        with CaptureQueriesContext(connection) as queries:
            client.get("/beranda/")
        print(f"  queries per home [{label}]: {len(queries)}")
