"""The demo school's sociometry: X-1 has two completed surveys (the start of the semester and last
week, for the comparison over time), each with a study and a play criterion, three choices and one
rejection; and a third survey open now, which `siswa` has not answered yet. The class has friend
groups, two stars, two students nobody chooses and one whom several reject, so `make run` shows
every category on the sociogram. Answers go through `services.submit`, typed from paper by gurubk.
The rejected student of the November survey is a sociometry alert waiting for gurubk.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from ekonseling.core import registry
from ekonseling.students.models import Rombel, Student

from . import services
from .models import Criterion, Response, Survey


def synthetic_answers(students, criteria, rng: random.Random, choices: int = 3, rejections: int = 1, drift: int = 0):
    """{student: {criterion id: CriterionAnswer}} for a class with structure: groups of four by
    sex, two popular students, two whom nobody picks, one often rejected. `drift` reshuffles a
    few friendships (a later survey)."""
    ids = [s.pk for s in students]
    sex = {s.pk: s.sex for s in students}
    n = len(ids)
    stars = set(ids[2:3] + ids[n // 2 : n // 2 + 1])
    isolates = set(ids[-2:]) if drift == 0 else {ids[-1]}
    rejected = ids[-3] if n > 5 else None
    group = {pk: (i + drift * (i % 3 == 0)) // 4 for i, pk in enumerate(ids)}
    answers = {}
    for s in students:
        per = {}
        for criterion in criteria:
            weights = []
            for other in ids:
                if other == s.pk or other in isolates:
                    weights.append(0.0)
                    continue
                w = 1.0
                w *= 6 if group[other] == group[s.pk] else 1
                w *= 2.5 if sex[other] == sex[s.pk] else 1
                w *= 4 if other in stars else 1
                w *= 0.3 if other == rejected else 1
                if criterion.kind == Criterion.Kind.PLAY:
                    w *= 1.5 if sex[other] == sex[s.pk] else 0.6
                weights.append(w)
            chosen = []
            pool = list(zip(ids, weights, strict=True))
            for _rank in range(choices):
                total = sum(w for _pk, w in pool)
                if total <= 0:
                    break
                x = rng.uniform(0, total)
                for i, (pk, w) in enumerate(pool):
                    x -= w
                    if x <= 0 and w > 0:
                        chosen.append(pk)
                        pool[i] = (pk, 0.0)
                        break
            rejected_list = []
            if (
                rejections
                and rejected is not None
                and rejected != s.pk
                and rejected not in chosen
                and rng.random() < 0.45
            ):
                rejected_list = [rejected]
            per[criterion.pk] = services.CriterionAnswer(chosen, rejected_list)
        answers[s.pk] = per
    return answers


def load(demo):
    school, users = demo.school, demo.users
    if Survey.objects.filter(school=school).exists():
        return
    rombel = Rombel.objects.filter(school=school, name="X-1", academic_year__is_current=True).first()
    if rombel is None or "gurubk" not in users:
        return
    rng = random.Random(2026_1203)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    criteria = [(Criterion.Kind.STUDY, ""), (Criterion.Kind.PLAY, "")]

    def complete(title, opens_at, closes_at, drift, skip):
        survey = services.open_survey(
            rombel=rombel,
            title=title,
            criteria=criteria,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=users["gurubk"],
            choices=3,
            rejections=1,
        )
        students = [m.student for m in survey.members.select_related("student").order_by("number")]
        answers = synthetic_answers(students, list(survey.criteria.all()), rng, drift=drift)
        for index, student in enumerate(students):
            if index in skip:
                continue
            when = opens_at + datetime.timedelta(hours=rng.randrange(1, 48))
            services.submit(
                survey, student, answers[student.pk], by=users["gurubk"], source=Response.Source.PAPER, now=when
            )
        return survey

    complete("Sosiometri X-1 awal semester", now - 70 * day, now - 63 * day, drift=0, skip={5})
    complete("Sosiometri X-1 November", now - 10 * day, now - 3 * day, drift=1, skip=set())
    open_now = services.open_survey(
        rombel=rombel,
        title="Sosiometri X-1 kerja kelompok",
        criteria=[(Criterion.Kind.GROUP_WORK, "")],
        opens_at=now - day,
        closes_at=now + 6 * day,
        created_by=users["gurubk"],
    )
    students = [m.student for m in open_now.members.select_related("student").order_by("number")]
    answers = synthetic_answers(students, list(open_now.criteria.all()), rng, rejections=0)
    siswa = Student.objects.filter(school=school, user__username="siswa").first()
    for student in students[:9]:
        if siswa is not None and student.pk == siswa.pk:
            continue
        services.submit(open_now, student, answers[student.pk], by=users["gurubk"], source=Response.Source.PAPER)
    # The November survey's rejected student reaches gurubk (and the koordinator) as a safety alert
    # to follow up, as the periodic sweep would raise it on a running server.
    services.sweep_alerts()


registry.register_demo("sociometry", load, order=60)
