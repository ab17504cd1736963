"""Sociometry: one rombel of 40 analysed and drawn (goal < 50 ms); a school of 1,200 in 36 rombel (< 2 s).

Three choices and one rejection per student and criterion, two criteria, chosen at random with a
few popular students (written in bulk for speed). "Analysed and drawn" is the counselor's page's
work: load the survey's choices, the analysis of every criterion, the target layout and the SVG.
"""

import random
import statistics
import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import School
from ekonseling.sociometry import analysis, services, sociogram
from ekonseling.sociometry.models import Criterion, Member, Response, StoredPick, Survey, encode_picks
from ekonseling.students.models import AcademicYear, Rombel, Student

RUNS = 7


def _school(name, rombels, per_rombel, rng):
    school = School.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    year = AcademicYear.objects.create(
        school=school, name="2026/2027", starts_on="2026-07-13", ends_on="2027-06-30", is_current=True
    )
    counselor = User.objects.create(username=f"bk-{school.pk}", school=school, role=Role.GURU_BK)
    now = timezone.now()
    surveys = []
    for r in range(rombels):
        rombel = Rombel.objects.create(school=school, academic_year=year, name=f"R-{r + 1}", grade=10 + r % 3)
        rombel.counselors.add(counselor)
        students = Student.objects.bulk_create(
            Student(
                school=school,
                rombel=rombel,
                nisn=f"{school.pk:03d}{r:03d}{i:04d}",
                name=f"Siswa {r + 1}-{i + 1}",
                sex="L" if i % 2 else "P",
            )
            for i in range(per_rombel)
        )
        students = list(Student.objects.filter(rombel=rombel).order_by("name"))
        survey = Survey.objects.create(
            school=school,
            rombel=rombel,
            title=f"Sosiometri {rombel.name}",
            choices=3,
            rejections=1,
            opens_at=now - timedelta(days=7),
            closes_at=now - timedelta(days=1),
            created_by=counselor,
        )
        criteria = Criterion.objects.bulk_create(
            [
                Criterion(survey=survey, order=1, kind="belajar", question="Belajar"),
                Criterion(survey=survey, order=2, kind="bermain", question="Bermain"),
            ]
        )
        criteria = list(survey.criteria.all())
        Member.objects.bulk_create(Member(survey=survey, student=s, number=i + 1) for i, s in enumerate(students))
        popular = [s.pk for s in rng.sample(students, 4)]
        responses = []
        for s in students:
            picks = []
            for criterion in criteria:
                others = [o.pk for o in students if o.pk != s.pk]
                weights = [5 if o in popular else 1 for o in others]
                picked = []
                while len(picked) < 3:
                    pk = rng.choices(others, weights)[0]
                    if pk not in picked:
                        picked.append(pk)
                rejected = rng.choice([o for o in others if o not in picked])
                picks += [StoredPick(criterion.pk, pk, i + 1, True) for i, pk in enumerate(picked)]
                picks.append(StoredPick(criterion.pk, rejected, 1, False))
            # Encrypted as the app stores them (Response.answers).
            responses.append(Response(survey=survey, student=s, submitted_at=now, answers=encode_picks(picks)))
        Response.objects.bulk_create(responses, batch_size=500)
        surveys.append(survey)
    return surveys


def _page(survey):
    """What the analysis page computes: every criterion analysed, the first drawn."""
    data = services.analyse(survey)
    return sociogram.svg(sociogram.layout(data.results[0]))


def _timed(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def run():
    rng = random.Random(17)
    [rombel40] = _school("Bench Sosiometri 40", 1, 40, rng)
    members = [analysis.Member(m.student_id, m.student.name, m.student.sex, m.number) for m in rombel40.members.all()]
    first = rombel40.criteria.get(order=1).pk
    picks = [
        analysis.Pick(r.student_id, p.chosen_id, p.rank, p.positive)
        for r in rombel40.responses.all()
        for p in r.picks()
        if p.criterion_id == first
    ]

    def pure():
        result = analysis.analyse(members, picks, 3, rejections=1)
        return sociogram.svg(sociogram.layout(result))

    median, low, high = _timed(pure)
    print(
        f"  one rombel of 40, analysis + layout + SVG (pure, one criterion): median {median * 1000:.1f} ms "
        f"(min {low * 1000:.1f}, max {high * 1000:.1f}; goal < 50 ms)"
    )
    median, low, high = _timed(lambda: _page(rombel40))
    print(
        f"  one rombel of 40, from the database (two criteria analysed, one drawn): median {median * 1000:.1f} ms "
        f"(min {low * 1000:.1f}, max {high * 1000:.1f}; goal < 50 ms)"
    )
    svg = _page(rombel40)
    print(f"  the SVG of 40: {len(svg) / 1024:.0f} kB")

    started = time.perf_counter()
    school = _school("Bench Sosiometri Sekolah", 36, 1200 // 36 + (1 if 1200 % 36 else 0), rng)
    students = Member.objects.filter(survey__in=school).count()
    print(
        f"  setup: a school of {students} students in {len(school)} rombel, two criteria each, "
        f"in {time.perf_counter() - started:.1f} s"
    )

    def whole_school():
        for data in services.analyse_many(school).values():
            for result in data.results:
                sociogram.svg(sociogram.layout(result))

    median, low, high = _timed(whole_school, runs=3)
    print(
        f"  the whole school analysed (three queries, choices decrypted) and every criterion drawn: "
        f"median {median:.2f} s (min {low:.2f}, max {high:.2f}; goal < 2 s)"
    )

    def flags():
        counselor = school[0].created_by
        visible = Survey.objects.filter(rombel__counselors=counselor)
        return [services.flags(d) for d in services.analyse_many(services.latest_surveys(visible)).values()]

    median, low, high = _timed(flags, runs=3)
    print(f"  the counselor's home card for 36 rombel (flags of every latest survey): median {median:.2f} s")

    def card():
        counselor = school[0].created_by
        visible = Survey.objects.filter(rombel__counselors=counselor)
        return services.home_flags(services.latest_surveys(visible), limit=30)

    def cold():
        cache.clear()
        return card()

    median, low, high = _timed(cold, runs=3)
    print(f"  the home card's flags, cache empty (services.home_flags): median {median * 1000:.0f} ms")
    card()
    median, low, high = _timed(card, runs=20)
    print(
        f"  the home card's flags, cached (fingerprint + names, no analysis): median {median * 1000:.1f} ms "
        f"(min {low * 1000:.1f}, max {high * 1000:.1f})"
    )

    started = time.perf_counter()
    raised = services.sweep_alerts()
    print(
        f"  the alert sweep over {len(school) + 1} closed surveys (analysed, ditolak raised as alerts): "
        f"{raised} alerts in {time.perf_counter() - started:.2f} s; again with nothing due: "
        f"{_timed(services.sweep_alerts, runs=3)[0] * 1000:.1f} ms"
    )
