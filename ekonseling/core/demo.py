"""The demo school that `make run` loads. Idempotent: a second load changes nothing.

Names, NISN and dates come from a seeded random generator, so every machine gets the same school.
Later features extend `load()` so that the demo shows them alive.
"""

import datetime
import random
import uuid

from django.db import transaction

from ekonseling.accounts.models import Role, User
from ekonseling.students.models import (
    AcademicYear,
    AttendanceSummary,
    Enrollment,
    Guardian,
    ProfileChange,
    Rombel,
    Semester,
    Student,
)

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
            risk_lexicon_extension=DEMO_RISK_LEXICON,
        ),
    )
    users = {u: _user(school, u, name, role) for u, name, role in STAFF}
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
        first_student.user = _user(school, "siswa", first_student.name, Role.SISWA)
        first_student.aspirations = "Psikolog anak"
        first_student.save(update_fields=["user", "aspirations"])
        ProfileChange.objects.create(
            student=first_student, field="aspirations", old_value="Dokter", new_value="Psikolog anak"
        )
        # A counselor may serve a student outside their rombel caseload, e.g. a referral.
        Student.objects.filter(school=school, rombel__name="XII-1").order_by("name").first().counselors.add(
            users["gurubk"]
        )
    _load_counseling(school, users)
    _load_instruments(school, users)
    return school


# (rombel, index in rombel, kind, subject, [(from student?, text)], claimed by, anonymous)
CONVERSATIONS = [
    (
        "X-1",
        0,
        "chat",
        "",
        [
            (True, "Selamat siang Bu Rina, saya mau cerita soal teman sekelas."),
            (False, "Siang juga. Boleh, Ibu dengarkan. Ceritakan pelan-pelan ya."),
            (True, "Saya sering diejek di grup kelas, Bu. Jadi malas ke sekolah."),
            (
                False,
                "Terima kasih sudah berani cerita. Kita cari jalan keluarnya bersama. "
                "Besok jam istirahat bisa ke ruang BK?",
            ),
        ],
        "gurubk",
        False,
    ),
    (
        "X-1",
        1,
        "chat",
        "",
        [
            (True, "bu aku capek bgt, kadang pengen ilang aja dari dunia ini"),
        ],
        None,
        False,
    ),
    (
        "X-2",
        0,
        "letter",
        "Bingung memilih jurusan kuliah",
        [
            (
                True,
                "Bu, saya bingung antara jurusan psikologi dan keguruan. Orang tua ingin saya jadi guru, "
                "tapi saya lebih tertarik pada psikologi. Bagaimana cara saya membicarakannya dengan mereka?",
            ),
            (
                False,
                "Pertanyaan yang bagus. Coba tuliskan dulu alasanmu tertarik pada psikologi, lalu kita bahas "
                "bersama hasil tes minatmu. Ibu juga bisa membantu menyiapkan pertemuan dengan orang tuamu.",
            ),
        ],
        "gurubk",
        False,
    ),
    (
        "X-1",
        2,
        "question",
        "",
        [
            (True, "Gimana caranya ngomong ke ortu kalau aku nggak mau masuk IPA?"),
        ],
        None,
        True,
    ),
]


# What a school in Bandung adds to the shipped lexicon: Sundanese its students write in chats.
DEMO_RISK_LEXICON = {
    "_catatan": "Bahasa Sunda yang sering dipakai siswa kami",
    "normalisation": {"hayang": "ingin", "paeh": "mati", "aing": "aku", "maneh": "kamu"},
    "categories": {"bullying": {"phrases": ["dipoyok"]}},
}


def _load_counseling(school, users):
    """A live inbox: a running chat, an urgent one, a letter thread and an anonymous question."""
    from ekonseling.counseling import services
    from ekonseling.counseling.models import Conversation, OfficeHours

    if not OfficeHours.objects.filter(counselor=users["gurubk"]).exists():
        OfficeHours.objects.bulk_create(
            OfficeHours(counselor=users["gurubk"], weekday=day, starts_at=datetime.time(7), ends_at=datetime.time(15))
            for day in range(5)
        )
    if Conversation.objects.filter(school=school).exists():
        return
    for rombel_name, index, kind, subject, messages, counselor, anonymous in CONVERSATIONS:
        student = Student.objects.filter(school=school, rombel__name=rombel_name).order_by("pk")[index]
        if student.user_id is None:
            # Demo classmates can write, but nobody signs in as them: only `siswa` has a password.
            account = User(username=f"demo-{student.nisn}", full_name=student.name, role=Role.SISWA, school=school)
            account.set_unusable_password()
            account.save()
            student.user = account
            student.save(update_fields=["user"])
        conversation = services.start_conversation(student, kind=kind, subject=subject, anonymous=anonymous)
        for number, (from_student, text) in enumerate(messages, start=1):
            sender = student.user if from_student else users[counselor]
            key = uuid.UUID(int=conversation.pk * 1000 + number)
            limit = services.MAX_LETTER_BODY if kind == "letter" else services.MAX_BODY
            services.post_messages([services.Draft(conversation.pk, sender, key, text)], limit=limit)


def _load_instruments(school, users):
    """Instruments alive: the samples; a DCM of X-2 closed last week with a critical item among its
    sheets; an AUM Umum of X-1 open now, with the `siswa` login's sheet half-filled; an AKPD of X-1
    closed with its results released. Answers go through the services, as a phone's would."""
    from django.utils import timezone

    from ekonseling.instruments import services
    from ekonseling.instruments.models import Administration, Instrument
    from ekonseling.safety.models import Alert

    services.install_samples(school, user=users["koordinator"])
    if Administration.objects.filter(school=school).exists():
        return
    rng = random.Random(2026_1125)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)

    def give(code, title, rombel_name, opens_at, closes_at):
        instrument = Instrument.objects.get(school=school, code=code, sample=True)
        rombel = Rombel.objects.get(school=school, name=rombel_name, academic_year__is_current=True)
        return services.open_administration(
            instrument=instrument,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=users["gurubk"],
            rombels=[rombel],
        )

    def sheets(administration):
        return list(administration.assignments.select_related("student").order_by("student__pk"))

    # DCM, closed last week: 24 of 28 submitted (3 typed from paper), 2 half-way, 2 never started.
    dcm = give("DCM-CONTOH", "DCM X-2 semester ganjil", "X-2", now - 12 * day, now - 5 * day)
    for index, sheet in enumerate(sheets(dcm)):
        if index >= 26:
            continue
        doc = _demo_answers(dcm.instrument.definition, rng, critical=index == 7)
        if index >= 24:
            _demo_fill(sheet, doc, rng, dcm.opens_at, submit=False, half=True)
        elif index in (3, 11, 19):
            when = dcm.closes_at - datetime.timedelta(hours=rng.randrange(2, 30))
            services.record_sheet(sheet, doc, by=users["gurubk"], source="paper", now=when)
        else:
            _demo_fill(sheet, doc, rng, dcm.opens_at, submit=True)
    for sheet in dcm.assignments.filter(pk__in=Alert.objects.filter(source=Alert.Source.SHEET).values("source_id")):
        # Raised when the sheet came in last week, not when the demo was loaded.
        Alert.objects.filter(source=Alert.Source.SHEET, source_id=sheet.pk).update(created_at=sheet.submitted_at)

    # AUM Umum, open now: `siswa` (the first student of X-1) is half-way, 10 submitted, 4 half-way.
    aum = give("AUM-UMUM-CONTOH", "AUM Umum X-1", "X-1", now - 2 * day, now + 5 * day)
    for index, sheet in enumerate(sheets(aum)):
        if index >= 15:
            break
        doc = _demo_answers(aum.instrument.definition, rng)
        _demo_fill(sheet, doc, rng, aum.opens_at, submit=0 < index <= 10, half=index == 0 or index > 10)

    # AKPD at the start of the year, closed and released: everyone but one submitted.
    akpd = give("AKPD-CONTOH", "AKPD X-1 awal tahun", "X-1", now - 30 * day, now - 23 * day)
    for index, sheet in enumerate(sheets(akpd)):
        if index != 17:
            _demo_fill(sheet, _demo_answers(akpd.instrument.definition, rng), rng, akpd.opens_at, submit=True)
    services.release_results(akpd, by=users["gurubk"])


DEMO_OTHER_PROBLEMS = ["Sering sakit kepala saat ujian.", "Belum punya laptop untuk tugas.", ""]


def _demo_answers(definition, rng, *, critical=False):
    """A plausible sheet: each student ticks (or answers "ya" to) their own share of the items."""
    share = rng.choice([0.05, 0.1, 0.15, 0.2, 0.3, 0.45])
    items = {}
    for item in definition.items:
        if item.number in definition.critical_items:
            if critical:
                items[str(item.number)] = True
            continue
        if definition.answer_format == "yes_no":
            items[str(item.number)] = "ya" if rng.random() < share + 0.15 else "tidak"
        elif rng.random() < share:
            items[str(item.number)] = True
    doc = {"items": items}
    if definition.scoring == "checklist_heavy":
        doc["heavy"] = [int(n) for n in items if rng.random() < 0.25]
    answers = {}
    for question in definition.open_questions:
        if question.type == "yes_no":
            answers[question.code] = rng.choice(["ya", "ya", "tidak"])
        elif question.type == "choice":
            code = rng.choice([c.code for c in question.choices])
            answers[question.code] = [code] if question.multiple else code
        elif question.code != "usulan" or rng.random() < 0.3:
            text = rng.choice(DEMO_OTHER_PROBLEMS)
            if text:
                answers[question.code] = text
    if answers:
        doc["open"] = answers
    return doc


def _demo_fill(sheet, doc, rng, opens_at, *, submit, half=False):
    """Save a sheet in two autosaves (the second only when not `half`), then submit it if asked."""
    from ekonseling.instruments import services

    when = opens_at + datetime.timedelta(minutes=rng.randrange(30, 60 * 40))
    numbers = sorted(doc["items"], key=int)
    first, rest = numbers[: len(numbers) // 2], numbers[len(numbers) // 2 :]
    heavy = set(doc.get("heavy", []))
    user = sheet.student.user
    pages = [first] if half else [first, rest]
    for page, page_numbers in enumerate(pages):
        changes = {"items": {n: doc["items"][n] for n in page_numbers}}
        if heavy:
            changes["heavy"] = {int(n): True for n in page_numbers if int(n) in heavy}
        if page == len(pages) - 1 and not half and "open" in doc:
            changes["open"] = doc["open"]
        sheet = services.save_answers(sheet, changes, by=user, now=when + datetime.timedelta(minutes=6 * page))
    if submit:
        services.submit(sheet, by=user, now=when + datetime.timedelta(minutes=6 * len(pages) + 1))


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


def _user(school, username, full_name, role):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=role, school=school)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
