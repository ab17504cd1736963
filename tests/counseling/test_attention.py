"""Issue 13, first part: homes that say what needs me now, live menu badges, counselor-started
conversations, call-ins, the export's button and summary, and where student notices go."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core import realtime, registry
from ekonseling.counseling import home, letters, outreach, protocol, services
from ekonseling.counseling.models import CallIn, Conversation, ConversationEvent, Message
from ekonseling.safety import actions as safety
from ekonseling.safety.models import Alert
from tests import factories


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def student_writes(world, text="Bu, saya mau cerita.", student=None, user=None):
    student = student or world.student
    user = user or world.siswa
    if student.user_id != user.pk:
        student.user = user
        student.save(update_fields=["user"])
    conversation = services.open_or_start_chat(student, user)
    (posted,) = services.post_messages([services.Draft(conversation.pk, user, uuid.uuid4(), text)])
    assert posted.error is None
    conversation.refresh_from_db()
    return conversation


def counselor_writes(conversation, counselor, text="Halo, Ibu di sini."):
    (posted,) = services.post_messages([services.Draft(conversation.pk, counselor, uuid.uuid4(), text)])
    assert posted.error is None
    conversation.refresh_from_db()
    return conversation


@pytest.fixture
def published(monkeypatch):
    events = []
    monkeypatch.setattr(realtime, "publish", lambda sent: events.extend(sent))
    return events


def refreshed(events):
    return {group for group, event in events if event["type"] == realtime.LIVE_REFRESH}


def told(events):
    """The groups whose pages re-count their badges: a live.refresh or an inbox event does it."""
    return refreshed(events) | {group for group, event in events if event["type"] == "inbox.event"}


def with_classmate_account(world):
    world.classmate.user = factories.user(world.school, Role.SISWA)
    world.classmate.save(update_fields=["user"])
    return world.classmate


# --- the counselor's home --------------------------------------------------------------------------------------


def test_the_counselor_home_lists_urgent_first_then_unclaimed_then_awaiting_with_a_claim_button(world):
    classmate = with_classmate_account(world)
    calm = student_writes(world)  # unclaimed
    risky = student_writes(world, "aku pengen bunuh diri aja", student=classmate, user=classmate.user)
    assert risky.urgent
    mine = student_writes(world, student=world.other_student, user=factories.user(world.school, Role.SISWA))
    Conversation.objects.filter(pk=mine.pk).update(counselor=world.koordinator, awaiting_reply=True)

    page = client_for(world.koordinator).get(reverse("core:home")).content.decode()

    urgent_at, unclaimed_at, awaiting_at = (
        page.index('data-testid="home-urgent"'),
        page.index('data-testid="home-unclaimed"'),
        page.index('data-testid="home-awaiting"'),
    )
    assert urgent_at < unclaimed_at < awaiting_at
    assert page.index(f'data-conversation="{risky.pk}"') < unclaimed_at
    assert unclaimed_at < page.index(f'data-conversation="{calm.pk}"') < awaiting_at
    assert page.index(f'data-conversation="{mine.pk}"') > awaiting_at
    assert reverse("counseling:claim", args=[risky.pk]) in page  # "Take it" on the urgent one
    assert reverse("counseling:claim", args=[calm.pk]) in page
    assert reverse("counseling:claim", args=[mine.pk]) not in page  # already the koordinator's


def test_a_guru_bk_sees_only_their_caseload_and_claims_from_home(world):
    calm = student_writes(world)
    others = student_writes(world, student=world.other_student, user=factories.user(world.school, Role.SISWA))
    client = client_for(world.gurubk)

    page = client.get(reverse("core:home")).content.decode()
    assert f'data-conversation="{calm.pk}"' in page
    assert f'data-conversation="{others.pk}"' not in page  # gurubk_other's student

    response = client.post(reverse("counseling:claim", args=[calm.pk]))
    assert response.status_code == 302
    calm.refresh_from_db()
    assert calm.counselor == world.gurubk
    assert reverse("counseling:claim", args=[calm.pk]) not in client.get(reverse("core:home")).content.decode()


def test_an_anonymous_question_on_the_home_card_names_nobody(world):
    started = letters.start_question(world.student, world.siswa, body="Boleh tanya?", client_key=uuid.uuid4())

    page = client_for(world.gurubk).get(reverse("core:home")).content.decode()

    assert f'data-conversation="{started.conversation.pk}"' in page
    assert world.student.name not in page
    assert "Anonim" in page


def test_instrument_alerts_wait_on_the_home_with_a_link_to_contact_the_student(world):
    alert, _created = safety.raise_alert(
        student=world.student, source=Alert.Source.SHEET, source_id=999999, items=[3], severity="high"
    )
    page = client_for(world.gurubk).get(reverse("core:home")).content.decode()

    assert f'data-home-alert="{alert.pk}"' in page
    assert reverse("counseling:start_for", args=[world.student.pk]) in page


def test_nothing_waiting_says_so(world):
    page = client_for(world.gurubk).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-nothing"' in page


def test_a_counselor_without_e_mail_is_told_and_the_koordinator_and_operator_see_who(world):
    world.koordinator.email = "koor@sekolah.sch.id"
    world.koordinator.save(update_fields=["email"])

    gurubk_home = client_for(world.gurubk).get(reverse("core:home")).content.decode()
    koordinator_home = client_for(world.koordinator).get(reverse("core:home")).content.decode()
    operator_home = client_for(world.operator).get(reverse("core:home")).content.decode()

    assert 'data-testid="unreachable-self"' in gurubk_home
    assert 'data-testid="unreachable-self"' not in koordinator_home
    for page in (koordinator_home, operator_home):
        assert f'data-unreachable="{world.gurubk.username}"' in page
        assert f'data-unreachable="{world.gurubk_other.username}"' in page
        assert f'data-unreachable="{world.koordinator.username}"' not in page
    assert reverse("admin:accounts_user_change", args=[world.gurubk.pk]) in operator_home
    assert "unreachable-list" not in client_for(world.kepsek).get(reverse("core:home")).content.decode()


def test_with_every_counselor_reachable_the_operator_sees_no_list(world):
    from ekonseling.accounts.models import User

    User.objects.filter(role__in=[Role.GURU_BK, Role.KOORDINATOR_BK]).update(email="bk@sekolah.sch.id")
    assert "unreachable-list" not in client_for(world.operator).get(reverse("core:home")).content.decode()


# --- the student's home ----------------------------------------------------------------------------------------


def test_the_student_home_shows_unread_replies_and_call_ins(world):
    conversation = student_writes(world)
    page = client_for(world.siswa).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-replies"' not in page  # no reply yet
    assert reverse("counseling:home") in page  # always a way to counseling

    counselor_writes(conversation, world.gurubk)
    outreach.send_call_in(world.student, world.gurubk, message="Datang ke ruang BK ya.", place="Ruang BK")
    page = client_for(world.siswa).get(reverse("core:home")).content.decode()

    assert 'data-testid="home-replies"' in page
    assert reverse("counseling:conversation", args=[conversation.pk]) in page
    assert "Datang ke ruang BK ya." in page and "Ruang BK" in page

    services.mark_seen(conversation, world.siswa, read=conversation.last_seq)
    assert 'data-testid="home-replies"' not in client_for(world.siswa).get(reverse("core:home")).content.decode()


# --- badges ----------------------------------------------------------------------------------------------------


def badges(user):
    response = client_for(user).get(reverse("core:badges"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_badge_counts_for_counselors_and_students(world):
    classmate = with_classmate_account(world)
    # (the case book's referrals waiting: tests/cases; appointment requests waiting: tests/appointments)
    assert badges(world.gurubk) == {
        "badges": {"counseling:inbox": 0, "appointments:index": 0, "cases:referrals": 0},
        "total": 0,
    }

    conversation = student_writes(world)  # unclaimed: 1
    student_writes(world, "aku pengen bunuh diri aja", student=classmate, user=classmate.user)  # urgent: 1
    safety.raise_alert(student=world.student, source=Alert.Source.SHEET, source_id=424242, items=[1])  # alert: 1
    assert badges(world.gurubk)["badges"]["counseling:inbox"] == 3

    services.claim(conversation, world.gurubk)  # mine, awaiting my reply: still counted
    assert badges(world.gurubk)["badges"]["counseling:inbox"] == 3
    counselor_writes(conversation, world.gurubk)  # answered: no longer waiting
    assert badges(world.gurubk)["badges"]["counseling:inbox"] == 2

    student = badges(world.siswa)
    assert student["badges"]["counseling:home"] == 1  # one conversation with an unread reply
    outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK ya.")
    assert badges(world.siswa)["badges"]["counseling:home"] == 2
    services.mark_seen(conversation, world.siswa, read=conversation.last_seq)
    assert badges(world.siswa)["badges"]["counseling:home"] == 1
    assert "instruments:my" in student["badges"]


def test_roles_without_badged_entries_get_an_empty_answer(world):
    assert badges(world.walikelas) == {"badges": {}, "total": 0}
    assert badges(world.kepsek) == {"badges": {}, "total": 0}


def test_the_badges_endpoint_needs_a_sign_in_and_keeps_an_idle_session_idle(client, world):
    response = client.get(reverse("core:badges"))
    assert response.status_code == 302
    client.force_login(world.gurubk)
    response = client.get(reverse("core:badges"))
    assert response.wsgi_request.keeps_session_idle is True


def test_the_menu_has_a_badge_slot_per_badged_entry_and_loads_live_js(world):
    page = client_for(world.gurubk).get(reverse("core:home")).content.decode()
    assert 'data-menu-badge="counseling:inbox"' in page
    assert "js/live.js" in page
    assert f'data-live-badges="{reverse("core:badges")}"' in page
    assert "<script>" not in page  # no inline script (strict CSP)
    walikelas = client_for(world.walikelas).get(reverse("core:home")).content.decode()
    assert "js/live.js" not in walikelas and "data-menu-badge" not in walikelas


def _many_conversations(world, count):
    for _ in range(count):
        user = factories.user(world.school, Role.SISWA)
        student = factories.student(world.school, rombel=world.rombel_a, user=user)
        student_writes(world, student=student, user=user)


@pytest.mark.parametrize("count", [1, 12])
def test_badges_cost_a_fixed_number_of_queries(world, django_assert_num_queries, count):
    _many_conversations(world, count)
    client = client_for(world.gurubk)
    student = client_for(world.siswa)
    client.get(reverse("core:badges"))
    student.get(reverse("core:badges"))
    # session, user, second-factor device; the guru BK's caseload assignments (read once for the
    # request, students.caseload); then conversations (one aggregate), instrument alerts (one count),
    # appointment requests waiting (one count), the case book's referrals waiting (one count)
    with django_assert_num_queries(8):
        assert client.get(reverse("core:badges")).json()["total"] == count
    # session, user, second-factor device; then unread replies, call-ins, instruments to fill,
    # information not yet read
    with django_assert_num_queries(7):
        student.get(reverse("core:badges"))


@pytest.mark.parametrize("count", [1, 12])
def test_the_counselor_card_costs_a_fixed_number_of_queries(world, django_assert_num_queries, count):
    _many_conversations(world, count)
    client = client_for(world.gurubk)
    url = reverse("core:home_card", args=["counseling.counselor"])
    client.get(url)
    # session, user, second-factor device; the guru BK's caseload assignments (read once for the
    # request); the ids in order (their groups give the counts), the rows shown (whether a guru BK
    # may take one is known from the scope: no prefetch); open alerts of other sources (a count);
    # open call-ins
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("data-conversation=") == min(count, home.ROWS)
    # The koordinator: the same without a caseload (the school is theirs), and the counselors alerts
    # cannot reach.
    coordinator = client_for(world.koordinator)
    coordinator.get(url)
    with django_assert_num_queries(8):
        response = coordinator.get(url)
    assert response.content.decode().count("data-conversation=") == min(count, home.ROWS)


@pytest.mark.parametrize("who", ["gurubk", "koordinator"])
def test_the_card_counts_are_the_badge_counts(world, who):
    _many_conversations(world, 12)
    user = getattr(world, who)
    client = client_for(user)
    card = client.get(reverse("core:home_card", args=["counseling.counselor"])).content.decode()
    counts = home.counselor_counts(user)
    for testid, n in (("home-unclaimed", counts["unclaimed"]), ("home-awaiting", counts["awaiting"])):
        if n:
            assert f'<span class="pill">{n}</span>' in card.split(f'data-testid="{testid}"')[0].rsplit("<h3", 1)[1]


# --- the live card endpoint ------------------------------------------------------------------------------------


def test_a_live_card_renders_alone_and_a_card_that_is_not_live_or_not_allowed_is_404(world):
    student_writes(world)
    counselor = client_for(world.gurubk)
    response = counselor.get(reverse("core:home_card", args=["counseling.counselor"]))
    assert response.status_code == 200
    assert 'data-testid="home-counseling"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert counselor.get(reverse("core:home_card", args=["counseling.student"])).status_code == 404
    assert counselor.get(reverse("core:home_card", args=["students.caseload"])).status_code == 404  # not live
    home_page = counselor.get(reverse("core:home")).content.decode()
    assert f'data-live-card="{reverse("core:home_card", args=["counseling.counselor"])}"' in home_page


def test_the_registry_answers_badges_only_for_allowed_entries(world):
    counts = registry.badges_for(world.siswa)
    assert set(counts) == {"counseling:home", "instruments:my", "information:my"}
    assert set(registry.badges_for(world.koordinator)) == {"counseling:inbox", "appointments:index", "cases:referrals"}
    assert registry.badges_for(world.walikelas) == {}  # their referrals page has no badge: nothing waits on them


# --- live.refresh ----------------------------------------------------------------------------------------------


def test_a_student_message_refreshes_the_counselors_who_may_claim_it_on_commit(
    world, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        student_writes(world)
    assert refreshed(published) == set()  # nothing before the commit
    for callback in callbacks:
        callback()
    # Told by the inbox event, which refreshes the badges and cards too (static/js/live.js): once,
    # not a live.refresh on top of it.
    groups = told(published)
    assert realtime.user_group(world.gurubk.pk) in groups
    assert realtime.user_group(world.koordinator.pk) in groups
    assert realtime.user_group(world.gurubk_other.pk) not in groups  # not their student
    assert realtime.user_group(world.siswa.pk) not in groups
    assert refreshed(published) == set()


def test_a_student_message_with_a_risk_alert_still_refreshes_every_alert_recipient(
    world, published, django_capture_on_commit_callbacks
):
    conversation = services.claim(services.start_conversation(world.student), world.gurubk)
    with django_capture_on_commit_callbacks(execute=True):
        (posted,) = services.post_messages(
            [services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "aku mau bunuh diri malam ini")]
        )
    assert posted.alert is not None
    recipients = {realtime.user_group(u) for u in posted.alert_user_ids}
    assert recipients <= told(published) | refreshed(published)
    assert realtime.user_group(world.gurubk.pk) in told(published)  # the handling counselor: the inbox


def test_a_counselor_reply_refreshes_the_student(world, published, django_capture_on_commit_callbacks):
    conversation = student_writes(world)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counselor_writes(conversation, world.gurubk)
    assert realtime.user_group(world.siswa.pk) in refreshed(published)


def test_a_claim_refreshes_everyone_who_could_have_claimed(world, published, django_capture_on_commit_callbacks):
    conversation = student_writes(world)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim(conversation, world.gurubk)
    assert {realtime.user_group(world.gurubk.pk), realtime.user_group(world.koordinator.pk)} <= refreshed(published)


def test_a_new_alert_and_its_decision_refresh_the_counselors(world, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert, _created = safety.raise_alert(
            student=world.student, source=Alert.Source.SHEET, source_id=777, items=[2], severity="high"
        )
    assert realtime.user_group(world.gurubk.pk) in refreshed(published)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        safety.decide(alert, world.gurubk, Alert.Status.HANDLED, "ditemui")
    assert {realtime.user_group(world.gurubk.pk), realtime.user_group(world.koordinator.pk)} <= refreshed(published)


def test_a_call_in_and_its_acknowledgement_refresh_both_sides(world, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_in = outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK ya.")
    assert refreshed(published) == set()
    for callback in callbacks:
        callback()
    assert realtime.user_group(world.siswa.pk) in refreshed(published)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outreach.acknowledge(call_in, world.siswa)
    assert realtime.user_group(world.gurubk.pk) in refreshed(published)


def test_the_socket_forwards_live_refresh_as_a_frame():
    import asyncio

    from ekonseling.counseling.consumers import CounselingConsumer

    sent = []
    consumer = CounselingConsumer()

    async def send(text_data=None, bytes_data=None, close=False):
        sent.append(json.loads(text_data))

    consumer.send = send
    asyncio.run(consumer.live_refresh({"type": realtime.LIVE_REFRESH}))
    assert sent == [{"type": "live.refresh"}]


def test_a_reply_refresh_skips_only_a_socket_showing_every_conversation_it_names():
    import asyncio

    from ekonseling.counseling.consumers import CounselingConsumer

    sent = []
    consumer = CounselingConsumer()

    async def send(text_data=None, bytes_data=None, close=False):
        sent.append(json.loads(text_data))

    consumer.send = send
    _group, event = protocol.reply_refresh_event(7, {12, 13})
    for subscribed, frames in (({12, 13, 14}, 0), ({12}, 1), (set(), 1)):
        consumer.subscribed = subscribed
        sent.clear()
        asyncio.run(consumer.live_refresh(event))
        assert sent == [{"type": "live.refresh"}] * frames, subscribed


def test_a_counselor_reply_tells_the_student_as_a_reply_refresh(world, published, django_capture_on_commit_callbacks):
    conversation = student_writes(world)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counselor_writes(conversation, world.gurubk)
    student = [event for group, event in published if group == realtime.user_group(world.siswa.pk)]
    assert student == [{"type": realtime.LIVE_REFRESH, "conversations": [conversation.pk]}]
    # The counselor's own refresh (what awaits their reply) names nothing: every page of theirs re-counts.
    assert (realtime.user_group(world.gurubk.pk), {"type": realtime.LIVE_REFRESH}) in published


# --- counselor-started conversations ----------------------------------------------------------------------------


def start(client, student, **data):
    fields = {"kind": "chat", "body": "Halo, apa kabar?", "client_key": str(uuid.uuid4()), **data}
    return client.post(reverse("counseling:start_for", args=[student.pk]), fields)


def test_a_guru_bk_starts_a_chat_with_a_student_of_their_caseload(world):
    client = client_for(world.gurubk)
    assert client.get(reverse("counseling:start_for", args=[world.student.pk])).status_code == 200

    response = start(client, world.student)

    conversation = Conversation.objects.get(student=world.student)
    assert response.status_code == 302 and response["Location"] == reverse(
        "counseling:conversation", args=[conversation.pk]
    )
    assert conversation.counselor == world.gurubk and conversation.kind == Conversation.Kind.CHAT
    assert conversation.events.filter(kind=ConversationEvent.Kind.STARTED).exists()
    message = conversation.messages.get()
    assert message.sender_role == Message.SenderRole.COUNSELOR and message.body == "Halo, apa kabar?"
    # The student sees it as an unread reply on their home.
    assert (
        reverse("counseling:conversation", args=[conversation.pk])
        in client_for(world.siswa).get(reverse("core:home")).content.decode()
    )


def test_a_double_submit_starts_one_conversation(world):
    client = client_for(world.gurubk)
    key = str(uuid.uuid4())
    start(client, world.student, client_key=key)
    start(client, world.student, client_key=key)
    assert Conversation.objects.filter(student=world.student).count() == 1
    assert Message.objects.count() == 1


def test_a_counselor_continues_an_unclaimed_open_chat_and_is_refused_one_handled_by_another(world):
    open_chat = student_writes(world)
    start(client_for(world.gurubk), world.student)
    open_chat.refresh_from_db()
    assert Conversation.objects.filter(student=world.student).count() == 1
    assert open_chat.counselor == world.gurubk and open_chat.last_seq == 2

    response = start(client_for(world.koordinator), world.student)
    assert response.status_code == 400
    assert world.gurubk.display_name in response.content.decode()
    with pytest.raises(outreach.OutreachError) as refused:
        outreach.start_for_student(world.student, world.koordinator, kind="chat", body="Halo", client_key=uuid.uuid4())
    assert refused.value.code == "counseling.chat_taken"


def test_a_letter_to_a_student_is_e_mailed_to_the_address_they_gave(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.student.email = "siswa.saya@contoh.id"
    world.student.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        start(
            client_for(world.gurubk),
            world.student,
            kind="letter",
            subject="Jadwal konseling",
            body="Halo, ayo bertemu.",
        )
    conversation = Conversation.objects.get(student=world.student)
    assert conversation.kind == Conversation.Kind.LETTER and conversation.subject == "Jadwal konseling"
    assert conversation.notify_student
    assert [m.to for m in mailoutbox] == [["siswa.saya@contoh.id"]]
    assert "ayo bertemu" not in mailoutbox[0].body  # a link only


def test_a_guru_bk_cannot_reach_out_to_a_student_outside_their_caseload(world):
    client = client_for(world.gurubk)
    assert client.get(reverse("counseling:start_for", args=[world.other_student.pk])).status_code == 404
    assert start(client, world.other_student).status_code == 404
    with pytest.raises(outreach.OutreachError) as refused:
        outreach.start_for_student(world.other_student, world.gurubk, kind="chat", body="x", client_key=uuid.uuid4())
    assert refused.value.code == "counseling.not_in_caseload"
    assert not Conversation.objects.exists()


def test_the_student_page_and_the_attention_list_link_to_reaching_out(world):
    url = reverse("counseling:start_for", args=[world.student.pk])
    assert url in client_for(world.gurubk).get(reverse("students:detail", args=[world.student.pk])).content.decode()
    assert (
        url not in client_for(world.walikelas).get(reverse("students:detail", args=[world.student.pk])).content.decode()
    )
    assert url not in client_for(world.siswa).get(reverse("students:detail", args=[world.student.pk])).content.decode()


# --- call-ins ----------------------------------------------------------------------------------------------------


def test_a_call_in_is_sent_seen_acknowledged_and_closed(world):
    counselor = client_for(world.gurubk)
    response = counselor.post(
        reverse("counseling:call_in_new", args=[world.student.pk]),
        {"message": "Tolong ke ruang BK saat istirahat.", "meet_at": "2026-12-04T09:30", "place": "Ruang BK"},
    )
    assert response.status_code == 302
    call_in = CallIn.objects.get()
    assert call_in.status == CallIn.Status.SENT and call_in.counselor == world.gurubk
    assert call_in.meet_at is not None and call_in.place == "Ruang BK"

    student = client_for(world.siswa)
    assert "Tolong ke ruang BK saat istirahat." in student.get(reverse("core:home")).content.decode()
    assert student.post(reverse("counseling:call_in_acknowledge", args=[call_in.pk])).status_code == 302
    call_in.refresh_from_db()
    assert call_in.status == CallIn.Status.ACKNOWLEDGED and call_in.acknowledged_at is not None
    assert 'data-status="acknowledged"' in counselor.get(reverse("counseling:call_ins")).content.decode()

    counselor.post(reverse("counseling:call_in_status", args=[call_in.pk]), {"status": "done"})
    call_in.refresh_from_db()
    assert call_in.status == CallIn.Status.DONE
    assert "Tolong ke ruang BK" not in student.get(reverse("core:home")).content.decode()  # closed: off the home


def test_the_call_in_message_is_encrypted_at_rest(world):
    from django.db import connection

    outreach.send_call_in(world.student, world.gurubk, message="Rahasia sekali")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT message FROM {CallIn._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "Rahasia" not in stored


def test_another_student_cannot_acknowledge_and_a_cancelled_call_in_cannot_be(world):
    call_in = outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK.")
    classmate = with_classmate_account(world)
    assert (
        client_for(classmate.user).post(reverse("counseling:call_in_acknowledge", args=[call_in.pk])).status_code == 404
    )
    outreach.set_call_in_status(call_in, world.gurubk, CallIn.Status.CANCELLED)
    with pytest.raises(outreach.OutreachError) as refused:
        outreach.acknowledge(call_in, world.siswa)
    assert refused.value.code == "counseling.call_in_cancelled"


def test_an_empty_call_in_is_refused_and_stores_nothing(world):
    response = client_for(world.gurubk).post(
        reverse("counseling:call_in_new", args=[world.student.pk]), {"message": " "}
    )
    assert response.status_code == 400
    assert not CallIn.objects.exists()


def test_only_the_sender_or_the_koordinator_closes_a_call_in(world):
    call_in = outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK.")
    with pytest.raises(outreach.OutreachError):
        outreach.set_call_in_status(call_in, world.gurubk_other, CallIn.Status.DONE)
    assert (
        client_for(world.gurubk_other)
        .post(reverse("counseling:call_in_status", args=[call_in.pk]), {"status": "done"})
        .status_code
        == 404
    )
    outreach.set_call_in_status(call_in, world.koordinator, CallIn.Status.CANCELLED)
    call_in.refresh_from_db()
    assert call_in.status == CallIn.Status.CANCELLED


def test_call_ins_are_in_the_personal_data_export(world):
    from ekonseling.core import personal_data

    outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK.", place="Ruang BK")
    data = personal_data.export(world.student, world.siswa)
    assert data["counseling"]["call_ins"][0]["message"] == "Ke ruang BK."
    assert data["counseling"]["call_ins"][0]["place"] == "Ruang BK"
    assert "call_ins" not in str(personal_data.export(world.student, world.operator).get("counseling"))


# --- the export's button and summary -----------------------------------------------------------------------------


def test_the_conversation_page_has_the_export_button_and_the_summary_goes_into_the_pdf(world):
    from tests.counseling.test_export import pdf_text

    conversation = student_writes(world)
    services.claim(conversation, world.gurubk)
    client = client_for(world.gurubk)
    page = client.get(reverse("counseling:conversation", args=[conversation.pk])).content.decode()
    assert reverse("counseling:export_pdf", args=[conversation.pk]) in page
    assert (
        client_for(world.siswa)
        .get(reverse("counseling:conversation", args=[conversation.pk]))
        .content.decode()
        .count(reverse("counseling:export_pdf", args=[conversation.pk]))
        == 0
    )

    client.post(
        reverse("counseling:summary", args=[conversation.pk]), {"summary": "Siswa merasa diejek; tindak lanjut."}
    )
    conversation.refresh_from_db()
    assert conversation.counselor_summary == "Siswa merasa diejek; tindak lanjut."

    text = pdf_text(client.get(reverse("counseling:export_pdf", args=[conversation.pk])).content)
    assert "Siswa merasa diejek" in text


# --- where notices go; who needs an e-mail -------------------------------------------------------------------------


def test_student_notices_use_the_e_mail_in_data_saya(world):
    assert not letters.may_be_notified(world.student)
    page = client_for(world.siswa).get(reverse("counseling:letter_new")).content.decode()
    assert reverse("students:my_profile") in page and 'data-notify="unavailable"' in page
    world.student.email = "saya@contoh.id"
    world.student.save(update_fields=["email"])
    assert letters.student_address(world.student) == "saya@contoh.id"
    page = client_for(world.siswa).get(reverse("counseling:letter_new")).content.decode()
    assert "saya@contoh.id" in page and 'data-notify="unavailable"' not in page


def test_the_add_user_form_requires_an_e_mail_for_counselors(world):
    from ekonseling.accounts.models import User

    client = client_for(world.operator)
    for role in (Role.GURU_BK, Role.KOORDINATOR_BK):
        response = client.post(
            "/admin/accounts/user/add/", {"username": f"baru-{role}", "full_name": "Baru", "role": role}
        )
        assert response.status_code == 200 and "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(username__startswith="baru-").exists()
    client.post("/admin/accounts/user/add/", {"username": "baru-wk", "full_name": "Baru", "role": Role.WALI_KELAS})
    client.post(
        "/admin/accounts/user/add/",
        {"username": "baru-bk", "full_name": "Baru", "role": Role.GURU_BK, "email": "baru@sekolah.sch.id"},
    )
    assert set(User.objects.filter(username__startswith="baru-").values_list("username", flat=True)) == {
        "baru-wk",
        "baru-bk",
    }


def test_a_new_administration_defaults_to_now(world):
    from django.utils import timezone

    response = client_for(world.gurubk).get(reverse("instruments:administration_new"))
    opens_at = response.context["form"].initial["opens_at"]
    assert abs((opens_at - timezone.now()).total_seconds()) < 120


def test_the_demo_homes_are_alive(db):
    from ekonseling.accounts.models import User
    from ekonseling.core import demo

    demo.load()
    demo.load()  # idempotent: still one call-in
    assert CallIn.objects.count() == 1
    users = {u.username: u for u in User.objects.filter(username__in=["gurubk", "gurubk2", "koordinator", "siswa"])}

    siswa = client_for(users["siswa"]).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-call-ins"' in siswa and 'data-testid="home-replies"' in siswa
    gurubk = client_for(users["gurubk"]).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-urgent"' in gurubk and "unreachable-self" not in gurubk
    assert 'data-testid="unreachable-self"' in client_for(users["gurubk2"]).get(reverse("core:home")).content.decode()
    koordinator = client_for(users["koordinator"]).get(reverse("core:home")).content.decode()
    assert 'data-unreachable="gurubk2"' in koordinator and 'data-unreachable="gurubk"' not in koordinator
    assert badges(users["gurubk"])["total"] > 0 and badges(users["siswa"])["total"] > 0


def test_reaching_out_to_a_student_without_an_account_is_refused_clearly(world):
    assert world.classmate.user_id is None
    response = start(client_for(world.gurubk), world.classmate)
    assert response.status_code == 400
    assert 'data-testid="no-account"' in response.content.decode()
    with pytest.raises(outreach.OutreachError) as refused:
        outreach.send_call_in(world.classmate, world.gurubk, message="Ke ruang BK.")
    assert refused.value.code == "counseling.no_account"
    assert not Conversation.objects.exists() and not CallIn.objects.exists()


def test_the_instruments_badge_counts_the_sheets_open_to_fill(world):
    from datetime import timedelta

    from django.utils import timezone

    from ekonseling.instruments.models import Assignment
    from tests.instruments.test_views_fill import administration, sheet_of

    assert badges(world.siswa)["badges"]["instruments:my"] == 0
    sheet = sheet_of(world)
    later = timezone.now() + timedelta(days=2)
    administration(world, "dcm-contoh.json", opens_at=later, closes_at=later + timedelta(days=1))  # not open yet
    assert badges(world.siswa)["badges"]["instruments:my"] == 1
    Assignment.objects.filter(pk=sheet.pk).update(status=Assignment.Status.SUBMITTED)
    assert badges(world.siswa)["badges"]["instruments:my"] == 0


@pytest.mark.parametrize("count", [1, 4])
def test_the_student_card_costs_a_fixed_number_of_queries(world, django_assert_num_queries, count):
    for _ in range(count):
        conversation = services.start_conversation(world.student, kind=Conversation.Kind.LETTER)
        counselor_writes(conversation, world.gurubk)
    outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK.")
    client = client_for(world.siswa)
    url = reverse("core:home_card", args=["counseling.student"])
    client.get(url)
    # session, user, second-factor device; conversations with unread replies, their counts; call-ins
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert page.count("data-conversation=") == count and page.count("data-call-in=") == 1


def test_an_administration_that_opens_now_refreshes_its_students(world, published, django_capture_on_commit_callbacks):
    from tests.instruments.test_views_fill import administration

    with django_capture_on_commit_callbacks(execute=True):
        administration(world)
    assert realtime.user_group(world.siswa.pk) in refreshed(published)
