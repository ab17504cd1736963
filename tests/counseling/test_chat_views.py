"""The chat over HTTP: the student's list, starting a chat, the polling endpoints, the inbox, the
conversation page and the handling controls, each behind the access policy."""

import json
import re
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import alerts, services, views_chat
from ekonseling.counseling.models import Conversation, ConversationEvent, Message, OfficeHours
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from tests import factories

XSS = "<script>alert(1)</script>"
RISKY = "aku pengen bunuh diri aja"


# --- helpers -----------------------------------------------------------------------------------------------------


def chat(world, student=None, **fields):
    return services.start_conversation(student or world.student, **fields)


def post(conversation, user, body="Halo", key=None):
    (posted,) = services.post_messages([services.Draft(conversation.pk, user, key or uuid.uuid4(), body)])
    assert posted.error is None, posted.error
    return posted


def student_with_account(world, rombel=None):
    account = factories.user(world.school, Role.SISWA)
    return factories.student(world.school, rombel=rombel or world.rombel_a, user=account), account


def url(name, pk=None):
    return reverse(f"counseling:{name}", kwargs={"pk": pk} if pk is not None else None)


def send(client, conversation, body, key=None, **extra):
    key = str(key or uuid.uuid4())
    return client.post(url("messages", conversation.pk), {"client_key": key, "body": body}, **extra)


def inbox_order(response):
    return [int(pk) for pk in re.findall(r'<tr data-conversation="(\d+)"', response.content.decode())]


@pytest.fixture
def memory_layer(settings):
    """These tests check what the views broadcast, not Redis: listen on the in-process layer (the
    Redis pub/sub layer ties a channel to the event loop that made it, and each async_to_sync
    call here runs its own loop)."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def layer_listener(group):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def received(layer, channel):
    frames = []
    while True:
        try:
            frames.append(async_to_sync(_receive_now)(layer, channel))
        except TimeoutError:
            return frames


async def _receive_now(layer, channel):
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.2)


# --- the student's list and starting a chat ------------------------------------------------------------------------


def test_a_student_sees_only_their_own_conversations(client, world):
    own = chat(world)
    post(own, world.gurubk, "Ada yang bisa ibu bantu?")
    other_student, _account = student_with_account(world)
    other = chat(world, other_student)
    client.force_login(world.siswa)

    response = client.get(url("home"))

    assert response.status_code == 200
    listed = [c.pk for c in response.context["conversations"]]
    assert listed == [own.pk]
    assert f'data-conversation="{other.pk}"' not in response.content.decode()
    assert response.context["conversations"][0].unread == 1


def test_a_counselor_is_sent_to_the_inbox_and_other_staff_are_refused(client, world):
    client.force_login(world.gurubk)
    assert client.get(url("home"))["Location"] == url("inbox")
    for user in (world.walikelas, world.kepsek, world.operator):
        client.force_login(user)
        assert client.get(url("home")).status_code == 403


def test_chat_new_reuses_the_open_chat(client, world):
    client.force_login(world.siswa)
    assert client.get(url("chat_new")).status_code == 200

    first = client.post(url("chat_new"), {"client_key": str(uuid.uuid4()), "body": ""})
    second = client.post(url("chat_new"), {"client_key": str(uuid.uuid4()), "body": "Bu, saya mau cerita"})

    conversation = Conversation.objects.get(student=world.student)
    assert first["Location"] == second["Location"] == url("conversation", conversation.pk)
    assert conversation.kind == Conversation.Kind.CHAT
    assert list(conversation.messages.values_list("seq", "body")) == [(1, "Bu, saya mau cerita")]

    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.CLOSED)
    client.post(url("chat_new"), {"client_key": str(uuid.uuid4()), "body": ""})
    assert Conversation.objects.filter(student=world.student, kind="chat").count() == 2


def test_chat_new_stores_a_double_submitted_first_message_once(client, world):
    client.force_login(world.siswa)
    form = {"client_key": str(uuid.uuid4()), "body": "Halo Bu"}

    client.post(url("chat_new"), form)
    client.post(url("chat_new"), form)

    assert Message.objects.filter(conversation__student=world.student).count() == 1


def test_chat_new_refuses_a_first_message_that_is_too_long(client, world):
    client.force_login(world.siswa)

    response = client.post(url("chat_new"), {"client_key": str(uuid.uuid4()), "body": "a" * 4001})

    assert response.status_code == 200
    assert "4001" in str(response.context["form"].errors["body"])
    assert not Conversation.objects.filter(student=world.student).exists()


def test_staff_without_counseling_cannot_start_a_chat(client, world):
    for user in (world.walikelas, world.kepsek, world.operator, world.gurubk):
        client.force_login(user)
        assert client.post(url("chat_new"), {"client_key": str(uuid.uuid4())}).status_code == 403


# --- the polling endpoints ---------------------------------------------------------------------------------------


def test_posting_acks_with_consecutive_sequence_numbers(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)

    first = send(client, conversation, "satu")
    second = send(client, conversation, "dua")

    assert first.status_code == second.status_code == 200
    assert first.json()["type"] == "ack"
    assert [first.json()["seq"], second.json()["seq"]] == [1, 2]
    assert first.json()["duplicate"] is False


def test_a_resend_with_the_same_client_key_is_a_duplicate_of_one_row(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)
    key = uuid.uuid4()

    first = send(client, conversation, "sekali saja", key=key)
    again = send(client, conversation, "sekali saja", key=key)

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["seq"] == first.json()["seq"] == 1
    assert conversation.messages.count() == 1


def test_a_json_body_is_accepted_too(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)
    data = {"client_key": str(uuid.uuid4()), "body": "lewat JSON"}

    response = client.post(url("messages", conversation.pk), json.dumps(data), content_type="application/json")

    assert response.status_code == 200
    assert response.json()["seq"] == 1


def test_after_returns_the_rest_in_order_with_the_other_sides_receipt(client, world):
    conversation = chat(world)
    for body in ["satu", "dua", "tiga", "empat"]:
        post(conversation, world.siswa, body)
    conversation.refresh_from_db()
    services.mark_seen(conversation, world.gurubk, read=3)
    client.force_login(world.siswa)

    response = client.get(url("messages", conversation.pk), {"after": 2})

    data = response.json()
    assert [(m["seq"], m["body"]) for m in data["messages"]] == [(3, "tiga"), (4, "empat")]
    assert data["complete"] is True
    assert data["receipt"]["role"] == "counselor"
    assert data["receipt"]["read_seq"] == 3
    assert client.get(url("messages", conversation.pk), {"after": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("body", "code", "number"),
    [("a" * 4001, "too_long", "4001"), ("   ", "empty", None), ("", "empty", None)],
)
def test_too_long_or_empty_messages_are_refused_with_a_message(client, world, body, code, number):
    conversation = chat(world)
    client.force_login(world.siswa)

    response = send(client, conversation, body)

    assert response.status_code == 400
    error = response.json()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    if number:
        assert number in error["message"] and "4000" in error["message"]
    assert not conversation.messages.exists()


def test_a_bad_client_key_is_refused(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)

    response = client.post(url("messages", conversation.pk), {"client_key": "not-a-uuid", "body": "halo"})

    assert response.status_code == 400
    assert response.json()["code"] == "bad_key"


def test_an_xss_payload_is_stored_verbatim_and_escaped_in_the_page(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)

    send(client, conversation, XSS)

    assert conversation.messages.get().body == XSS
    assert client.get(url("messages", conversation.pk)).json()["messages"][0]["body"] == XSS
    page = client.get(url("conversation", conversation.pk)).content.decode()
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    client.force_login(world.gurubk)
    page = client.get(url("conversation", conversation.pk)).content.decode()
    assert XSS not in page


def test_a_stored_message_is_broadcast_to_the_conversation_and_the_inboxes_on_commit(
    client, world, memory_layer, django_capture_on_commit_callbacks
):
    conversation = chat(world)
    layer, room = layer_listener(services.conversation_group(conversation.pk))
    _layer, inbox = layer_listener(services.user_group(world.gurubk.pk))
    client.force_login(world.siswa)
    key = uuid.uuid4()

    with django_capture_on_commit_callbacks() as callbacks:
        send(client, conversation, "halo", key=key)
    assert received(layer, room) == []  # nothing is told before the commit
    for callback in callbacks:
        callback()

    room_frames = received(layer, room)
    assert [f["type"] for f in room_frames] == ["conversation.message"]
    frame = json.loads(room_frames[0]["text"])  # encoded once by the publisher, sent as it is
    assert (frame["body"], frame["seq"], room_frames[0]["conversation"]) == ("halo", 1, conversation.pk)
    event = {"type": "updated", "conversation": conversation.pk}
    updated = {"type": "inbox.event", "event": event, "text": json.dumps({"type": "inbox", "event": event})}
    # The inbox frame refreshes the menu badge and home card too (static/js/live.js): no live.refresh.
    assert received(layer, inbox) == [updated]

    # A resend is told again, as stored: pages that have seq 1 ignore it, one that missed it shows it.
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, conversation, "halo", key=key).json()["duplicate"] is True
    assert received(layer, room) == room_frames
    assert received(layer, inbox) == [updated]


def test_mark_read_returns_and_broadcasts_the_receipt(client, world, memory_layer, django_capture_on_commit_callbacks):
    conversation = chat(world)
    post(conversation, world.siswa, "satu")
    post(conversation, world.siswa, "dua")
    layer, room = layer_listener(services.conversation_group(conversation.pk))
    client.force_login(world.gurubk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("mark_read", conversation.pk), {"seq": 2})

    assert response.json() == {
        "type": "receipt",
        "conversation": conversation.pk,
        "role": "counselor",
        "delivered_seq": 2,
        "read_seq": 2,
    }
    assert json.loads(received(layer, room)[0]["text"])["read_seq"] == 2
    assert client.post(url("mark_read", conversation.pk), {"delivered": 1}).json()["read_seq"] == 2
    assert client.post(url("mark_read", conversation.pk), {}).json()["read_seq"] == 2
    assert client.post(url("mark_read", conversation.pk), {"seq": "x"}).status_code == 400
    assert client.get(url("mark_read", conversation.pk)).status_code == 405


# --- who may open what ----------------------------------------------------------------------------------------


def test_another_students_conversation_is_a_404_everywhere(client, world):
    other_student, other_account = student_with_account(world)
    theirs = chat(world, other_student)
    post(theirs, other_account, "rahasia")
    client.force_login(world.siswa)

    assert client.get(url("conversation", theirs.pk)).status_code == 404
    assert client.get(url("messages", theirs.pk)).status_code == 404
    assert send(client, theirs, "menyusup").status_code == 404
    assert client.post(url("mark_read", theirs.pk), {"seq": 1}).status_code == 404
    assert theirs.messages.count() == 1


@pytest.mark.parametrize("role", [Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.OPERATOR])
def test_staff_without_counseling_read_nothing(client, world, role):
    conversation = chat(world)
    post(conversation, world.siswa, "rahasia")
    client.force_login(world.by_role()[role])

    assert client.get(url("inbox")).status_code == 403
    for name in ("conversation", "messages"):
        assert client.get(url(name, conversation.pk)).status_code in (403, 404)
    assert send(client, conversation, "halo").status_code in (403, 404)
    assert client.post(url("claim", conversation.pk)).status_code in (403, 404)
    assert client.get(url("office_hours")).status_code == 403


def test_a_counselor_who_does_not_serve_the_student_gets_a_404(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    client.force_login(world.gurubk_other)

    assert client.get(url("conversation", conversation.pk)).status_code == 404
    assert client.get(url("messages", conversation.pk)).status_code == 404
    assert send(client, conversation, "halo").status_code == 404
    assert client.post(url("claim", conversation.pk)).status_code == 404
    assert conversation.pk not in inbox_order(client.get(url("inbox")))


def test_another_schools_counselor_gets_a_404(client, world, other_world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    client.force_login(other_world.koordinator)

    assert client.get(url("conversation", conversation.pk)).status_code == 404
    assert client.post(url("claim", conversation.pk)).status_code == 404


# --- the conversation page --------------------------------------------------------------------------------------


def test_a_counselor_opening_the_page_is_audited_and_a_student_is_not(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")

    client.force_login(world.siswa)
    client.get(url("conversation", conversation.pk))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.READ).exists()

    client.force_login(world.gurubk)
    response = client.get(url("conversation", conversation.pk))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.READ)
    assert event.actor == world.gurubk
    assert event.object_id == str(conversation.pk)


def test_the_page_carries_what_the_client_needs(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "satu")
    post(conversation, world.gurubk, "dua")
    conversation.refresh_from_db()
    services.mark_seen(conversation, world.gurubk, read=1)
    client.force_login(world.siswa)

    response = client.get(url("conversation", conversation.pk))

    page = response.content.decode()
    assert "data-chat" in page
    assert f'data-conversation="{conversation.pk}"' in page
    assert 'data-role="student"' in page
    assert 'data-last-seq="2"' in page
    assert f'data-messages-url="{url("messages", conversation.pk)}"' in page
    assert 'data-max-body="4000"' in page
    assert re.search(r'<li class="msg mine" data-seq="1"[^>]*>.*data-status="read"', page)
    assert re.search(r'<li class="msg theirs" data-seq="2"', page)
    assert json.loads(response.context["i18n_json"])["you"]


def test_the_student_page_never_says_flagged_but_shows_crisis_contacts(client, world):
    safety.set_crisis_contacts(world.school, "Hotline sekolah: 0800-123")
    conversation = chat(world)
    client.force_login(world.siswa)

    ack = send(client, conversation, RISKY).json()

    assert ack["crisis_contacts"] == ["Hotline sekolah: 0800-123"]
    conversation.refresh_from_db()
    assert conversation.urgent
    assert [alerts.conversation_id_of(a) for a in Alert.objects.filter(status=Alert.Status.OPEN)] == [conversation.pk]
    for page in (
        client.get(url("conversation", conversation.pk)).content.decode(),
        client.get(url("home")).content.decode(),
        client.get(url("messages", conversation.pk)).content.decode(),
    ):
        assert "flagged" not in page.lower()
        assert "urgent" not in page.lower()
        assert "alerted" not in page and "data-alert" not in page
    page = client.get(url("conversation", conversation.pk)).content.decode()
    crisis = re.search(r"<aside class=\"crisis\" data-crisis[^>]*>(.*?)</aside>", page, re.S)
    assert crisis and "hidden" not in crisis.group(0).split(">")[0]
    assert "Hotline sekolah: 0800-123" in crisis.group(1)


def test_the_crisis_panel_is_hidden_while_nothing_is_urgent(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    client.force_login(world.siswa)

    page = client.get(url("conversation", conversation.pk)).content.decode()

    assert re.search(r'<aside class="crisis" data-crisis[^>]*hidden>', page)


def test_the_office_hours_notice(client, world):
    conversation = chat(world)
    client.force_login(world.siswa)
    assert 'data-office-hours="none"' in client.get(url("conversation", conversation.pk)).content.decode()

    import datetime

    for weekday in range(7):
        OfficeHours.objects.create(
            counselor=world.gurubk, weekday=weekday, starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59, 59)
        )
    # Unclaimed: the hours of every counselor who serves the student count.
    response = client.get(url("conversation", conversation.pk))
    assert response.context["office"]["has_hours"]
    assert 'data-office-hours="open"' in response.content.decode() or response.context["office"]["next_opening"]


def test_an_anonymous_question_hides_the_name_from_the_guru_bk(client, world):
    question = chat(world, kind=Conversation.Kind.QUESTION, anonymous=True)
    post(question, world.siswa, "Boleh tanya?")
    client.force_login(world.gurubk)

    rows = client.get(url("inbox")).content.decode()

    assert world.student.name not in rows
    assert question.pk in inbox_order(client.get(url("inbox")))


def test_a_letter_is_shown_by_the_letters_thread_with_the_handling_controls(client, world):
    letter = chat(world, kind=Conversation.Kind.LETTER, subject="Surat untuk Bu Guru")
    post(letter, world.siswa, "Isi surat")
    client.force_login(world.gurubk)

    response = client.get(url("conversation", letter.pk))

    assert response.status_code == 200
    assert "data-controls" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(letter.pk)).count() == 1


# --- the inbox ------------------------------------------------------------------------------------------------------


def _inbox_world(world):
    """An urgent conversation whose last message is the oldest, then a new, an awaiting and an
    answered one, newest last."""
    urgent_student, urgent_account = student_with_account(world)
    new_student, new_account = student_with_account(world)
    answered_student, answered_account = student_with_account(world)
    urgent = chat(world, urgent_student)
    post(urgent, urgent_account, "halo")
    awaiting = chat(world)
    post(awaiting, world.gurubk, "Ada apa?")
    post(awaiting, world.siswa, "Saya mau cerita")
    answered = chat(world, answered_student)
    post(answered, answered_account, "halo")
    post(answered, world.gurubk, "Baik, besok ya")
    new = chat(world, new_student)
    post(new, new_account, "halo")
    Conversation.objects.filter(pk=urgent.pk).update(urgent=True)
    return urgent, new, awaiting, answered


def test_the_inbox_puts_urgent_first_then_new_then_awaiting(client, world):
    urgent, new, awaiting, answered = _inbox_world(world)
    client.force_login(world.gurubk)

    response = client.get(url("inbox"))

    assert inbox_order(response) == [urgent.pk, new.pk, awaiting.pk, answered.pk]
    assert 'data-urgent="1"' in response.content.decode()


def test_the_latest_urgent_conversation_comes_first(client, world):
    urgent, new, awaiting, answered = _inbox_world(world)
    _alert(answered, answered.student.user)
    client.force_login(world.gurubk)

    assert inbox_order(client.get(url("inbox")))[:2] == [answered.pk, urgent.pk]


@pytest.mark.parametrize(
    ("tab", "expected"),
    [("urgent", ["urgent"]), ("new", ["urgent", "new"]), ("awaiting", ["urgent", "new", "awaiting"]), ("mine", [])],
)
def test_inbox_tabs(client, world, tab, expected):
    urgent, new, awaiting, answered = _inbox_world(world)
    named = {"urgent": urgent.pk, "new": new.pk, "awaiting": awaiting.pk, "answered": answered.pk}
    client.force_login(world.gurubk)

    got = inbox_order(client.get(url("inbox"), {"tab": tab}))

    if tab == "mine":
        assert set(got) == {awaiting.pk, answered.pk}
    else:
        assert got == [named[name] for name in expected]


def test_the_closed_tab_and_an_empty_chat(client, world):
    closed = chat(world)
    post(closed, world.siswa, "halo")
    services.set_status(closed, world.gurubk, Conversation.Status.CLOSED)
    empty_student, _account = student_with_account(world)
    empty = chat(world, empty_student)
    client.force_login(world.gurubk)

    assert inbox_order(client.get(url("inbox"), {"tab": "closed"})) == [closed.pk]
    assert empty.pk not in inbox_order(client.get(url("inbox")))


def test_an_htmx_request_gets_only_the_list(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    client.force_login(world.gurubk)

    response = client.get(url("inbox"), HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert inbox_order(response) == [conversation.pk]


@pytest.mark.parametrize("extra", [1, 30])
def test_the_inbox_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    for _ in range(extra):
        student, account = student_with_account(world)
        conversation = chat(world, student)
        post(conversation, account, "halo")
    client.force_login(world.koordinator)

    # session, user+school, OTP device, page count, page rows, unread counts, open critical-item
    # alerts, session save (3)
    with django_assert_num_queries(10):
        client.get(url("inbox"))


def test_the_inbox_shows_unread_counts(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "satu")
    post(conversation, world.siswa, "dua")
    client.force_login(world.gurubk)

    assert 'data-unread="2"' in client.get(url("inbox")).content.decode()
    client.post(url("mark_read", conversation.pk), {"seq": 2})
    assert 'data-unread="0"' in client.get(url("inbox")).content.decode()


# --- handling ---------------------------------------------------------------------------------------------------


def test_claim_and_a_second_claim_gets_a_clear_message(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")

    client.force_login(world.gurubk)
    response = client.post(url("claim", conversation.pk))
    assert response["Location"] == url("conversation", conversation.pk)
    conversation.refresh_from_db()
    assert conversation.counselor == world.gurubk
    assert conversation.events.filter(kind=ConversationEvent.Kind.CLAIMED).count() == 1

    client.force_login(world.koordinator)
    response = client.post(url("claim", conversation.pk), follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert any("sudah mengambil percakapan ini" in n for n in notes), notes
    assert response.redirect_chain[-1][0] == url("inbox")
    conversation.refresh_from_db()
    assert conversation.counselor == world.gurubk


def test_a_claim_lost_in_a_race_is_told_clearly(client, world, monkeypatch):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    real_claim = services.claim

    def someone_else_first(conv, counselor, **origin):
        Conversation.objects.filter(pk=conv.pk).update(counselor=world.koordinator)
        return real_claim(conv, counselor, **origin)

    monkeypatch.setattr(views_chat.services, "claim", someone_else_first)
    client.force_login(world.gurubk)

    response = client.post(url("claim", conversation.pk), follow=True)

    assert any("sudah mengambil percakapan ini" in str(m) for m in response.context["messages"])
    conversation.refresh_from_db()
    assert conversation.counselor == world.koordinator


def test_transfer_within_the_school_and_not_outside_it(client, world, other_world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    services.claim(conversation, world.gurubk)
    client.force_login(world.gurubk)

    refused = client.post(url("transfer", conversation.pk), {"to": other_world.gurubk.pk, "note": "x"}, follow=True)
    conversation.refresh_from_db()
    assert conversation.counselor == world.gurubk
    assert refused.redirect_chain[-1][0] == url("conversation", conversation.pk)

    response = client.post(url("transfer", conversation.pk), {"to": world.gurubk_other.pk, "note": "Kasus karier"})
    conversation.refresh_from_db()
    assert conversation.counselor == world.gurubk_other
    event = conversation.events.get(kind=ConversationEvent.Kind.TRANSFERRED)
    assert (event.actor, event.to_user, event.note) == (world.gurubk, world.gurubk_other, "Kasus karier")
    # gurubk no longer handles it (nor serves the student's... they do serve rombel_a, but it is claimed).
    assert response["Location"] == url("inbox")
    client.force_login(world.gurubk_other)
    assert client.get(url("conversation", conversation.pk)).status_code == 200


def test_only_the_handling_counselor_or_coordinator_manages(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    services.claim(conversation, world.gurubk)

    for user in (world.gurubk_other, world.siswa, world.walikelas):
        client.force_login(user)
        assert client.post(url("set_status", conversation.pk), {"status": "closed"}).status_code in (403, 404)
        assert client.post(url("transfer", conversation.pk), {"to": world.gurubk_other.pk}).status_code in (403, 404)
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN


def test_close_and_reopen(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    services.claim(conversation, world.gurubk)
    client.force_login(world.gurubk)

    client.post(url("set_status", conversation.pk), {"status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED

    client.post(url("set_status", conversation.pk), {"status": "open"})
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    kinds = list(conversation.events.values_list("kind", flat=True))
    assert kinds[-2:] == [ConversationEvent.Kind.CLOSED, ConversationEvent.Kind.REOPENED]
    assert client.post(url("set_status", conversation.pk), {"status": "bogus"}).status_code == 302


def _alert(conversation, user):
    posted = post(conversation, user, RISKY)
    assert posted.alert is not None
    return posted.alert


# Deciding an alert: tests/safety/test_message_alerts.py.


def test_the_coordinator_sees_an_urgent_conversation_of_another_counselor(client, world):
    conversation = chat(world)
    post(conversation, world.siswa, "halo")
    services.claim(conversation, world.gurubk)
    client.force_login(world.koordinator)
    assert client.get(url("conversation", conversation.pk)).status_code == 404

    _alert(conversation, world.siswa)

    assert client.get(url("conversation", conversation.pk)).status_code == 200
    assert inbox_order(client.get(url("inbox")))[0] == conversation.pk


# --- office hours ---------------------------------------------------------------------------------------------


def _formset(rows, initial=0):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(initial), "form-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return data


def test_a_counselor_sets_their_office_hours(client, world):
    client.force_login(world.gurubk)
    assert client.get(url("office_hours")).status_code == 200

    response = client.post(
        url("office_hours"),
        _formset([{"weekday": "0", "starts_at": "07:00", "ends_at": "15:00"}, {"weekday": "", "starts_at": ""}]),
    )

    assert response.status_code == 302
    row = OfficeHours.objects.get(counselor=world.gurubk)
    assert (row.weekday, str(row.starts_at), str(row.ends_at)) == (0, "07:00:00", "15:00:00")


def test_office_hours_must_end_after_they_start(client, world):
    client.force_login(world.gurubk)

    response = client.post(url("office_hours"), _formset([{"weekday": "1", "starts_at": "15:00", "ends_at": "07:00"}]))

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["ends_at"]
    assert not OfficeHours.objects.exists()


def test_another_counselors_row_cannot_be_edited(client, world):
    import datetime

    theirs = OfficeHours.objects.create(
        counselor=world.gurubk_other, weekday=0, starts_at=datetime.time(7), ends_at=datetime.time(8)
    )
    client.force_login(world.gurubk)

    client.post(
        url("office_hours"),
        _formset([{"id": str(theirs.pk), "weekday": "0", "starts_at": "07:00", "ends_at": "09:00"}], initial=1),
    )

    theirs.refresh_from_db()
    assert theirs.counselor == world.gurubk_other
    assert str(theirs.ends_at) == "08:00:00"


def test_a_student_has_no_office_hours_page(client, world):
    client.force_login(world.siswa)
    assert client.get(url("office_hours")).status_code == 403


def test_polling_does_not_keep_an_idle_session_alive(client, world):
    from ekonseling.counseling import services

    conversation = services.start_conversation(world.student)
    client.force_login(world.siswa)
    session_key = client.session.session_key
    from django.contrib.sessions.models import Session

    before = Session.objects.get(session_key=session_key).expire_date
    client.get(f"/konseling/{conversation.pk}/pesan/?after=0")

    assert Session.objects.get(session_key=session_key).expire_date == before


def test_posting_over_http_is_rate_limited(client, world, monkeypatch):
    import uuid

    from ekonseling.core import ratelimit
    from ekonseling.counseling import protocol, services

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0)  # one window for the whole test

    conversation = services.start_conversation(world.student)
    client.force_login(world.siswa)
    url = f"/konseling/{conversation.pk}/pesan/"
    statuses = [
        client.post(url, {"client_key": str(uuid.uuid4()), "body": f"pesan {n}"}).status_code
        for n in range(protocol.SEND_LIMIT + 1)
    ]

    assert statuses[:-1] == [200] * protocol.SEND_LIMIT
    assert statuses[-1] == 429


def test_a_resend_in_the_same_batch_as_the_original_is_acknowledged_as_a_duplicate(world):
    from ekonseling.counseling import services

    conversation = services.start_conversation(world.student)
    key = uuid.uuid4()
    draft = services.Draft(conversation.pk, world.siswa, key, "sekali saja")

    first, again = services.post_messages([draft, draft])

    assert (first.ack()["seq"], first.duplicate) == (1, False)
    assert (again.ack()["seq"], again.duplicate) == (1, True)
    assert conversation.messages.count() == 1


def test_the_inbox_refreshing_itself_does_not_keep_the_session_alive(client, world):
    from django.contrib.sessions.models import Session

    client.force_login(world.gurubk)
    session_key = client.session.session_key
    before = Session.objects.get(session_key=session_key).expire_date

    client.get("/konseling/inbox/", HTTP_HX_REQUEST="true")

    assert Session.objects.get(session_key=session_key).expire_date == before


def test_a_batch_over_several_conversations_keeps_each_message_with_its_own(world):
    """Inbox events, risk alerts and crisis contacts follow each message's own conversation, even
    when one batch stores messages of several students (a regression: they all went to the last)."""
    other_siswa = factories.user(world.school, Role.SISWA)
    world.other_student.user = other_siswa
    world.other_student.save()
    mine = services.start_conversation(world.student)
    theirs = services.start_conversation(world.other_student)
    Conversation.objects.filter(pk=mine.pk).update(counselor=world.gurubk)
    Conversation.objects.filter(pk=theirs.pk).update(counselor=world.gurubk_other)

    risky, plain = services.post_messages(
        [
            services.Draft(mine.pk, world.siswa, uuid.uuid4(), "aku pengen mati aja, gak kuat lagi"),
            services.Draft(theirs.pk, other_siswa, uuid.uuid4(), "Bu, jadwal konseling kapan?"),
        ]
    )

    assert [group for group, _event in risky.inbox_events() if _event["event"]["type"] == "updated"] == [
        services.user_group(world.gurubk.pk)
    ]
    assert [group for group, _event in plain.inbox_events()] == [services.user_group(world.gurubk_other.pk)]
    alert = Alert.objects.get()
    assert alerts.conversation_id_of(alert) == mine.pk and alert.source_id == risky.message.pk
    assert world.gurubk_other.pk not in risky.alert_user_ids
    assert set(Conversation.objects.filter(urgent=True).values_list("pk", flat=True)) == {mine.pk}


def test_a_resend_of_a_stored_message_in_a_batch_leaves_no_gap_and_no_trace_of_the_undone_try(world, mailoutbox):
    """The batch stores without looking up client keys first; a resend of a stored message undoes
    the batch, which is then stored one by one: the new messages get the next seqs, the resend the
    stored one, and what the undone attempt computed (alerts, crisis contacts) is not left over."""
    conversation = services.start_conversation(world.student)
    risky_key = uuid.uuid4()
    (original,) = services.post_messages([services.Draft(conversation.pk, world.siswa, risky_key, RISKY)])

    resend, fresh, also_fresh = services.post_messages(
        [
            services.Draft(conversation.pk, world.siswa, risky_key, RISKY),
            services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "pesan baru"),
            services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY),
        ]
    )

    assert (original.message.seq, original.duplicate, bool(original.crisis_contacts)) == (1, False, True)
    # No second alert for the resend; its ack repeats the stored message's crisis contacts.
    assert (resend.message.seq, resend.duplicate, resend.alert) == (1, True, None)
    assert resend.crisis_contacts == original.crisis_contacts
    assert (fresh.message.seq, fresh.duplicate, fresh.alert, fresh.crisis_contacts) == (2, False, None, [])
    assert (also_fresh.message.seq, also_fresh.duplicate) == (3, False)
    assert also_fresh.alert is not None and also_fresh.crisis_contacts
    assert list(conversation.messages.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
    assert len(alerts.alerts_of(conversation)) == 2
    conversation.refresh_from_db()
    assert conversation.last_seq == 3


def test_an_unclaimed_message_refreshes_only_active_guru_bk_of_the_school_and_the_coordinators(world, other_world):
    """A caseload assignment left behind (a guru BK who left, or moved school) tells nobody."""
    left = factories.user(world.school, Role.GURU_BK)
    left.is_active = False
    left.save()
    moved = factories.user(other_world.school, Role.GURU_BK)
    world.student.counselors.add(left, moved)
    conversation = chat(world)

    posted = post(conversation, world.siswa, "Bu, saya mau cerita")

    assert sorted(posted.inbox_user_ids) == sorted([world.gurubk.pk, world.koordinator.pk])
