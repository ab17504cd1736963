"""Issue 13 at 360 px: a student's risky message appears on the counselor's home at once, without a
reload (the card and the menu badge refresh on `live.refresh`, static/js/live.js), the counselor
takes the conversation from there, records the session from the conversation in one step and finds
it in the month's report.

Runs twice, as the chat's browser tests do: against Daphne, where the home page hears `live.refresh`
over the WebSocket, and against pytest-django's live server, which speaks no WebSocket, so live.js
falls back to its interval — the network that blocks WebSockets.
"""

import re

import pytest

from ekonseling.accounts.models import Role, User
from ekonseling.core import demo
from ekonseling.counseling.models import Conversation
from ekonseling.records.models import ServiceRecord
from ekonseling.students.models import Student

from .conftest import MOBILE
from .helpers import assert_fits, data_page, sign_in

RISKY = "aku pengen bunuh diri aja"
LIVE_MS = {"socket": 10_000, "polling": 25_000}  # a frame at once; or the 15 s interval, with slack


# The page polling over HTTP (pytest-django's live server, no channel layer) runs in the SQLite half only
# (tests/conftest.py): what differs by backend is the socket and the Redis channel layer.
@pytest.fixture(params=["socket", pytest.param("polling", marks=pytest.mark.once)])
def transport(request):
    return request.param


@pytest.fixture
def server_url(transport, live_server, request):
    return request.getfixturevalue("daphne_server") if transport == "socket" else live_server.url


def classmate_with_account(school):
    """An X-1 student of `gurubk` with an account and no conversation yet."""
    classmate = Student.objects.filter(school=school, rombel__name="X-1", user__isnull=True).order_by("name").first()
    classmate.user = User.objects.create_user(
        username="siswa-x1-risiko", password=demo.DEMO_PASSWORD, school=school, role=Role.SISWA
    )
    classmate.save(update_fields=["user"])
    return classmate


def menu_total(page):
    text = page.locator("[data-menu-badge-total]").text_content() or "0"
    return int(text.rstrip("+") or 0)


def test_a_risky_message_appears_on_the_counselor_home_at_once_and_is_taken_there(new_page, demo_school, transport):
    classmate_with_account(demo_school)
    counselor = new_page(MOBILE)
    sign_in(counselor, "gurubk", demo.DEMO_PASSWORD)
    assert data_page(counselor) == "home-counselor"
    counselor.wait_for_selector('[data-testid="home-counseling"]')
    counselor.wait_for_function("() => document.body.dataset.liveBadgesAt")  # the badges were counted once
    if transport == "socket":
        counselor.wait_for_selector("body[data-live-mode=live]", timeout=LIVE_MS[transport])
    badge_before = menu_total(counselor)
    counselor.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads

    # The student, on their phone, starts a chat with a message that signals risk.
    student = new_page(MOBILE)
    sign_in(student, "siswa-x1-risiko", demo.DEMO_PASSWORD)
    student.goto("/konseling/chat/baru/")
    student.fill("#id_body", RISKY)
    student.click("main form[data-chat-new] button[type=submit]")
    student.wait_for_selector("[data-chat]")
    chat_id = int(student.locator("[data-chat]").get_attribute("data-conversation"))

    # It appears among the urgent ones on the counselor's open home, with "Ambil", and the menu counts it.
    row = counselor.locator(f'[data-testid="home-urgent"] [data-conversation="{chat_id}"]')
    row.wait_for(timeout=LIVE_MS[transport])
    assert counselor.evaluate("() => window.__sameDocument") is True  # no reload
    counselor.wait_for_function(
        f"() => Number(document.querySelector('[data-menu-badge-total]').textContent) > {badge_before}",
        timeout=LIVE_MS[transport],
    )
    assert_fits(counselor, "the counselor's home", width=MOBILE["width"])

    # The counselor takes it from the home and lands in the conversation.
    claim = row.locator("[data-action=claim]")
    assert claim.inner_text().strip() == "Ambil"
    claim.click()
    counselor.wait_for_url(f"**/konseling/{chat_id}/")
    conversation = Conversation.objects.select_related("counselor").get(pk=chat_id)
    assert conversation.counselor.username == "gurubk" and conversation.urgent

    # Back home it is still urgent (its alert is open) but theirs: no "Ambil" any more.
    counselor.goto("/beranda/")
    row = counselor.locator(f'[data-testid="home-urgent"] [data-conversation="{chat_id}"]')
    row.wait_for()
    assert row.locator("[data-action=claim]").count() == 0

    # From the conversation, the session is recorded in one step and found in the month's report.
    counselor.goto(f"/konseling/{chat_id}/")
    counselor.locator("[data-action=record-session]").click()
    counselor.wait_for_url(re.compile(rf"/layanan/baru/\?percakapan={chat_id}$"))
    assert counselor.locator("#id_medium").input_value() == "chat"
    counselor.select_option("#id_bidang", "pribadi")
    topic = f"Sesi darurat {transport}"
    counselor.fill("#id_topic", topic)
    counselor.fill("#id_description", "Rencana keselamatan disusun bersama siswa.")
    counselor.locator("[data-action=save-record]").click()
    counselor.wait_for_url(re.compile(r"/layanan/\d+/$"))
    record = ServiceRecord.objects.get(topic=topic)
    assert record.conversation_id == chat_id
    counselor.goto("/layanan/laporan/")
    row = counselor.locator(f'[data-testid=activities] tr[data-activity="{record.pk}"]')
    if row.count() == 0:  # 50 activities a page, oldest first
        counselor.locator(".pager a").last.click()
        row = counselor.locator(f'[data-testid=activities] tr[data-activity="{record.pk}"]')
    assert topic in row.inner_text()
    assert_fits(counselor, "the monthly report", width=MOBILE["width"])
