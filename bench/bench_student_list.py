"""The student list of a school with 2,000 students: server time with and without filters (goal: under 100 ms)."""

import datetime
import random

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.students.models import AcademicYear, Rombel, Student

from .stats import report, timed

STUDENTS = 2000
GIVEN = ["Adi", "Budi", "Citra", "Dewi", "Eka", "Fajar"]
FAMILY = ["Pratama", "Sari", "Wijaya"]


def _school():
    school = School.objects.create(name="SMA Bench 2000", slug="sma-bench-2000")
    year = AcademicYear.objects.create(
        school=school,
        name="2026/2027",
        starts_on=datetime.date(2026, 7, 13),
        ends_on=datetime.date(2027, 6, 30),
        is_current=True,
    )
    koordinator = User.objects.create_user("bench-koordinator", password="x", school=school, role=Role.KOORDINATOR_BK)
    gurubk = User.objects.create_user("bench-gurubk", password="x", school=school, role=Role.GURU_BK)
    rombels = [
        Rombel.objects.create(school=school, academic_year=year, name=f"{g}-{i}", grade=g)
        for g in (10, 11, 12)
        for i in range(1, 21)
    ]
    for rombel in rombels[:7]:
        rombel.counselors.add(gurubk)
    rng = random.Random(1)
    Student.objects.bulk_create(
        [
            Student(
                school=school,
                nisn=f"{n:010d}",
                name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {n}",
                sex=rng.choice("LP"),
                rombel=rombels[n % len(rombels)],
                needs_attention=n % 40 == 0,
            )
            for n in range(STUDENTS)
        ],
        batch_size=500,
    )
    return school, koordinator, gurubk


def run():
    school, koordinator, gurubk = _school()
    rombel = Rombel.objects.filter(school=school).first()
    for label, user in [("koordinator", koordinator), ("guru BK (7 rombel)", gurubk)]:
        client = Client()
        client.force_login(user)
        for query, what in [
            ("", "first page of 50"),
            ("?q=budi", "name search"),
            ("?q=00000012", "NISN prefix"),
            (f"?rombel={rombel.pk}&sex=P", "rombel + sex"),
            ("?needs_attention=1", "flag: needs attention"),
        ]:

            def get(path=f"/siswa/{query}", client=client):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            report(f"list[{label}] {what}", timed(get, 30), f"GET /siswa/{query}, {STUDENTS} students")
        with CaptureQueriesContext(connection) as queries:
            client.get("/siswa/")
        print(f"  queries per list page [{label}]: {len(queries)}")
