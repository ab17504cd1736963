"""The demo school's online counseling: a running chat, an urgent one, a letter thread, an
anonymous question, office hours, crisis contacts and a risk lexicon extension."""

import datetime
import uuid

from django.utils import timezone

from ekonseling.accounts.models import Role, User
from ekonseling.core import registry
from ekonseling.safety import actions as safety
from ekonseling.students.models import Student

from . import services
from .models import CallIn, Conversation, CounselingSettings, OfficeHours

DEMO_CRISIS_CONTACTS = "Layanan Kesehatan Jiwa Kemenkes: 119 ext. 8\nGuru BK piket: lihat jadwal di ruang BK"

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
    (
        "X-2",
        1,
        "chat",
        "",
        [
            # No phrase matches; the second-stage model raises a "possible risk" (severity low). Until
            # round eighteen the imminence model called the wording with "udah" imminent (a known
            # over-triage, docs/risk-screening.md), so the demo kept the plain one.
            (True, "bu, rasanya aku gak sanggup lagi ngejalanin semuanya"),
        ],
        None,
        False,
    ),
]


# What a school in Bandung adds to the shipped lexicon: Sundanese its students write in chats.
DEMO_RISK_LEXICON = {
    "_catatan": "Bahasa Sunda yang sering dipakai siswa kami",
    "normalisation": {"hayang": "ingin", "paeh": "mati", "aing": "aku", "maneh": "kamu"},
    "categories": {"bullying": {"phrases": ["dipoyok"]}},
}


def load(demo):
    school, users = demo.school, demo.users
    """A live inbox: a running chat, an urgent one, a letter thread and an anonymous question."""
    if demo.created:
        safety.set_crisis_contacts(school, DEMO_CRISIS_CONTACTS)
        CounselingSettings.objects.update_or_create(
            school=school, defaults={"risk_lexicon_extension": DEMO_RISK_LEXICON}
        )
    if not OfficeHours.objects.filter(counselor=users["gurubk"]).exists():
        OfficeHours.objects.bulk_create(
            OfficeHours(counselor=users["gurubk"], weekday=day, starts_at=datetime.time(7), ends_at=datetime.time(15))
            for day in range(5)
        )
    _call_in(school, users)
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


def _call_in(school, users):
    """`gurubk` calls `siswa` in for tomorrow's break; `siswa` sees it on their home, not yet acknowledged."""
    if CallIn.objects.filter(school=school).exists():
        return
    student = Student.objects.filter(school=school, user__username="siswa").first()
    if student is None:
        return
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    CallIn.objects.create(
        school=school,
        student=student,
        counselor=users["gurubk"],
        message="Tolong datang ke ruang BK saat istirahat pertama, ya. Ibu ingin ngobrol sebentar soal grup kelas.",
        meet_at=tomorrow.replace(hour=9, minute=30, second=0, microsecond=0),
        place="Ruang BK, lantai 1",
    )


registry.register_demo("counseling", load, order=30)
