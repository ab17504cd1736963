"""Service reports of 3 counselors, 1,000 students, 5,000 records: semester report + PDF (goal < 1 s).

Also the monthly report with its activity list, and the semester spreadsheet.

Records are written in bulk (as the demo does): a realistic mix of rombel services (classical
guidance, ~36 students each), groups of 3-8 and individual sessions, over one semester.
"""

import datetime
import random
import statistics
import time

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.records import exports, reports
from ekonseling.records.models import Participation, Scope, ServiceRecord, ServiceType
from ekonseling.students.models import AcademicYear, Rombel, Semester, Student

STUDENTS = 1000
RECORDS = 5000
COUNSELORS = 3
RUNS = 5


def _setup():
    school = School.objects.create(
        name="SMA Bench Layanan", slug="sma-bench-layanan", address="Jl. Uji 1", city="Kota Uji", headmaster_nip="1"
    )
    year = AcademicYear.objects.create(
        school=school, name="2026/2027", starts_on=datetime.date(2026, 7, 13), ends_on=datetime.date(2027, 6, 30)
    )
    semester = Semester.objects.create(
        academic_year=year, number=1, starts_on=datetime.date(2026, 7, 13), ends_on=datetime.date(2026, 12, 19)
    )
    counselors = [
        User.objects.create_user(
            f"bench-layanan-{n}", password="x", school=school, role=Role.GURU_BK, full_name=f"Guru BK {n}", nip="1988"
        )
        for n in range(COUNSELORS)
    ]
    rombels = [Rombel.objects.create(school=school, academic_year=year, name=f"X-{i}", grade=10) for i in range(28)]
    for i, rombel in enumerate(rombels):
        rombel.counselors.add(counselors[i % COUNSELORS])
    Student.objects.bulk_create(
        [
            Student(school=school, nisn=f"8{n:09d}", name=f"Siswa {n:04d}", sex="LP"[n % 2], rombel=rombels[n % 28])
            for n in range(STUDENTS)
        ],
        batch_size=500,
    )
    by_rombel = {}
    for pk, rombel_id in Student.objects.filter(school=school).values_list("pk", "rombel_id"):
        by_rombel.setdefault(rombel_id, []).append(pk)
    rng = random.Random(11)
    days = (semester.ends_on - semester.starts_on).days
    records, members = [], []
    types = ServiceType.values
    for _n in range(RECORDS):
        rombel = rng.choice(rombels)
        kind = rng.random()
        scope = Scope.ROMBEL if kind < 0.15 else Scope.GROUP if kind < 0.35 else Scope.STUDENT
        students = (
            by_rombel[rombel.pk]
            if scope == Scope.ROMBEL
            else rng.sample(by_rombel[rombel.pk], rng.randint(3, 8) if scope == Scope.GROUP else 1)
        )
        records.append(
            ServiceRecord(
                school=school,
                counselor=counselors[rombels.index(rombel) % COUNSELORS],
                service_type="bimbingan_klasikal" if scope == Scope.ROMBEL else rng.choice(types),
                bidang=rng.choice(["pribadi", "sosial", "belajar", "karier"]),
                medium=rng.choice(["tatap_muka", "tatap_muka", "chat", "telepon", "medsos"]),
                date=semester.starts_on + datetime.timedelta(days=rng.randrange(days)),
                duration_minutes=rng.choice([20, 30, 45, 60]),
                scope=scope,
                rombel=rombel if scope == Scope.ROMBEL else None,
                topic=f"Topik layanan {_n}",
                description="Catatan terenkripsi",
            )
        )
        members.append((students, rombel.pk))
    ServiceRecord.objects.bulk_create(records, batch_size=500)
    Participation.objects.bulk_create(
        [
            Participation(record=r, student_id=s, rombel_id=rid)
            for r, (ss, rid) in zip(records, members, strict=True)
            for s in ss
        ],
        batch_size=2000,
    )
    return school, semester, counselors[0]


def _median(fn, runs=RUNS):
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def run():
    started = time.perf_counter()
    school, semester, signatory = _setup()
    participations = Participation.objects.filter(record__school=school).count()
    print(
        f"  setup: {RECORDS} records ({participations} participations) of {STUDENTS} students written in"
        f" {time.perf_counter() - started:.2f} s"
    )
    period = reports.semester_period(semester)

    def semester_report():
        report = reports.build_report(school, period)
        assert report.records == RECORDS
        return exports.report_pdf(report, signatory)

    size = len(semester_report())
    median, worst, cpu = _median(semester_report)
    print(
        f"  semester report + PDF, whole school: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms,"
        f" CPU {cpu * 1000:.0f} ms  (goal < 1000 ms; {size // 1024} KiB, n={RUNS})",
        flush=True,
    )
    month = reports.month_period(2026, 10)

    def monthly():
        return exports.report_pdf(reports.build_report(school, month), signatory)

    median, worst, cpu = _median(monthly, 3)
    print(f"  monthly report + PDF with every activity: median {median * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (n=3)")

    def spreadsheet():
        return exports.report_xlsx(reports.build_report(school, period))

    median, worst, cpu = _median(spreadsheet, 3)
    print(f"  semester xlsx with every activity: median {median * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (n=3)")
    started = time.perf_counter()
    report = reports.build_report(school, period)
    figures = time.perf_counter() - started
    started = time.perf_counter()
    exports.report_pdf(report, signatory)
    print(f"  of which: figures {figures * 1000:.0f} ms, PDF {(time.perf_counter() - started) * 1000:.0f} ms")
