"""Service records: recording (from a conversation in one step, or a session held elsewhere),
who may read and change them, encrypted and audited notes, the list and the student page."""

import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ekonseling.core.models import AuditEvent
from ekonseling.counseling import letters
from ekonseling.counseling import services as counseling
from ekonseling.records import services
from ekonseling.records.models import ServiceRecord
from tests import factories

from .helpers import data, record


def _chat(world, text="Bu, saya mau cerita soal teman."):
    conversation = counseling.start_conversation(world.student)
    counseling.post_messages([counseling.Draft(conversation.pk, world.siswa, uuid.uuid4(), text)])
    conversation.refresh_from_db()
    return conversation


def _form(student_pk, **fields):
    form = {
        "service_type": "konseling_perorangan",
        "bidang": "sosial",
        "medium": "tatap_muka",
        "date": timezone.localdate().isoformat(),
        "duration_minutes": "40",
        "scope": "student",
        "student": str(student_pk),
        "topic": "Masalah pertemanan",
        "description": "Siswa bercerita diejek di grup kelas.",
        "result": "Sepakat bertemu lagi.",
        "follow_up": "Hubungi wali kelas.",
    }
    form.update(fields)
    return form


@pytest.mark.django_db
def test_a_claimed_chat_becomes_a_record_in_one_step_linked_not_copied(client, world):
    chat = _chat(world, "Rahasia: saya diejek terus di grup.")
    counseling.claim(chat, world.gurubk)
    client.force_login(world.gurubk)

    page = client.get(reverse("counseling:conversation", args=[chat.pk])).content.decode()
    assert f'href="/layanan/baru/?percakapan={chat.pk}"' in page

    form = client.get(f"/layanan/baru/?percakapan={chat.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["medium"] == "chat"
    assert form.context["form"].initial["student"] == world.student.pk
    assert form.context["form"].initial["scope"] == "student"

    response = client.post("/layanan/baru/", {**_form(world.student.pk, medium="chat"), "percakapan": str(chat.pk)})
    made = ServiceRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("records:detail", args=[made.pk])
    assert made.conversation_id == chat.pk and made.medium == "chat" and made.counselor == world.gurubk
    assert list(made.participations.values_list("student_id", flat=True)) == [world.student.pk]
    # Linked, not copied: nothing of the conversation's messages is in the record.
    assert all("diejek terus" not in getattr(made, f) for f in ("topic", "description", "result", "follow_up"))
    detail = client.get(reverse("records:detail", args=[made.pk])).content.decode()
    assert reverse("counseling:conversation", args=[chat.pk]) in detail


@pytest.mark.django_db
def test_a_letter_is_recorded_as_a_letter(client, world):
    letter = letters.start_letter(
        world.student, world.siswa, subject="Jurusan", body="Bu, saya bingung.", client_key=uuid.uuid4()
    ).conversation
    counseling.claim(letter, world.gurubk)
    client.force_login(world.gurubk)
    form = client.get(f"/layanan/baru/?percakapan={letter.pk}")
    assert form.context["form"].initial["medium"] == "surat"


@pytest.mark.django_db
def test_an_anonymous_question_or_a_colleagues_chat_cannot_be_recorded(client, world):
    question = letters.start_question(world.student, world.siswa, body="Boleh tanya?", client_key=uuid.uuid4())
    counseling.claim(question.conversation, world.gurubk)
    client.force_login(world.gurubk)
    assert client.get(f"/layanan/baru/?percakapan={question.conversation.pk}").status_code == 404
    page = client.get(reverse("counseling:conversation", args=[question.conversation.pk])).content.decode()
    assert "/layanan/baru/" not in page
    # A chat another counselor handles: not gurubk's to record.
    chat = _chat(world)
    counseling.claim(chat, world.koordinator)
    assert client.get(f"/layanan/baru/?percakapan={chat.pk}").status_code == 404
    with pytest.raises(services.RecordError) as refused:
        services.create_record(world.gurubk, data([world.student], conversation=chat))
    assert refused.value.code == "records.conversation"


@pytest.mark.django_db
def test_the_student_does_not_see_the_record_button(client, world):
    chat = _chat(world)
    counseling.claim(chat, world.gurubk)
    client.force_login(world.siswa)
    assert "/layanan/baru/" not in client.get(reverse("counseling:conversation", args=[chat.pk])).content.decode()


@pytest.mark.django_db
def test_a_session_held_outside_the_app_is_recorded_with_its_medium(client, world):
    client.force_login(world.gurubk)
    response = client.post("/layanan/baru/", _form(world.student.pk, medium="medsos"))
    assert response.status_code == 302
    made = ServiceRecord.objects.get()
    assert made.medium == "medsos" and made.conversation is None and made.duration_minutes == 40
    event = AuditEvent.objects.get(action="create", object_id=str(made.pk))
    assert event.detail == "service recorded: konseling_perorangan, 1 students"


@pytest.mark.django_db
def test_a_guru_bk_records_only_for_students_they_serve(client, world):
    with pytest.raises(services.RecordError) as refused:
        services.create_record(world.gurubk, data([world.other_student]))
    assert refused.value.code == "records.not_yours"
    with pytest.raises(services.RecordError):
        services.create_record(world.gurubk, data(rombel=world.rombel_b, scope="rombel"))
    client.force_login(world.gurubk)
    response = client.post("/layanan/baru/", _form(world.other_student.pk))
    assert response.status_code == 200 and not ServiceRecord.objects.exists()  # not among the choices
    # The coordinator records for any student of the school.
    assert services.create_record(world.koordinator, data([world.other_student])).pk


@pytest.mark.django_db
def test_wrong_input_is_refused_without_a_row(client, world):
    client.force_login(world.gurubk)
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    for bad in (
        {"date": tomorrow},
        {"duration_minutes": "0"},
        {"duration_minutes": "100000"},
        {"scope": "group", "group": [str(world.student.pk)]},
        {"scope": "rombel", "rombel": ""},
        {"service_type": "sulap"},
        {"topic": ""},
    ):
        response = client.post("/layanan/baru/", _form(world.student.pk, **bad))
        assert response.status_code == 200, bad
    assert not ServiceRecord.objects.exists()
    with pytest.raises(services.RecordError) as refused:
        services.create_record(world.gurubk, data([world.student], date=timezone.localdate() + timezone.timedelta(1)))
    assert refused.value.code == "records.future"


@pytest.mark.django_db
def test_a_rombel_service_counts_the_rombels_active_students_of_the_day(world):
    left = factories.student(world.school, rombel=world.rombel_a, status="left")
    made = services.create_record(
        world.gurubk, data(scope="rombel", rombel=world.rombel_a, service_type="bimbingan_klasikal")
    )
    members = set(made.participations.values_list("student_id", flat=True))
    assert members == {world.student.pk, world.classmate.pk} and left.pk not in members
    assert set(made.participations.values_list("rombel_id", flat=True)) == {world.rombel_a.pk}


@pytest.mark.django_db
def test_the_notes_are_encrypted_at_rest_and_every_read_is_audited(client, world):
    made = services.create_record(world.gurubk, data([world.student], description="Rahasia keluarga Budi"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM records_servicerecord WHERE id = %s", [made.pk])
        assert "Rahasia" not in cursor.fetchone()[0]
    client.force_login(world.koordinator)
    page = client.get(reverse("records:detail", args=[made.pk])).content.decode()
    assert "Rahasia keluarga Budi" in page
    read = AuditEvent.objects.get(action="read", object_id=str(made.pk))
    assert read.actor == world.koordinator and read.detail == "description, result, follow_up"


@pytest.mark.django_db
def test_only_the_author_or_the_coordinator_changes_a_record(client, world):
    made = services.create_record(world.koordinator, data([world.student]))
    with pytest.raises(services.RecordError):
        services.update_record(world.gurubk, made, data([world.student], topic="Diubah"))
    client.force_login(world.gurubk)
    assert client.get(reverse("records:detail", args=[made.pk])).status_code == 200  # gurubk's caseload
    assert client.get(reverse("records:edit", args=[made.pk])).status_code == 404
    own = services.create_record(world.gurubk, data([world.student]))
    response = client.post(
        reverse("records:edit", args=[own.pk]),
        _form(
            world.student.pk, scope="group", group=[str(world.student.pk), str(world.classmate.pk)], topic="Kelompok"
        ),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.scope == "group" and own.topic == "Kelompok" and own.participations.count() == 2


@pytest.mark.django_db
def test_the_list_shows_what_the_counselor_may_read_and_filters(client, world):
    mine = record(world, world.gurubk, [world.student], topic="Punyaku", service_type="konsultasi")
    caseload = record(world, world.koordinator, [world.classmate], topic="Siswaku", medium="telepon")
    colleague = record(world, world.gurubk_other, [world.other_student], topic="Bukan urusanku")
    client.force_login(world.gurubk)
    page = client.get(reverse("records:list")).content.decode()
    assert "Punyaku" in page and "Siswaku" in page and "Bukan urusanku" not in page
    filtered = client.get(reverse("records:list"), {"media": "telepon"}).content.decode()
    assert "Siswaku" in filtered and "Punyaku" not in filtered
    client.force_login(world.koordinator)
    page = client.get(reverse("records:list"), {"konselor": world.gurubk_other.pk}).content.decode()
    assert "Bukan urusanku" in page and "Punyaku" not in page
    assert {mine.pk, caseload.pk, colleague.pk}


@pytest.mark.django_db
def test_the_student_page_lists_the_services_the_viewer_may_read(client, world):
    record(world, world.gurubk, [world.student], topic="Sesi gurubk")
    record(world, world.koordinator, [world.student, world.other_student], topic="Kelompok campur")
    client.force_login(world.gurubk)
    page = client.get(reverse("students:detail", args=[world.student.pk])).content.decode()
    assert 'data-testid="student-services"' in page and "Sesi gurubk" in page and "Kelompok campur" in page
    client.force_login(world.gurubk_other)
    page = client.get(reverse("students:detail", args=[world.other_student.pk])).content.decode()
    # gurubk_other serves other_student: the mixed group is theirs to read, gurubk's session is not listed.
    assert "Kelompok campur" in page and "Sesi gurubk" not in page
    client.force_login(world.walikelas)
    page = client.get(reverse("students:detail", args=[world.student.pk])).content.decode()
    assert 'data-testid="student-services"' not in page and "Sesi gurubk" not in page


@pytest.mark.django_db
def test_the_home_shows_the_counselors_services_card(client, world):
    client.force_login(world.gurubk)
    assert 'data-testid="services-card"' in client.get("/beranda/").content.decode()
    for user in (world.walikelas, world.operator, world.siswa, world.kepsek):
        client.force_login(user)
        assert 'data-testid="services-card"' not in client.get("/beranda/").content.decode()


@pytest.mark.django_db
def test_the_date_field_holds_an_iso_date_a_date_input_accepts(client, world):
    """A browser's <input type=date> shows nothing for "03/12/2026" and then the form is refused."""
    client.force_login(world.gurubk)
    page = client.get("/layanan/baru/").content.decode()
    assert f'type="date" name="date" value="{timezone.localdate().isoformat()}"' in page


@pytest.mark.django_db
def test_a_conversation_transferred_from_outside_the_caseload_can_be_recorded(world):
    chat = counseling.start_conversation(world.other_student)
    counseling.claim(chat, world.koordinator)
    counseling.transfer(chat, world.koordinator, world.gurubk)
    chat.refresh_from_db()
    made = services.create_record(world.gurubk, data([world.other_student], conversation=chat, medium="chat"))
    assert made.conversation == chat
    # Without the conversation, the same student is not gurubk's to record.
    with pytest.raises(services.RecordError):
        services.create_record(world.gurubk, data([world.other_student]))
