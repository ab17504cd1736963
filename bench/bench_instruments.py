"""Instrument reports, 1,000 students × 225 items: group profile (goal < 1 s), xlsx export (< 5 s).

A checklist_heavy definition of the licensed AUM form's size (10 areas), one administration with
realistic random sheets stored encrypted as in production (written in bulk for speed).
"""

import json
import random
import statistics
import time
from datetime import timedelta

from django.utils import timezone

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.instruments import exports, reports, services
from ekonseling.instruments.models import Assignment
from ekonseling.students.models import AcademicYear, Rombel, Student

STUDENTS = 1000
AREAS = ["JDK", "DPI", "HSO", "EDK", "KDP", "PDP", "ANM", "HMM", "KHK", "WSG"]
ITEMS = 225
RUNS = 5


def definition():
    """A checklist_heavy definition of the licensed form's size: 225 items over 10 areas."""
    return {
        "schema": 1,
        "code": "AUM-BENCH",
        "version": "1",
        "title": "AUM bench (225 butir)",
        "school_levels": ["SMA"],
        "scoring": "checklist_heavy",
        "answer_format": "checklist_heavy",
        "areas": [{"code": code, "name": f"Area {code}"} for code in AREAS],
        "items": [
            {"number": n, "area": AREAS[(n - 1) * len(AREAS) // ITEMS], "text": f"Butir masalah nomor {n}"}
            for n in range(1, ITEMS + 1)
        ],
        "open_questions": [
            {"code": "lengkap", "text": "Sudah lengkap?", "type": "yes_no"},
            {"code": "masalah_lain", "text": "Masalah lain", "type": "text"},
            {
                "code": "bicara",
                "text": "Dengan siapa?",
                "type": "choice",
                "multiple": True,
                "choices": [{"code": c, "label": c} for c in ("guru_bk", "teman", "orang_tua", "tidak_ingin")],
            },
        ],
        "bands": [
            {"lower": 0, "upper": 20, "label": "A"},
            {"lower": 21, "upper": 40, "label": "B"},
            {"lower": 41, "upper": 60, "label": "C"},
            {"lower": 61, "upper": 80, "label": "D"},
            {"lower": 81, "upper": 100, "label": "E"},
        ],
        "critical_items": [17],
    }


def _sheet(rng):
    """Realistic answers: each student ticks 5–60 items (clustered in a few areas), a third of them heavy."""
    weights = [rng.random() ** 2 for _ in AREAS]
    ticked = sorted(
        n for n in range(1, ITEMS + 1) if rng.random() < weights[(n - 1) * len(AREAS) // ITEMS] * rng.uniform(0.1, 0.5)
    )
    heavy = [n for n in ticked if rng.random() < 0.3]
    doc = {"items": {str(n): True for n in ticked}, "heavy": heavy}
    if rng.random() < 0.9:
        doc["open"] = {
            "lengkap": rng.choice(["ya", "tidak"]),
            "bicara": rng.sample(["guru_bk", "teman", "orang_tua", "tidak_ingin"], rng.randint(1, 2)),
        }
        if rng.random() < 0.2:
            doc["open"]["masalah_lain"] = "Saya sering merasa lelah dan sulit membagi waktu antara les dan tugas."
    return json.dumps(doc, separators=(",", ":"))


def _setup():
    school = School.objects.create(name="SMA Bench Instrumen", slug="sma-bench-instrumen")
    year = AcademicYear.objects.create(
        school=school, name="2026/2027", starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(300)
    )
    koordinator = User.objects.create_user(
        "bench-instrumen-koordinator", password="x", school=school, role=Role.KOORDINATOR_BK
    )
    rombels = [Rombel.objects.create(school=school, academic_year=year, name=f"X-{i}", grade=10) for i in range(28)]
    Student.objects.bulk_create(
        [
            Student(school=school, nisn=f"9{n:09d}", name=f"Siswa {n:04d}", sex="LP"[n % 2], rombel=rombels[n % 28])
            for n in range(STUDENTS)
        ],
        batch_size=500,
    )
    instrument, _ = services.import_definition(school, json.dumps(definition()), "aum-bench.json", user=koordinator)
    now = timezone.now()
    administration = services.open_administration(
        instrument=instrument,
        title="AUM kelas X 2026",
        opens_at=now - timedelta(days=7),
        closes_at=now - timedelta(days=1),
        created_by=koordinator,
        rombels=rombels,
    )
    # Answers written in bulk, still through the encrypted field (as production stores them).
    rng = random.Random(7)
    sheets = list(Assignment.objects.filter(administration=administration))
    for sheet in sheets:
        sheet.answers = _sheet(rng)
        sheet.status = Assignment.Status.SUBMITTED
        sheet.revision = 1
        sheet.submitted_at = sheet.saved_at = sheet.started_at = now - timedelta(days=2)
    Assignment.objects.bulk_update(
        sheets, ["answers", "status", "revision", "submitted_at", "saved_at", "started_at"], batch_size=250
    )
    return administration


def _median(fn, runs=RUNS):
    """(median wall, max wall, median CPU) seconds: CPU time shows the work when the machine is busy."""
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
    administration = _setup()
    print(f"  setup: {STUDENTS} submitted sheets of {ITEMS} items written in {time.perf_counter() - started:.2f} s")

    def profile():
        # What the class profile page needs: figures and rankings, no per-student table.
        report = reports.group_report(administration, students=False)
        assert report.n == STUDENTS and report.table("item_ranking").rows

    def spreadsheet():
        report = reports.group_report(administration)
        return exports.group_xlsx(report)

    median, worst, cpu = _median(profile)
    print(
        f"  group profile + item ranking from the database: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms,"
        f" CPU {cpu * 1000:.0f} ms  (goal < 1000 ms; {STUDENTS} sheets, n={RUNS})",
        flush=True,
    )
    size = len(spreadsheet())
    median, worst, cpu = _median(spreadsheet, 3)
    print(
        f"  whole administration xlsx export: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms,"
        f" CPU {cpu * 1000:.0f} ms  (goal < 5000 ms; {size // 1024} KiB, n=3)",
        flush=True,
    )
    # Where the time goes, for whoever optimises next.
    definition_ = administration.instrument.definition
    with reports.collector_paused():  # as the reports run
        started = time.perf_counter()
        loaded = reports.load_sheets(administration)
        load = time.perf_counter() - started
        started = time.perf_counter()
        reports.score_sheets(definition_, loaded)
        score = time.perf_counter() - started
    print(f"  of which: load + decrypt + json {load * 1000:.0f} ms, individual scoring {score * 1000:.0f} ms")
