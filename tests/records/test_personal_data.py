"""Service records in the UU PDP export and erasure."""

import pytest

from ekonseling.core import personal_data
from ekonseling.records import services
from ekonseling.records.models import Laiseg, Participation, ServiceRecord
from ekonseling.students import records as student_records

from .helpers import data


@pytest.mark.django_db
def test_the_export_lists_the_students_services_and_laiseg_never_the_notes(world):
    made = services.create_record(
        world.gurubk, data([world.student], topic="Sesi pertama", description="Catatan konselor", ask_laiseg=True)
    )
    services.answer_laiseg(
        world.siswa, made.laisegs.get(), {"understanding": 3, "comfort": 4, "action": 2}, "Rencanaku"
    )
    exported = personal_data.export(world.student)
    entry = exported["service_records"][0]
    assert entry["topic"] == "Sesi pertama" and entry["counselor"] == world.gurubk.display_name
    assert entry["laiseg"]["plan"] == "Rencanaku" and entry["laiseg"]["comfort"] == 4
    assert "Catatan konselor" not in str(exported)
    assert exported["complete"] is True
    # The operator may not read counseling: the section is left out, and the file says so.
    by_operator = personal_data.export(world.student, world.operator)
    assert by_operator["service_records"] is None and "service_records" in by_operator["omitted"]


@pytest.mark.django_db
def test_erasure_removes_the_students_own_services_and_scrubs_the_groups(world):
    alone = services.create_record(world.gurubk, data([world.student], description="Tentang dia"))
    group = services.create_record(
        world.gurubk,
        data(
            [world.student, world.classmate],
            description=f"{world.student.name} dan {world.classmate.name} berdebat.",
            ask_laiseg=True,
        ),
    )
    request = student_records.request_deletion(world.student, world.koordinator, "Permintaan orang tua")
    student_records.carry_out_deletion(request, world.operator)
    assert not ServiceRecord.objects.filter(pk=alone.pk).exists()
    group.refresh_from_db()
    assert world.student.name not in group.description and world.classmate.name in group.description
    assert "[dihapus]" in group.description
    assert list(Participation.objects.filter(record=group).values_list("student_id", flat=True)) == [world.classmate.pk]
    assert not Laiseg.objects.filter(student_id=world.student.pk).exists()
