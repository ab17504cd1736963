"""The demo school's information service: an article for the whole school, one for grade X (with
formatting, an image, and the closed live poll of X-1's classical session on it), one for X-1 only,
one for chosen students (the demo student `siswa` and a classmate), one expired; `siswa` has read
one of them."""

import datetime

from django.utils import timezone

from ekonseling.accounts.models import User
from ekonseling.core import registry
from ekonseling.students.models import Rombel

from . import services
from .models import Article


def load(demo):
    school, users = demo.school, demo.users
    if Article.objects.filter(school=school).exists():
        return
    now = timezone.now()
    day = datetime.timedelta(days=1)
    counselor = users["gurubk"]
    x1 = Rombel.objects.filter(school=school, name="X-1", academic_year__is_current=True).first()

    def give(title, body, audience, published, expires=None, grade=None, rombels=()):
        data = services.ArticleData(title, body, audience, published, expires, grade, list(rombels))
        return services.publish(counselor, data)

    first = give(
        "Layanan BK bisa dihubungi lewat aplikasi",
        "Kamu bisa bertanya ke guru BK lewat menu Konseling kapan saja.\nBaca juga: https://www.kemkes.go.id",
        Article.Audience.SCHOOL,
        now - 10 * day,
    )
    tips = give(
        "Tips belajar menjelang PAS",
        "## Tiga langkah\n\n"
        "1. Buat **jadwal belajar** harian.\n2. Tidur *cukup*, paling sedikit 8 jam.\n"
        "3. Tanyakan materi yang sulit.\n\n"
        "> Sedikit demi sedikit, lama-lama menjadi bukit.\n\n"
        "Panduan lengkap: [Belajar dari rumah](https://www.kemdikbud.go.id).",
        Article.Audience.GRADE,
        now - 3 * day,
        grade=10,
    )
    if x1 is not None:
        give("Jadwal bimbingan klasikal X-1", "Hari Senin jam ke-3, di ruang kelas.", "rombel", now - day, rombels=[x1])
    chosen = _chosen(counselor, users)
    if chosen:
        data = services.ArticleData(
            "Undangan kelompok belajar",
            "Kamu diundang ke **kelompok belajar** hari Rabu sepulang sekolah di ruang BK.",
            Article.Audience.STUDENTS,
            now - day,
            students=chosen,
        )
        services.publish(counselor, data)
    give(
        "Pendaftaran ekstrakurikuler (sudah ditutup)",
        "Pendaftaran sudah ditutup.",
        "school",
        now - 40 * day,
        now - 20 * day,
    )
    services.add_media(counselor, tips, _poster(), "Jadwal belajar seminggu")
    if x1 is not None:
        _poll(counselor, tips, x1)
    siswa = users.get("siswa") or User.objects.filter(school=school, username="siswa").first()
    if siswa is not None:
        services.mark_read(siswa, first)


def _chosen(counselor, users):
    """`siswa` and one classmate the counselor serves: the readers of the chosen-students article."""
    siswa = users.get("siswa") or User.objects.filter(school=counselor.school_id, username="siswa").first()
    mine = services.servable_students(counselor)
    first = mine.filter(user=siswa).first() if siswa else None
    if first is None:
        return []
    other = mine.filter(rombel_id=first.rombel_id).exclude(pk=first.pk).order_by("pk").first()
    return [first] + ([other] if other else [])


def _poll(counselor, article, rombel):
    """A closed live poll of X-1's classical session on the study article, answered by a few
    students of X-1 who have accounts (the counts are the evidence of the service)."""
    from ekonseling.students.models import Student

    poll = services.open_poll(
        counselor, rombel, "Sudah punya jadwal belajar?", ["Sudah", "Belum", "Sedang dibuat"], article
    )
    students = Student.objects.filter(rombel=rombel, user__isnull=False, status=Student.Status.ACTIVE)
    for n, student in enumerate(students.select_related("user").order_by("pk")[:6]):
        services.answer_poll(student.user, poll, n % 3)
    services.close_poll(counselor, poll)


def _poster():
    """A small weekly study plan drawn here (no outside image): the demo's article image."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 450), (245, 248, 252))
    draw = ImageDraw.Draw(image)
    days = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab"]
    for i, (day, hours) in enumerate(zip(days, (2, 1, 2, 1, 2, 3), strict=True)):
        x = 60 + i * 120
        draw.rectangle([x, 380 - hours * 90, x + 80, 380], fill=(40, 110, 180))
        draw.text((x + 25, 395), day, fill=(30, 30, 30))
    draw.text((60, 30), "Jadwal belajar seminggu (jam)", fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("jadwal-belajar.png", out.getvalue())


registry.register_demo("information", load, order=75)
