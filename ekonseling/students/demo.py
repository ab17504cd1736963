"""The demo school's student database: the academic year, six rombel of 28 students with full
records, caseloads, and the `siswa` login. Names, NISN and dates come from a seeded generator, so
every machine gets the same school."""

import datetime

from ekonseling.accounts.demo import demo_user
from ekonseling.accounts.models import Role
from ekonseling.core import registry

from .models import AcademicYear, AttendanceSummary, Enrollment, Guardian, ProfileChange, Rombel, Semester, Student

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


def load(demo):
    school, users, rng = demo.school, demo.users, demo.rng
    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        name="2026/2027",
        defaults=dict(starts_on=datetime.date(2026, 7, 13), ends_on=datetime.date(2027, 6, 30), is_current=True),
    )
    semester, _ = Semester.objects.get_or_create(
        academic_year=year, number=1, defaults=dict(starts_on=year.starts_on, ends_on=datetime.date(2026, 12, 19))
    )
    Semester.objects.get_or_create(
        academic_year=year, number=2, defaults=dict(starts_on=datetime.date(2027, 1, 4), ends_on=year.ends_on)
    )
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
            nisn = f"00{birth_year % 100:02d}{index:01d}{n:02d}{rng.randrange(100):03d}"[:10]
            record, guardians, attendance = _student_record(rng, birth_year)
            record["nipd"] = f"{2026 - grade + 10}{index}{n:03d}"
            student, created = Student.objects.get_or_create(
                school=school, nisn=nisn, defaults=dict(record, rombel=rombel)
            )
            if created:
                for relation, guardian in guardians.items():
                    Guardian.objects.create(student=student, relation=relation, **guardian)
                Enrollment.objects.create(student=student, academic_year=year, rombel=rombel, rombel_name=rombel.name)
                AttendanceSummary.objects.create(student=student, semester=semester, **attendance)
            if first_student is None:
                first_student = student
    if first_student.user_id is None:
        first_student.user = demo_user(school, "siswa", first_student.name, Role.SISWA)
        first_student.aspirations = "Psikolog anak"
        first_student.save(update_fields=["user", "aspirations"])
        ProfileChange.objects.create(
            student=first_student, field="aspirations", old_value="Dokter", new_value="Psikolog anak"
        )
        # A counselor may serve a student outside their rombel caseload, e.g. a referral.
        Student.objects.filter(school=school, rombel__name="XII-1").order_by("name").first().counselors.add(
            users["gurubk"]
        )


RELIGIONS = ["islam"] * 17 + ["kristen", "katolik", "hindu", "buddha"]
LIVING = ["Bersama orang tua"] * 8 + ["Wali", "Kos", "Asrama", "Panti asuhan"]
TRANSPORT = ["Jalan kaki", "Sepeda motor", "Angkutan umum/bus/pete-pete", "Ojek", "Sepeda", "Mobil pribadi"]
EDUCATION = ["SD / sederajat", "SMP / sederajat", "SMA / sederajat", "D3", "S1", "S2"]
JOBS = ["Petani", "Pedagang Kecil", "Karyawan Swasta", "Wiraswasta", "PNS/TNI/Polri", "Buruh", "Tidak bekerja"]
INCOME = [
    "Kurang dari Rp. 500,000",
    "Rp. 500,000 - Rp. 999,999",
    "Rp. 1,000,000 - Rp. 1,999,999",
    "Rp. 2,000,000 - Rp. 4,999,999",
    "Rp. 5,000,000 - Rp. 20,000,000",
]
ASPIRATIONS = [
    "Dokter",
    "Guru",
    "Polisi",
    "Programmer",
    "Perawat",
    "Pengusaha",
    "Arsitek",
    "Tentara",
    "Atlet",
    "Desainer grafis",
    "Belum tahu",
]
HOBBIES = ["Membaca", "Sepak bola", "Menggambar", "Bermain musik", "Memasak", "Bulu tangkis", "Menulis", "Game"]
EKSKUL = ["Pramuka", "PMR", "Paskibra", "Rohis", "Futsal", "Paduan suara", "KIR", "Basket", ""]
STREETS = ["Jl. Merdeka", "Jl. Cendana", "Jl. Kenanga", "Gg. Melati", "Jl. Raya Timur", "Kp. Sukamaju"]
KECAMATAN = ["Coblong", "Sukajadi", "Cicendo", "Antapani", "Arcamanik", "Buahbatu"]


def _student_record(rng, birth_year):
    """One student's buku pribadi, guardians and attendance, drawn from `rng` in a fixed order."""
    sex = "L" if rng.random() < 0.48 else "P"
    family = rng.choice(FAMILY)
    record = dict(
        name=f"{rng.choice(MALE if sex == 'L' else FEMALE)} {family}",
        sex=sex,
        birth_place=rng.choice(PLACES),
        birth_date=datetime.date(birth_year, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
        health_notes=rng.choice(HEALTH) if rng.random() < 0.1 else "",
        special_needs="Disleksia ringan" if rng.random() < 0.02 else "",
        religion=rng.choice(RELIGIONS),
        address=f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
        rt=f"{rng.randrange(1, 15):03d}",
        rw=f"{rng.randrange(1, 10):03d}",
        kelurahan="Sukamaju",
        kecamatan=rng.choice(KECAMATAN),
        postal_code="40132",
        mobile=f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
        living_with=rng.choice(LIVING),
        transport=rng.choice(TRANSPORT),
        distance_km=round(rng.uniform(0.3, 15), 1),
        siblings=rng.randrange(0, 5),
        aspirations=rng.choice(ASPIRATIONS),
        hobbies=rng.choice(HOBBIES),
        extracurriculars=rng.choice(EKSKUL),
        needs_attention=rng.random() < 0.05,
    )
    record["birth_order"] = rng.randrange(1, record["siblings"] + 2)
    guardians = {
        "ayah": dict(
            name=f"{rng.choice(MALE)} {family}",
            birth_year=birth_year - rng.randrange(25, 40),
            education=rng.choice(EDUCATION),
            occupation=rng.choice(JOBS),
            income=rng.choice(INCOME),
            phone=f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}",
        ),
        "ibu": dict(
            name=f"{rng.choice(FEMALE)} {rng.choice(FAMILY)}",
            birth_year=birth_year - rng.randrange(22, 38),
            education=rng.choice(EDUCATION),
            occupation=rng.choice(JOBS),
            income=rng.choice(INCOME),
            phone="",
        ),
    }
    attendance = dict(sick=rng.randrange(0, 4), permitted=rng.randrange(0, 3), absent=rng.choice([0, 0, 0, 1, 2, 5]))
    return record, guardians, attendance


registry.register_demo("students", load, order=20)
