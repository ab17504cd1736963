import datetime

import pytest
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.sociometry import services
from tests import factories


def stored_picks():
    """Every stored choice and rejection: (chooser id, criterion id, chosen id, rank, positive), decrypted."""
    from ekonseling.sociometry.models import Response

    return [(r.student_id, *p) for r in Response.objects.order_by("pk") for p in r.picks()]


NAMES = ["Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita"]  # numbered 1..7 by name


class SevenClass:
    """The hand-worked class of tests/sociometry/test_analysis.py as real rows: rombel X-S of
    `world`, counselled by world.gurubk; Ahmad (A) has a student account."""

    def __init__(self, world, *, rejections=1, answered=True, opens_at=None, closes_at=None):
        self.world = world
        self.rombel = factories.rombel(world.school, name="X-S", counselors=[world.gurubk])
        self.students = [
            factories.student(world.school, rombel=self.rombel, name=name, sex="L" if i % 2 == 0 else "P")
            for i, name in enumerate(NAMES)
        ]
        self.account = factories.user(world.school, Role.SISWA)
        self.students[0].user = self.account
        self.students[0].save(update_fields=["user"])
        now = timezone.now()
        self.survey = services.open_survey(
            rombel=self.rombel,
            title="Sosiometri X-S",
            criteria=[("belajar", "")],
            opens_at=opens_at or now - datetime.timedelta(hours=1),
            closes_at=closes_at or now + datetime.timedelta(days=1),
            created_by=world.gurubk,
            choices=3,
            rejections=rejections,
        )
        self.criterion = self.survey.criteria.get()
        if answered:
            self.answer_all()

    def s(self, letter):
        return self.students["ABCDEFG".index(letter)]

    def answer(self, letter, chosen, rejected=""):
        return services.submit(
            self.survey,
            self.s(letter),
            {
                self.criterion.pk: services.CriterionAnswer(
                    [self.s(c).pk for c in chosen], [self.s(c).pk for c in rejected]
                )
            },
            by=self.world.gurubk,
            source="paper",
        )

    def answer_all(self, skip=""):
        spec = {
            "A": ("BCD", "F"),
            "B": ("ACE", "F"),
            "C": ("ABD", "F"),
            "D": ("CAB", ""),
            "E": ("BAD", "F"),
            "G": ("ACB", ""),
        }
        for letter, (chosen, rejected) in spec.items():
            if letter not in skip:
                self.answer(letter, chosen, rejected)


@pytest.fixture
def seven(world):
    return SevenClass(world)
