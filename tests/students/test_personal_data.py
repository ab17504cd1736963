"""The UU PDP export holds everything the student wrote or answered, and the results they may see,
gathered from every app's registered contributor; and nothing of another student's."""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from ekonseling.core import demo
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import letters
from ekonseling.counseling.models import Attachment, Conversation, ConversationEvent, Message
from ekonseling.instruments import personal_data as instrument_data
from ekonseling.instruments import services as instrument_services
from ekonseling.instruments.models import Assignment
from ekonseling.students import records
from ekonseling.students.models import Student


def download(client, user, student):
    client.force_login(user)
    response = client.get(f"/siswa/{student.pk}/data-pribadi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content.decode("utf-8")), response.content.decode("utf-8")


# --- defect 2, on the demo school ----------------------------------------------------------------------------


def test_the_demo_students_export_has_their_four_messages_and_both_sheets(client, db):
    """Before the contributors the file had 17 keys, none of the 4 messages or 2 sheets, and said complete."""
    demo.load()
    student = Student.objects.select_related("user").get(user__username="siswa")
    messages = list(Message.objects.filter(conversation__student=student).order_by("conversation", "seq"))
    sheets = list(Assignment.objects.filter(student=student).order_by("administration__opens_at", "pk"))
    # what the demo promises: the AUM being filled in, this year's AKPD and last year's (issue 14: a cohort)
    assert (len(messages), len(sheets)) == (4, 3)

    data, raw = download(client, student.user, student)

    exported = [m for c in data["counseling"]["chats"] for m in c["messages"]]
    assert [m["body"] for m in exported] == [m.body for m in messages]
    assert [m["from"] for m in exported] == [m.sender_role for m in messages]
    assert len(data["instrument_sheets"]) == 3
    for sheet, exported_sheet in zip(sheets, data["instrument_sheets"], strict=True):
        assert exported_sheet["administration"]["title"] == sheet.administration.title
        given = {int(k): v for k, v in sheet.answer_data().get("items", {}).items()}
        assert {row["number"]: row["answer"] for row in exported_sheet["answers"]["items"]} == given
        assert given  # the demo sheets have answers
    assert (data["complete"], data["omitted"]) == (True, [])
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.actor, event.object_id) == (student.user, str(student.pk))

    # Nothing of the demo's other students: their chats, letters and questions.
    others = Message.objects.exclude(conversation__student=student)
    assert others.count() >= 3
    for message in others:
        assert json.dumps(message.body, ensure_ascii=False)[1:-1] not in raw
    for other in Student.objects.exclude(pk=student.pk).filter(rombel=student.rombel):
        assert other.nisn not in raw


# --- counseling --------------------------------------------------------------------------------------------


def chat(student, *bodies, counselor=None):
    """A chat with `bodies` alternately from the student and the counselor, stored as the store does."""
    conversation = Conversation.objects.create(
        school=student.school, student=student, counselor=counselor, kind=Conversation.Kind.CHAT
    )
    for seq, body in enumerate(bodies, start=1):
        from_student = seq % 2 == 1
        Message.objects.create(
            conversation=conversation,
            seq=seq,
            sender=student.user if from_student else counselor,
            sender_role="student" if from_student else "counselor",
            body=body,
        )
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=len(bodies))
    return conversation


def test_the_students_own_export_has_chats_letters_questions_and_attachments_by_name(client, world):
    chat(world.student, "Pak, saya mau cerita.", "Silakan, Bapak dengarkan.", counselor=world.gurubk)
    letter = letters.start_letter(
        world.student, world.siswa, subject="Pilihan jurusan", body="Saya bingung memilih.", client_key=uuid.uuid4()
    ).posted.message
    Attachment.objects.create(
        message=letter,
        file="counseling/attachments/x.bin",
        content_type="application/pdf",
        size=1234,
        original_name="rapor.pdf",
    )
    letters.start_question(world.student, world.siswa, body="Apakah normal sering cemas?", client_key=uuid.uuid4())
    chat(world.classmate, "Rahasia teman sekelas.")

    data, raw = download(client, world.siswa, world.student)

    counseling = data["counseling"]
    assert [m["body"] for m in counseling["chats"][0]["messages"]] == [
        "Pak, saya mau cerita.",
        "Silakan, Bapak dengarkan.",
    ]
    assert counseling["chats"][0]["messages"][1]["counselor"] == world.gurubk.display_name
    assert counseling["letters"][0]["subject"] == "Pilihan jurusan"
    assert counseling["letters"][0]["messages"][0]["attachment"] == {
        "name": "rapor.pdf",
        "size": 1234,
        "content_type": "application/pdf",
    }
    question = counseling["anonymous_questions"][0]
    assert question["messages"][0]["body"] == "Apakah normal sering cemas?"
    assert (question["anonymous"], question["asked_by"]["nisn"]) == (True, world.student.nisn)
    assert "Rahasia teman sekelas" not in raw
    assert data["complete"] is True


def test_the_export_keeps_risk_screening_and_counselor_notes_out(client, world):
    conversation = chat(world.student, "Saya capek sekali.", counselor=world.gurubk)
    Message.objects.filter(conversation=conversation).update(flagged=True)
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)
    ConversationEvent.objects.create(conversation=conversation, kind=ConversationEvent.Kind.ALERT)
    ConversationEvent.objects.create(
        conversation=conversation,
        kind=ConversationEvent.Kind.TRANSFERRED,
        actor=world.gurubk,
        to_user=world.koordinator,
        note="Catatan konselor: pantau terus.",
    )

    data, raw = download(client, world.siswa, world.student)

    exported = data["counseling"]["chats"][0]
    assert [e["event"] for e in exported["events"]] == ["transferred"]
    assert exported["events"][0]["to"] == world.koordinator.display_name
    assert "Catatan konselor" not in raw
    assert "flagged" not in raw and "urgent" not in raw and "alert" not in raw.lower()


def test_a_staff_copy_leaves_out_unrevealed_questions_but_not_revealed_ones(client, world):
    hidden = letters.start_question(world.student, world.siswa, body="Pertanyaan rahasia.", client_key=uuid.uuid4())
    revealed = letters.start_question(world.student, world.siswa, body="Pertanyaan terbuka.", client_key=uuid.uuid4())
    Conversation.objects.filter(pk=revealed.conversation.pk).update(revealed_at=timezone.now())
    assert hidden.conversation.anonymous

    data, raw = download(client, world.koordinator, world.student)

    assert [q["messages"][0]["body"] for q in data["counseling"]["anonymous_questions"]] == ["Pertanyaan terbuka."]
    assert "Pertanyaan rahasia" not in raw
    assert (data["complete"], data["omitted"]) == (False, ["counseling.not_readable_by_requester"])


def test_a_staff_copy_holds_no_conversation_the_requester_may_not_read(client, world):
    """The export widens nobody's access: the coordinator reads an unclaimed or urgent chat, not a
    calm one another guru BK handles."""
    chat(world.student, "Obrolan dengan guru BK lain.", counselor=world.gurubk)
    chat(world.student, "Belum ada yang menjawab.")
    urgent = chat(world.student, "Obrolan mendesak.", counselor=world.gurubk)
    Conversation.objects.filter(pk=urgent.pk).update(urgent=True)

    data, raw = download(client, world.koordinator, world.student)

    bodies = [c["messages"][0]["body"] for c in data["counseling"]["chats"]]
    assert bodies == ["Belum ada yang menjawab.", "Obrolan mendesak."]
    assert "guru BK lain" not in raw
    assert "counseling.not_readable_by_requester" in data["omitted"]


def test_the_operators_copy_has_no_counseling_content(client, world):
    chat(world.student, "Isi konseling.", counselor=world.gurubk)

    data, raw = download(client, world.operator, world.student)

    assert data["counseling"] is None and data["instrument_sheets"] is None
    assert "Isi konseling" not in raw
    assert {"counseling", "instrument_sheets"} <= set(data["omitted"]) and data["complete"] is False


# --- instruments -------------------------------------------------------------------------------------------


@pytest.fixture
def administration(world):
    name = "aum-umum-contoh.json"
    instrument, _ = instrument_services.import_definition(
        world.school, (instrument_services.SAMPLES_DIR / name).read_bytes(), name
    )
    return instrument_services.open_administration(
        instrument=instrument,
        title="AUM kelas X",
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )


def answer(administration, student, items, heavy=()):
    sheet = Assignment.objects.get(administration=administration, student=student)
    sheet.answers = json.dumps({"items": {str(n): True for n in items}, "heavy": list(heavy)})
    sheet.status = Assignment.Status.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


def test_answers_are_exported_and_the_result_only_once_released(world, administration):
    definition = administration.instrument.definition
    first, second = definition.items[0], definition.items[1]
    answer(administration, world.student, [first.number, second.number], heavy=[second.number])
    answer(administration, world.classmate, [definition.items[5].number])

    data = records.personal_data.export(world.student, world.siswa)

    (sheet,) = data["instrument_sheets"]
    assert sheet["instrument"]["code"] == administration.instrument.code
    assert sheet["status"] == "submitted"
    assert sheet["answers"]["items"] == [
        {"number": first.number, "item": first.text, "answer": True},
        {"number": second.number, "item": second.text, "answer": True, "heavy": True},
    ]
    assert sheet["result"] is None  # not released: the student may not see it yet, so it is not theirs to export
    assert data["complete"] is True

    instrument_services.release_results(administration, by=world.gurubk)
    data = records.personal_data.export(world.student, world.siswa)

    result = data["instrument_sheets"][0]["result"]
    assert result["measure"] == "problems"
    ticked = [text for area in result["areas"] for text in area["items"]]
    assert sorted(ticked) == sorted([first.text, second.text])
    # The classmate's sheet in the same administration is theirs alone.
    assert definition.items[5].text not in json.dumps(data, default=str)


def test_the_result_follows_the_students_own_result_rule(world, administration):
    from ekonseling.core import policy

    sheet = answer(administration, world.student, [administration.instrument.definition.items[0].number])
    for released in (False, True):
        instrument_services.release_results(administration, by=world.gurubk, released=released)
        sheet.refresh_from_db()
        sheet.administration.refresh_from_db()
        assert instrument_data.result_visible_to_student(sheet) is policy.can(
            world.siswa, "assignment.view_own_result", sheet
        )
