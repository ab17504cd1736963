"""Monthly and semester reports counted right on a dataset whose totals are worked out by hand; the
PDF on the letterhead with its signatories; the spreadsheet; query counts of the report and homes."""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ekonseling.records import reports
from ekonseling.students.models import Semester
from tests import factories

from .helpers import day, record


@pytest.fixture
def dataset(world):
    """November 2026, by hand:

    R1 konseling perorangan, pribadi, chat, gurubk, the student, 45 min (as R2: minutes count per record), 2 Nov
    R2 bimbingan klasikal, belajar, face to face, gurubk, rombel X-A (student, classmate, third;
       a student who left is not counted), 45 min, 5 Nov
    R3 bimbingan kelompok, sosial, face to face, koordinator, group: student (X-A) + other_student
       (X-B), 60 min, 10 Nov
    R4 konseling perorangan, karier, telephone, gurubk_other, other_student, 20 min, 30 Nov
    and outside November: R5 konsultasi on 31 Oct, R6 kunjungan rumah on 1 Dec (both gurubk, the student).

    November: 4 records; 1 + 3 + 2 + 1 = 7 students reached; 4 different students; 170 minutes.
    """
    school = world.school
    school.address, school.city, school.headmaster_name, school.headmaster_nip = (
        "Jl. Merdeka 1",
        "Kota Uji",
        "Drs. Kepala Sekolah",
        "196501011990031001",
    )
    school.save()
    world.gurubk.nip = "198801012010012001"
    world.gurubk.save()
    third = factories.student(world.school, rombel=world.rombel_a)
    factories.student(world.school, rombel=world.rombel_a, status="left")
    year = world.rombel_a.academic_year
    semester = Semester.objects.create(
        academic_year=year, number=1, starts_on=day("2026-07-13"), ends_on=day("2026-12-19")
    )
    rec = {
        "r1": record(
            world, world.gurubk, [world.student], date=day("2026-11-02"), minutes=45, medium="chat", topic="Sesi chat"
        ),  # noqa: E501
        "r2": record(
            world,
            world.gurubk,
            rombel=world.rombel_a,
            date=day("2026-11-05"),
            minutes=45,
            service_type="bimbingan_klasikal",
            bidang="belajar",
            topic="Cara belajar",
        ),  # noqa: E501
        "r3": record(
            world,
            world.koordinator,
            [world.student, world.other_student],
            date=day("2026-11-10"),
            minutes=60,
            service_type="bimbingan_kelompok",
            bidang="sosial",
            topic="Bergaul sehat",
        ),  # noqa: E501
        "r4": record(
            world,
            world.gurubk_other,
            [world.other_student],
            date=day("2026-11-30"),
            minutes=20,
            bidang="karier",
            medium="telepon",
            topic='=HYPERLINK("x")',
        ),  # noqa: E501
        "r5": record(
            world,
            world.gurubk,
            [world.student],
            date=day("2026-10-31"),
            minutes=15,
            service_type="konsultasi",
            medium="medsos",
        ),  # noqa: E501
        "r6": record(
            world, world.gurubk, [world.student], date=day("2026-12-01"), minutes=90, service_type="kunjungan_rumah"
        ),  # noqa: E501
    }
    return {"world": world, "third": third, "semester": semester, **rec}


def _lines(lines):
    return {line.key: (line.records, line.students, line.minutes) for line in lines if line.records}


@pytest.mark.django_db
def test_the_monthly_report_counts_by_hand(dataset):
    world = dataset["world"]
    report = reports.build_report(world.school, reports.month_period(2026, 11))
    assert (report.records, report.students, report.distinct_students, report.minutes) == (4, 7, 4, 170)
    assert _lines(report.by_type) == {
        "konseling_perorangan": (2, 2, 65),
        "bimbingan_klasikal": (1, 3, 45),
        "bimbingan_kelompok": (1, 2, 60),
    }
    assert _lines(report.by_bidang) == {
        "pribadi": (1, 1, 45),
        "belajar": (1, 3, 45),
        "sosial": (1, 2, 60),
        "karier": (1, 1, 20),
    }  # noqa: E501
    assert _lines(report.by_medium) == {"chat": (1, 1, 45), "tatap_muka": (2, 5, 105), "telepon": (1, 1, 20)}
    assert _lines(report.by_counselor) == {
        world.gurubk.pk: (2, 4, 90),
        world.koordinator.pk: (1, 2, 60),
        world.gurubk_other.pk: (1, 1, 20),
    }
    # By rombel: the group of R3 counts in both rombel, one student each.
    assert _lines(report.by_rombel) == {world.rombel_a.pk: (3, 5, 150), world.rombel_b.pk: (2, 2, 80)}
    assert [a.pk for a in report.activities] == [dataset[k].pk for k in ("r1", "r2", "r3", "r4")]
    assert [a.students for a in report.activities] == [1, 3, 2, 1]
    # A guru BK's report is their own services.
    own = reports.build_report(world.school, reports.month_period(2026, 11), world.gurubk)
    assert (own.records, own.students, own.distinct_students, own.minutes) == (2, 4, 3, 90)


@pytest.mark.django_db
def test_the_semester_report_counts_by_hand(dataset):
    world = dataset["world"]
    report = reports.build_report(world.school, reports.semester_period(dataset["semester"]))
    assert (report.records, report.students, report.distinct_students, report.minutes) == (6, 9, 4, 275)
    months = {line.key: line.records for line in report.by_month}
    assert months == {(2026, 7): 0, (2026, 8): 0, (2026, 9): 0, (2026, 10): 1, (2026, 11): 4, (2026, 12): 1}
    recap = {label: (counts, total) for label, counts, total in report.month_type}
    assert sum(total for _c, total in recap.values()) == 6


@pytest.mark.django_db
def test_the_report_page_and_period_choice(client, dataset):
    world = dataset["world"]
    client.force_login(world.koordinator)
    page = client.get(reverse("records:report"), {"bulan": "2026-11"})
    assert page.context["report"].records == 4
    html = page.content.decode()
    assert 'data-figure="records">4<' in html and 'data-figure="students">7<' in html
    page = client.get(reverse("records:report"), {"semester": dataset["semester"].pk})
    assert page.context["report"].records == 6
    # The coordinator picks one counselor; a guru BK cannot see another's.
    page = client.get(reverse("records:report"), {"bulan": "2026-11", "konselor": world.gurubk_other.pk})
    assert page.context["report"].records == 1
    client.force_login(world.gurubk)
    page = client.get(reverse("records:report"), {"bulan": "2026-11", "konselor": world.gurubk_other.pk})
    assert page.context["report"].records == 2 and page.context["report"].counselor == world.gurubk
    # Nonsense periods fall back to this month rather than failing.
    for params in ({"bulan": "2026-13"}, {"bulan": "x"}, {"semester": "999999"}, {"semester": "-1"}):
        assert client.get(reverse("records:report"), params).status_code == 200


def pdf_text(data):
    """The PDF's text as pdftotext (poppler-utils, `make chromium` installs it) reads it."""
    result = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode()


@pytest.mark.django_db
def test_the_pdf_carries_the_letterhead_the_figures_and_the_signatories(client, dataset):
    world = dataset["world"]
    client.force_login(world.gurubk)
    response = client.get(reverse("records:report_pdf"), {"bulan": "2026-11"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    assert world.school.name in flat and "Jl. Merdeka 1, Kota Uji" in flat  # the kop surat
    assert "November 2026" in flat
    assert "Cara belajar" in flat and "Sesi chat" in flat  # the month's activities
    assert "Bergaul sehat" not in flat  # the coordinator's service is not in gurubk's report
    # Signed by the counselor with their NIP, acknowledged by the principal.
    assert world.gurubk.display_name in flat and "NIP 198801012010012001" in flat
    assert "Mengetahui," in flat and "Kepala Sekolah" in flat
    assert "Drs. Kepala Sekolah" in flat and "NIP 196501011990031001" in flat
    from ekonseling.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="export", detail__contains="(pdf)", actor=world.gurubk).exists()


@pytest.mark.django_db
def test_the_semester_pdf_gives_the_month_recap(client, dataset):
    world = dataset["world"]
    client.force_login(world.koordinator)
    response = client.get(reverse("records:report_pdf"), {"semester": dataset["semester"].pk})
    flat = " ".join(pdf_text(response.content).split())
    assert "Semester" in flat and "2026/2027" in flat and "Mengetahui," in flat
    assert world.koordinator.display_name in flat


@pytest.mark.django_db
def test_the_spreadsheet_has_the_figures_and_every_activity(client, dataset):
    world = dataset["world"]
    client.force_login(world.koordinator)
    response = client.get(reverse("records:report_xlsx"), {"bulan": "2026-11"})
    workbook = load_workbook(io.BytesIO(response.content))
    summary, activities = workbook.worksheets
    rows = [tuple(c for c in row) for row in summary.iter_rows(values_only=True)]
    assert any(row[:4] == (str(reports.ServiceType.BIMBINGAN_KLASIKAL.label), 1, 3, 45) for row in rows)
    listed = list(activities.iter_rows(values_only=True))[1:]
    assert len(listed) == 4 and [row[5] for row in listed] == [1, 3, 2, 1]
    # A topic typed like a formula stays text.
    cell = activities.cell(row=5, column=8)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


@pytest.mark.django_db
def test_the_report_runs_a_fixed_number_of_queries(client, dataset, django_assert_num_queries):
    world = dataset["world"]
    client.force_login(world.koordinator)
    client.get(reverse("records:report"), {"bulan": "2026-11"})  # warm caches (session, user)
    # 11: a page view inside the session's renew window saves no session (SESSION_RENEW_SECONDS).
    with django_assert_num_queries(11):
        client.get(reverse("records:report"), {"bulan": "2026-11"})
    for n in range(5):  # more records and students change nothing
        record(world, world.gurubk, [world.classmate, dataset["third"]], date=day(f"2026-11-1{n}"))
    with django_assert_num_queries(11):
        client.get(reverse("records:report"), {"bulan": "2026-11"})


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["gurubk", "koordinator", "kepsek", "siswa"])
def test_the_homes_run_a_fixed_number_of_queries(client, dataset, django_assert_num_queries, who):
    world = dataset["world"]
    user = getattr(world, who)
    client.force_login(user)
    client.get("/beranda/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get("/beranda/")
    for n in range(5):
        record(world, world.gurubk, [world.student, world.classmate], date=day(f"2026-11-1{n}"))
    with django_assert_num_queries(len(before)):
        client.get("/beranda/")
