"""Service records for tests, written straight to the database (dates anywhere in time)."""

import datetime

from django.utils import timezone

from ekonseling.records import services
from ekonseling.records.models import Participation, ServiceRecord


def record(world, counselor, students=(), *, rombel=None, date=None, minutes=30, **fields):
    """A record with its participants; a rombel's students are its active students, as the action takes them."""
    fields.setdefault("service_type", "konseling_perorangan")
    fields.setdefault("bidang", "pribadi")
    fields.setdefault("medium", "tatap_muka")
    fields.setdefault("topic", "Topik uji")
    scope = "rombel" if rombel is not None else ("group" if len(students) > 1 else "student")
    made = ServiceRecord.objects.create(
        school=world.school,
        counselor=counselor,
        date=date or timezone.localdate(),
        duration_minutes=minutes,
        scope=scope,
        rombel=rombel,
        **fields,
    )
    members = list(rombel.students.filter(status="active")) if rombel is not None else list(students)
    Participation.objects.bulk_create([Participation(record=made, student=s, rombel_id=s.rombel_id) for s in members])
    return made


def data(students=(), **fields):
    """What the form hands the create action."""
    fields.setdefault("service_type", "konseling_perorangan")
    fields.setdefault("bidang", "pribadi")
    fields.setdefault("medium", "tatap_muka")
    fields.setdefault("date", timezone.localdate())
    fields.setdefault("duration_minutes", 30)
    fields.setdefault("scope", "student" if len(students) <= 1 else "group")
    fields.setdefault("topic", "Topik uji")
    return services.RecordData(students=list(students), **fields)


def day(text):
    return datetime.date.fromisoformat(text)
