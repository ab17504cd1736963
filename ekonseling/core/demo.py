"""The demo school that `make run` loads. Idempotent: a second load changes nothing.

Names, NISN and dates come from a seeded random generator, so every machine gets the same school.
Later features extend `load()` so that the demo shows them alive.
"""

import datetime
import random

from django.db import transaction

from ekonseling.accounts.models import Role, User
from ekonseling.students.models import AcademicYear, Rombel, Student

from .models import School

DEMO_PASSWORD = "bk-demo-2026"
SCHOOL_SLUG = "sman1-harapan"

STAFF = [
    # username, full name, role
    ("operator", "Dedi Kurniawan, S.Kom.", Role.OPERATOR),
    ("koordinator", "Dra. Sri Wahyuni, M.Pd.", Role.KOORDINATOR_BK),
    ("gurubk", "Rina Marlina, S.Pd.", Role.GURU_BK),
    ("gurubk2", "Ahmad Fauzi, S.Pd., Kons.", Role.GURU_BK),
    ("walikelas", "Budi Santoso, S.Pd.", Role.WALI_KELAS),
    ("walikelas2", "Yuliana Putri, S.Si.", Role.WALI_KELAS),
    ("kepsek", "Drs. H. Suharto, M.M.", Role.KEPALA_SEKOLAH),
]

# rombel name, grade, homeroom username, counselor username
ROMBELS = [
    ("X-1", 10, "walikelas", "gurubk"),
    ("X-2", 10, "walikelas2", "gurubk"),
    ("XI-1", 11, None, "gurubk"),
    ("XI-2", 11, None, "gurubk2"),
    ("XII-1", 12, None, "gurubk2"),
    ("XII-2", 12, None, "gurubk2"),
]
STUDENTS_PER_ROMBEL = 28

MALE = [
    "Adi",
    "Agus",
    "Andi",
    "Arif",
    "Bagas",
    "Bayu",
    "Dimas",
    "Fajar",
    "Farhan",
    "Hendra",
    "Ilham",
    "Joko",
    "Kevin",
    "Muhammad",
    "Naufal",
    "Raka",
    "Rizky",
    "Satria",
    "Taufik",
    "Wahyu",
    "Yoga",
    "Zidan",
]
FEMALE = [
    "Aisyah",
    "Anisa",
    "Ayu",
    "Bunga",
    "Citra",
    "Dewi",
    "Dinda",
    "Eka",
    "Fitri",
    "Indah",
    "Intan",
    "Kartika",
    "Laras",
    "Maya",
    "Nadia",
    "Nur",
    "Putri",
    "Rahma",
    "Sari",
    "Tiara",
    "Wulan",
    "Zahra",
]
FAMILY = [
    "Pratama",
    "Saputra",
    "Wijaya",
    "Hidayat",
    "Nugroho",
    "Lestari",
    "Permata",
    "Kusuma",
    "Ramadhan",
    "Setiawan",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Purnama",
    "Maharani",
    "Anggraini",
    "Rahmawati",
    "Firmansyah",
    "Gunawan",
    "Utami",
    "Sihombing",
]
PLACES = ["Bandung", "Garut", "Tasikmalaya", "Cimahi", "Sumedang", "Jakarta", "Bogor", "Cianjur"]
HEALTH = ["Asma ringan; membawa inhaler.", "Alergi udang.", "Minus 3 (kacamata).", "Riwayat maag."]


def demo_logins():
    """(username, password, role label) for the README and `make run`."""
    logins = [(u, DEMO_PASSWORD, role.label) for u, _, role in STAFF]
    logins.append(("siswa", DEMO_PASSWORD, Role.SISWA.label))
    return logins


@transaction.atomic
def load():
    school, _ = School.objects.get_or_create(
        slug=SCHOOL_SLUG,
        defaults=dict(
            name="SMA Negeri 1 Harapan (demo)",
            npsn="20200001",
            level=School.Level.SMA,
            address="Jl. Pendidikan No. 1",
            city="Kota Bandung",
            province="Jawa Barat",
            phone="(022) 000000",
            headmaster_name="Drs. H. Suharto, M.M.",
            crisis_contacts="Layanan Kesehatan Jiwa Kemenkes: 119 ext. 8\nGuru BK piket: lihat jadwal di ruang BK",
        ),
    )
    users = {u: _user(school, u, name, role) for u, name, role in STAFF}
    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name="2026/2027",
        defaults=dict(starts_on=datetime.date(2026, 7, 13), ends_on=datetime.date(2027, 6, 30), is_current=True),
    )
    rng = random.Random(20262027)
    first_student = None
    for index, (name, grade, homeroom, counselor) in enumerate(ROMBELS):
        rombel, created = Rombel.objects.get_or_create(
            school=school,
            academic_year=year,
            name=name,
            defaults=dict(grade=grade, wali_kelas=users.get(homeroom)),
        )
        if created:
            rombel.counselors.add(users[counselor])
        birth_year = 2026 - grade - 6
        for n in range(STUDENTS_PER_ROMBEL):
            sex = "L" if rng.random() < 0.48 else "P"
            given = rng.choice(MALE if sex == "L" else FEMALE)
            full = f"{given} {rng.choice(FAMILY)}"
            nisn = f"00{birth_year % 100:02d}{index:01d}{n:02d}{rng.randrange(100):03d}"[:10]
            birth = datetime.date(birth_year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            place = rng.choice(PLACES)
            health = rng.choice(HEALTH) if rng.random() < 0.1 else ""
            student, _ = Student.objects.get_or_create(
                school=school,
                nisn=nisn,
                defaults=dict(
                    nipd=f"{2026 - grade + 10}{index}{n:03d}",
                    name=full,
                    sex=sex,
                    birth_place=place,
                    birth_date=birth,
                    rombel=rombel,
                    health_notes=health,
                ),
            )
            if first_student is None:
                first_student = student
    if first_student.user_id is None:
        first_student.user = _user(school, "siswa", first_student.name, Role.SISWA)
        first_student.save(update_fields=["user"])
    return school


def _user(school, username, full_name, role):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=role, school=school)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
