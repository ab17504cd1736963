"""The demo school that `make run` loads. Idempotent: a second load changes nothing.

The kernel creates the school; each app adds its part through the demo loader it registered
(`core.registry.register_demo`), in order: accounts, students, counseling, instruments, ...
"""

import random
from dataclasses import dataclass, field

from django.db import transaction

from . import registry
from .models import School

DEMO_PASSWORD = "bk-demo-2026"
SCHOOL_SLUG = "sman1-harapan"


@dataclass
class Demo:
    """What the loaders share: the school, the demo accounts by username, a seeded generator."""

    school: School
    created: bool
    users: dict = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(20262027))


def demo_logins():
    """(username, password, role label) for the README and `make run`."""
    return [login for loader in registry.demo_loaders() if loader.logins for login in loader.logins()]


@transaction.atomic
def load():
    school, created = School.objects.get_or_create(
        slug=SCHOOL_SLUG,
        defaults=dict(
            name="SMA Negeri 1 Harapan (demo)",
            npsn="20200001",
            level=School.Level.SMA,
            address="Jl. Pendidikan No. 1",
            city="Kota Bandung",
            province="Jawa Barat",
            phone="(022) 000000",
            headmaster_name="Drs. H. Suharto, M.M.",
        ),
    )
    demo = Demo(school, created)
    for loader in registry.demo_loaders():
        loader.load(demo)
    return school
