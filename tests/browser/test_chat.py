"""A student and a counselor chat in two browsers: messages arrive without a reload, text stays text,
and a message that signals risk puts its conversation on top of the inbox and shows the student
the crisis contacts.

Each test runs twice: against Daphne, where the pages talk over the WebSocket, and against
pytest-django's live server, which speaks no WebSocket, so static/js/chat.js falls back to polling
over HTTP (the socket fails three times, the page polls) — the network that blocks WebSockets.
"""

import re
import uuid

import pytest

from ekonseling.accounts.models import Role, User
from ekonseling.core import demo
from ekonseling.counseling import services
from ekonseling.counseling.models import Conversation
from ekonseling.students.models import Student

from .conftest import DESKTOP, MOBILE
from .helpers import data_page, horizontal_overflow, sign_in, widest_elements

XSS = '<img src=x onerror="window.__xss = 1"><script>window.__xss = 1</script>'
RISKY = "aku pengen bunuh diri aja"
LIVE_MS = 15_000  # socket attempts (~3 s) + one fallback poll of the inbox (5 s) or the chat (3 s), with slack


# The page polling over HTTP (pytest-django's live server, no channel layer) runs in the SQLite half only
# (tests/conftest.py): what differs by backend is the socket and the Redis channel layer.
@pytest.fixture(params=["socket", pytest.param("polling", marks=pytest.mark.once)])
def transport(request):
    return request.param


@pytest.fixture
def server_url(transport, live_server, request):
    return request.getfixturevalue("daphne_server") if transport == "socket" else live_server.url


def older_conversation(school):
    """A classmate of `siswa` in X-1 wrote earlier: the counselor's inbox is not empty."""
    classmate = Student.objects.filter(school=school, rombel__name="X-1", user__isnull=True).order_by("name").first()
    classmate.user = User.objects.create_user(
        username="siswa-x1-lain", password=demo.DEMO_PASSWORD, school=school, role=Role.SISWA
    )
    classmate.save(update_fields=["user"])
    conversation = services.start_conversation(classmate)
    (posted,) = services.post_messages(
        [services.Draft(conversation.pk, classmate.user, uuid.uuid4(), "Bu, saya mau konsultasi soal jurusan.")]
    )
    assert posted.error is None
    return conversation


def close_the_demo_chat_of_siswa():
    """The demo gives `siswa` a running chat; close it so that this test starts a new one."""
    Conversation.objects.filter(student__user__username="siswa", kind=Conversation.Kind.CHAT).update(
        status=Conversation.Status.CLOSED
    )


def row_ids(inbox):
    return [
        int(pk)
        for pk in inbox.locator("#inbox-list tbody tr[data-conversation]").evaluate_all(
            "rows => rows.map(r => r.dataset.conversation)"
        )
    ]


def send(page, text):
    page.fill("[data-chat] [data-body]", text)
    page.click("[data-chat] [data-send]")


def test_a_student_and_a_counselor_chat_live(new_page, demo_school, transport):
    older = older_conversation(demo_school)
    close_the_demo_chat_of_siswa()
    dialogs = []
    student = new_page(MOBILE)
    counselor_inbox = new_page(DESKTOP)
    for page in (student, counselor_inbox):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(student, "siswa", demo.DEMO_PASSWORD)
    sign_in(counselor_inbox, "gurubk", demo.DEMO_PASSWORD)

    counselor_inbox.goto("/konseling/inbox/")
    assert data_page(counselor_inbox) == "counseling-inbox"
    before = row_ids(counselor_inbox)
    assert older.pk in before

    # The student starts a chat with a first message.
    student.goto("/konseling/")
    student.click("[data-action=start-chat]")
    student.fill("#id_body", "Halo Bu, saya mau cerita.")
    student.click("main form[data-chat-new] button[type=submit]")
    student.wait_for_selector("[data-chat]")
    chat_id = int(student.locator("[data-chat]").get_attribute("data-conversation"))
    expected_mode = "live" if transport == "socket" else "polling"
    student.wait_for_selector(f"[data-chat][data-mode={expected_mode}]", timeout=LIVE_MS)
    assert student.locator("li.msg.mine .msg-body").inner_text() == "Halo Bu, saya mau cerita."

    # The counselor's open inbox shows it without a reload.
    counselor_inbox.wait_for_selector(f'#inbox-list tr[data-conversation="{chat_id}"]', timeout=LIVE_MS)

    # The counselor opens it in another tab (the inbox stays open) and replies.
    counselor = counselor_inbox.context.new_page()
    counselor.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    counselor.goto(f"/konseling/{chat_id}/")
    assert data_page(counselor) == "conversation-chat"
    assert counselor.locator("li.msg.theirs .msg-body").inner_text() == "Halo Bu, saya mau cerita."
    send(counselor, "Boleh, ceritakan saja.\nIbu mendengarkan.")
    counselor.wait_for_selector('li.msg.mine[data-seq="2"] .msg-status[data-status]', timeout=LIVE_MS)

    # The reply reaches the student without a reload, line break kept; the counselor's page read
    # the student's first message, and the student sees that.
    reply = student.locator('li.msg.theirs[data-seq="2"] .msg-body')
    reply.wait_for(timeout=LIVE_MS)
    assert reply.inner_text() == "Boleh, ceritakan saja.\nIbu mendengarkan."
    student.wait_for_selector('li.msg.mine[data-seq="1"] .msg-status[data-status="read"]', timeout=LIVE_MS)

    # Markup is shown as text on both sides and never runs.
    send(student, XSS)
    student.wait_for_selector('li.msg.mine[data-seq="3"]', timeout=LIVE_MS)
    assert student.locator('li.msg[data-seq="3"] .msg-body').inner_text() == XSS
    counselor.locator('li.msg.theirs[data-seq="3"]').wait_for(timeout=LIVE_MS)
    assert counselor.locator('li.msg[data-seq="3"] .msg-body').inner_text() == XSS
    for page in (student, counselor):
        assert page.locator("[data-log] img, [data-log] script").count() == 0
        assert page.evaluate("() => window.__xss") is None
    assert dialogs == []

    # A message that signals risk: crisis contacts for the student, the top of the inbox for the counselor.
    crisis = student.locator("[data-crisis]")
    assert crisis.is_hidden()
    # Answered by the counselor, the chat now ranks below the unclaimed older conversation.
    counselor_inbox.wait_for_function(
        f"""() => {{
            const rows = [...document.querySelectorAll('#inbox-list tbody tr[data-conversation]')];
            return rows.length > 1 && rows[0].dataset.conversation !== '{chat_id}'
                && rows.some(r => r.dataset.conversation === '{chat_id}');
        }}""",
        timeout=LIVE_MS,
    )
    send(student, RISKY)
    crisis.wait_for(state="visible", timeout=LIVE_MS)
    assert "119" in crisis.inner_text()
    assert "flag" not in student.content().lower()

    counselor_inbox.wait_for_function(
        f"""() => {{
            const first = document.querySelector('#inbox-list tbody tr[data-conversation]');
            return first && first.dataset.conversation === '{chat_id}' && first.dataset.urgent === '1';
        }}""",
        timeout=LIVE_MS,
    )
    assert set(row_ids(counselor_inbox)) == {chat_id, *before}
    assert counselor_inbox.locator(f'tr[data-conversation="{chat_id}"] [data-badge=urgent]').is_visible()

    # On a phone the composer stays on screen and nothing scrolls sideways.
    scroll_width, inner_width = horizontal_overflow(student)
    assert scroll_width <= inner_width, widest_elements(student)
    box = student.locator("[data-composer]").bounding_box()
    assert box["y"] + box["height"] <= MOBILE["height"] + 1
    assert re.fullmatch(r"\d+/4000.*", student.locator("[data-counter]").inner_text())


# It cuts the HTTP store off to make a message wait.
@pytest.mark.parametrize("transport", [pytest.param("polling", marks=pytest.mark.once)])
def test_an_unsent_message_survives_a_reload_and_is_stored_once(page, demo_school, transport):
    """The outbox: a message the server has not acknowledged stays in localStorage, comes back
    after a reload, and is sent (once) when the server can be reached again."""
    close_the_demo_chat_of_siswa()
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    page.goto("/konseling/chat/baru/")
    page.click("main form[data-chat-new] button[type=submit]")
    page.wait_for_selector("[data-chat]")
    chat_id = int(page.locator("[data-chat]").get_attribute("data-conversation"))

    # Too long: refused in the page with the numbers, nothing queued.
    page.fill("[data-chat] [data-body]", "x" * 4001)
    assert "4001" in page.locator("[data-composer-error]").inner_text()
    page.click("[data-chat] [data-send]")
    assert page.locator("li.msg").count() == 0

    # The server cannot be reached: the message waits, and survives a reload.
    page.route("**/pesan/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    send(page, "Tolong jangan hilang.")
    page.wait_for_function("() => document.querySelector('[data-chat]').dataset.mode === 'polling'", timeout=LIVE_MS)
    assert page.locator("li.msg.mine:not([data-seq]) .msg-status").get_attribute("data-status") == "pending"
    page.reload()
    pending = page.locator("li.msg.mine:not([data-seq])")
    assert pending.locator(".msg-body").inner_text() == "Tolong jangan hilang."

    page.unroute("**/pesan/")
    page.locator('li.msg.mine[data-seq="1"]').wait_for(timeout=LIVE_MS)
    assert pending.count() == 0
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('ekonseling.outbox'))") == []
    assert list(Conversation.objects.get(pk=chat_id).messages.values_list("body", flat=True)) == [
        "Tolong jangan hilang."
    ]
