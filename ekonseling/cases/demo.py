"""The demo school's case book: two open cases (one from a wali kelas's referral, with a home visit
and its letter, a case conference and a parent call-in; one from the student's own letter), a
referral waiting, follow-ups (one overdue) and private notes."""

import datetime

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.students.models import Student

from . import actions
from .models import Bidang, Case, CaseConference, HomeVisit, ParentCallIn, Source


def _student(school, rombel, index):
    return Student.objects.filter(school=school, rombel__name=rombel).order_by("pk")[index]


def _parent_of(student):
    guardian = student.guardians.order_by("pk").first()
    return guardian.name if guardian else "Bapak/Ibu"


def _weekday_after(day, days):
    """`days` days after `day`, moved on to a Monday when it falls on a weekend."""
    day += datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def load(demo):
    school, users = demo.school, demo.users
    if Case.objects.filter(school=school).exists():
        return
    gurubk, walikelas = users["gurubk"], users["walikelas"]
    today = timezone.localdate()

    # A wali kelas refers the student who told BK of being mocked in the class group; BK takes it on.
    bullied = _student(school, "X-1", 0)
    referral = actions.refer(
        bullied,
        walikelas,
        reason="Beberapa minggu ini sering menyendiri saat istirahat dan dua kali tidak masuk tanpa keterangan. "
        "Teman-teman bilang ia diejek di grup kelas.",
    )
    case = actions.accept_referral(
        referral, gurubk, title="Diejek di grup kelas, mulai enggan sekolah", bidang=Bidang.SOSIAL
    )
    actions.set_status(case, gurubk, Case.Status.HANDLING, "Konseling perorangan dijadwalkan.")
    actions.add_note(
        case,
        gurubk,
        "Sesi 1: siswa bercerita diejek soal penampilan di grup WhatsApp kelas sejak awal semester. "
        "Belum cerita ke orang tua. Sepakat bertemu lagi minggu depan.",
    )
    actions.add_follow_up(
        case, gurubk, description="Konseling perorangan sesi 2", due_on=today - datetime.timedelta(days=2)
    )
    actions.add_follow_up(
        case, gurubk, description="Mediasi dengan dua teman sekelas", due_on=today + datetime.timedelta(days=5)
    )
    actions.save_record(
        ParentCallIn(
            case=case,
            parent_name=_parent_of(bullied),
            meet_on=_weekday_after(today, 3),
            meet_at=datetime.time(9, 0),
            place="Ruang BK",
            purpose="Menyampaikan keadaan anak dan menyepakati dukungan di rumah.",
        ),
        gurubk,
    )
    actions.save_record(
        HomeVisit(
            case=case,
            visit_on=today - datetime.timedelta(days=1),
            address=bullied.address or "Jl. Cihampelas No. 12, Bandung",
            purpose="Mengetahui keadaan siswa di rumah setelah dua kali tidak masuk.",
            met_with="Ibu kandung",
            findings="Orang tua baru tahu soal ejekan di grup; akan mendampingi penggunaan ponsel.",
        ),
        gurubk,
    )
    actions.save_record(
        CaseConference(
            case=case,
            held_on=today,
            place="Ruang BK",
            participants=f"{gurubk.display_name} — guru BK\n{walikelas.display_name} — wali kelas\nWakasek kesiswaan",
            agenda="Penanganan perundungan di grup kelas X-1.",
            outcome="Wali kelas membahas etika grup kelas; BK memediasi siswa yang terlibat; dipantau dua minggu.",
        ),
        gurubk,
    )
    actions.share(case, gurubk, users["koordinator"])

    # A student's own letter about choosing a major becomes a career case.
    career = _student(school, "X-2", 0)
    second = actions.open_case(
        career, gurubk, title="Bimbang memilih jurusan kuliah", bidang=Bidang.KARIER, source=Source.STUDENT
    )
    actions.add_follow_up(
        second, gurubk, description="Bahas hasil tes minat", due_on=today + datetime.timedelta(days=7)
    )

    # A second referral from the wali kelas, waiting to be received (the counselor's badge).
    actions.refer(
        _student(school, "X-1", 3),
        walikelas,
        reason="Nilai turun tajam di semua mata pelajaran sejak bulan lalu dan sering mengantuk di kelas.",
    )


registry.register_demo("cases", load, order=50)
