"""The demo school's service records: about a month of ~100 services across types, fields and
media (classical guidance for rombel, groups, individual sessions, home visits...), one recorded
from the demo chat, Laiseg answers, and one Laiseg waiting on the demo student's phone."""

import datetime

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.students.models import Rombel, Student

from .models import Bidang, Laiseg, Medium, Participation, Scope, ServiceRecord, ServiceType

RECORDS = 100
TOPICS = {
    ServiceType.BIMBINGAN_KLASIKAL: [
        "Cara belajar efektif",
        "Mengenal minat dan bakat",
        "Bahaya perundungan",
        "Manajemen waktu",
        "Persiapan ujian",
    ],  # noqa: E501
    ServiceType.ORIENTASI: ["Mengenal layanan BK", "Tata tertib sekolah"],
    ServiceType.PENEMPATAN: ["Pemilihan ekstrakurikuler", "Peminatan kelas XI"],
    ServiceType.PENGUASAAN_KONTEN: ["Teknik mencatat", "Menyusun jadwal belajar"],
    ServiceType.BIMBINGAN_KELOMPOK: ["Memilih jurusan kuliah", "Bergaul sehat", "Mengelola stres"],
    ServiceType.KONSELING_KELOMPOK: ["Konflik dalam pertemanan", "Motivasi belajar menurun"],
    ServiceType.KONSELING_PERORANGAN: ["Kesulitan belajar", "Masalah pertemanan", "Kebingungan karier", "Kehadiran"],
    ServiceType.KONSULTASI: ["Konsultasi dengan orang tua", "Konsultasi dengan wali kelas"],
    ServiceType.MEDIASI: ["Mediasi perselisihan siswa"],
    ServiceType.ADVOKASI: ["Pendampingan hak belajar"],
    ServiceType.KONFERENSI_KASUS: ["Konferensi kasus kehadiran"],
    ServiceType.KUNJUNGAN_RUMAH: ["Kunjungan rumah: ketidakhadiran"],
    ServiceType.ALIH_TANGAN: ["Rujukan ke psikolog puskesmas"],
}
# How often each kind of service comes up in a month, roughly as a guru BK's month goes.
WEIGHTS = {
    ServiceType.BIMBINGAN_KLASIKAL: 22,
    ServiceType.KONSELING_PERORANGAN: 28,
    ServiceType.BIMBINGAN_KELOMPOK: 10,
    ServiceType.KONSELING_KELOMPOK: 6,
    ServiceType.KONSULTASI: 8,
    ServiceType.ORIENTASI: 3,
    ServiceType.PENEMPATAN: 4,
    ServiceType.PENGUASAAN_KONTEN: 6,
    ServiceType.MEDIASI: 4,
    ServiceType.ADVOKASI: 2,
    ServiceType.KONFERENSI_KASUS: 2,
    ServiceType.KUNJUNGAN_RUMAH: 3,
    ServiceType.ALIH_TANGAN: 2,
}
CLASSROOM = {
    ServiceType.BIMBINGAN_KLASIKAL,
    ServiceType.ORIENTASI,
    ServiceType.PENEMPATAN,
    ServiceType.PENGUASAAN_KONTEN,
}
GROUP = {ServiceType.BIMBINGAN_KELOMPOK, ServiceType.KONSELING_KELOMPOK, ServiceType.MEDIASI}
INDIVIDUAL_MEDIA = [Medium.TATAP_MUKA] * 6 + [Medium.CHAT, Medium.TELEPON, Medium.MEDSOS, Medium.VIDEO, Medium.SURAT]
NOTES = (
    "Siswa menceritakan situasinya; konselor mendengarkan dan membantu memetakan pilihan.",
    "Siswa memahami langkah yang bisa diambil dan bersedia mencobanya minggu ini.",
    "Pertemuan lanjutan dua minggu lagi; koordinasi dengan wali kelas.",
)


def _record(school, counselor, stype, bidang, medium, date, minutes, scope, topic, rombel=None):
    return ServiceRecord(
        school=school,
        counselor=counselor,
        service_type=stype,
        bidang=bidang,
        medium=medium,
        date=date,
        duration_minutes=minutes,
        scope=scope,
        rombel=rombel,
        topic=topic,
        description=NOTES[0],
        result=NOTES[1],
        follow_up=NOTES[2],
    )


def load(demo):
    school, users, rng = demo.school, demo.users, demo.rng
    if ServiceRecord.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    rombels = {r.name: r for r in Rombel.objects.filter(school=school, academic_year__is_current=True)}
    by_counselor = {
        "gurubk": [rombels[n] for n in ("X-1", "X-2", "XI-1") if n in rombels],
        "gurubk2": [rombels[n] for n in ("XI-2", "XII-1", "XII-2") if n in rombels],
    }
    students = {
        r.pk: list(Student.objects.filter(rombel=r, status=Student.Status.ACTIVE).order_by("pk"))
        for rs in by_counselor.values()
        for r in rs
    }
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    plan = []  # (record, [(student, rombel)])
    for _n in range(RECORDS):
        counselor_name = rng.choice(["gurubk", "gurubk", "gurubk2", "gurubk2", "koordinator"])
        pool = by_counselor.get(counselor_name) or [r for rs in by_counselor.values() for r in rs]
        rombel = rng.choice(pool)
        stype = rng.choices(kinds, weights)[0]
        date = today - datetime.timedelta(days=rng.randrange(0, 31))
        if date.weekday() == 6:
            date -= datetime.timedelta(days=1)
        bidang = rng.choice(Bidang.values)
        topic = rng.choice(TOPICS[stype])
        if stype in CLASSROOM:
            record = _record(
                school, users[counselor_name], stype, bidang, Medium.TATAP_MUKA, date, 45, Scope.ROMBEL, topic, rombel
            )  # noqa: E501
            members = students[rombel.pk]
        elif stype in GROUP:
            members = rng.sample(students[rombel.pk], rng.randint(3, 8))
            record = _record(
                school,
                users[counselor_name],
                stype,
                bidang,
                Medium.TATAP_MUKA,
                date,
                rng.choice([45, 60, 90]),
                Scope.GROUP,
                topic,
            )  # noqa: E501
        else:
            members = [rng.choice(students[rombel.pk])]
            medium = rng.choice(INDIVIDUAL_MEDIA)
            if stype == ServiceType.KUNJUNGAN_RUMAH:
                medium = Medium.TATAP_MUKA
            record = _record(
                school,
                users[counselor_name],
                stype,
                bidang,
                medium,
                date,
                rng.choice([20, 30, 45, 60]),
                Scope.STUDENT,
                topic,
            )  # noqa: E501
        plan.append((record, members))
    ServiceRecord.objects.bulk_create([record for record, _m in plan])
    Participation.objects.bulk_create(
        [Participation(record=record, student=s, rombel_id=s.rombel_id) for record, members in plan for s in members]
    )
    # Laiseg after individual and group services: most answered, a few still waiting.
    laisegs = []
    now = timezone.now()
    for record, members in plan:
        if record.scope == Scope.ROMBEL:
            continue
        for student in members:
            answered = rng.random() < 0.8
            laisegs.append(
                Laiseg(
                    school=school,
                    record=record,
                    student=student,
                    understanding=rng.choice([3, 3, 4, 4, 2]) if answered else None,
                    comfort=rng.choice([3, 4, 4, 4, 2]) if answered else None,
                    action=rng.choice([2, 3, 3, 4]) if answered else None,
                    plan="Saya akan membuat jadwal belajar dan mencobanya minggu ini." if answered else "",
                    answered_at=now if answered else None,
                )
            )
    Laiseg.objects.bulk_create(laisegs, ignore_conflicts=True)
    _from_chat(school, users)


def _from_chat(school, users):
    """The demo chat gurubk handles, recorded as a session in one step, with a Laiseg waiting for
    the demo student."""
    from ekonseling.counseling.models import Conversation

    from . import services

    chat = Conversation.objects.filter(school=school, kind="chat", counselor=users["gurubk"]).order_by("pk").first()
    if chat is None:
        return
    data = services.RecordData(
        service_type=ServiceType.KONSELING_PERORANGAN,
        bidang=Bidang.SOSIAL,
        medium=Medium.CHAT,
        date=timezone.localdate(),
        duration_minutes=25,
        scope=Scope.STUDENT,
        topic="Diejek di grup kelas",
        description="Siswa bercerita sering diejek di grup kelas dan malas ke sekolah.",
        result="Siswa bersedia datang ke ruang BK besok saat istirahat.",
        follow_up="Konseling tatap muka besok; bicarakan dengan wali kelas bila berlanjut.",
        students=[chat.student],
        conversation=chat,
        ask_laiseg=True,
    )
    services.create_record(users["gurubk"], data)


registry.register_demo("records", load, order=60)
