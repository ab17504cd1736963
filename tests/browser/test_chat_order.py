"""Messages typed while the server cannot be reached are stored and shown in the order typed.

The server numbers messages as they arrive; the page's outbox used to post every waiting message at
once in polling mode, and they were stored in whatever order the requests landed (3, 1, 2). Now the
polling outbox posts one message at a time and stops at the first failure.

Two ways to get there: (a) the real page through a real restart of the whole server (a deploy): the
socket drops, and either the page gets its socket back and sends the outbox over it, or three failed
reconnects have switched it to polling and it posts the outbox over HTTP; (b) a network that blocks
WebSockets (pytest-django's live server speaks none), with the message endpoint failing for the
first message while the next two are typed.
"""

import re

import pytest

from ekonseling.core import demo
from ekonseling.counseling.models import Conversation

from .conftest import DESKTOP
from .helpers import sign_in
from .test_chat import LIVE_MS, close_the_demo_chat_of_siswa, send

TYPED = ["item 1", "item 2", "item 3"]
STORED_MS = 20_000  # a poll every 3 s, after the page noticed the server is back


@pytest.fixture
def server_url(request):
    if "restartable_daphne" in request.fixturenames:
        return request.getfixturevalue("restartable_daphne").url
    return request.getfixturevalue("live_server").url


def start_a_chat(page):
    close_the_demo_chat_of_siswa()
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    page.goto("/konseling/chat/baru/")
    page.click("main form[data-chat-new] button[type=submit]")
    page.wait_for_selector("[data-chat]")
    return int(page.locator("[data-chat]").get_attribute("data-conversation"))


def stored_bodies(chat_id):
    return list(Conversation.objects.get(pk=chat_id).messages.order_by("seq").values_list("body", flat=True))


def shown_bodies(page):
    return page.locator("[data-log] li.msg .msg-body").all_inner_texts()


def wait_until_stored_and_shown(page, count):
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-log] li.msg[data-seq]').length === {count}"
        " && !document.querySelector('[data-log] li.msg:not([data-seq])')",
        timeout=STORED_MS,
    )


# After three failed reconnects the page polls over HTTP: the socket and the Redis channel layer play no part,
# so that run is made in the SQLite half only (tests/conftest.py).
@pytest.mark.parametrize(
    "page_after_outage", ["reconnects_the_socket", pytest.param("falls_back_to_polling", marks=pytest.mark.once)]
)
def test_messages_typed_during_a_server_restart_are_stored_in_typed_order(
    new_page, demo_school, restartable_daphne, page_after_outage
):
    page = new_page(DESKTOP)
    chat_id = start_a_chat(page)
    page.wait_for_selector("[data-chat][data-mode=live]", timeout=LIVE_MS)

    if page_after_outage == "reconnects_the_socket":
        # A short outage: the page keeps trying the socket (its count of failed attempts never
        # reaches the switch to polling) and sends the outbox over the new socket. Set before the
        # stop: "connecting" lasts only the few seconds of three quick retries, which a slow stop on
        # a loaded machine can outlast (the page would already poll).
        page.evaluate(
            "() => { const link = window.EKonselingChat.chats[0].link; const failed = link.failed.bind(link);"
            " link.failed = (blocked) => { link.fails = -1000; failed(blocked); }; }"
        )
    restartable_daphne.stop()
    # The socket is gone: "connecting", or already "polling" after three quick failed retries.
    page.wait_for_selector("[data-chat]:not([data-mode=live])", timeout=LIVE_MS)
    for text in TYPED:
        send(page, text)
    if page_after_outage == "falls_back_to_polling":
        # Three failed reconnects: the page polls (and its posts fail too while the server is down).
        page.wait_for_selector("[data-chat][data-mode=polling]", timeout=LIVE_MS)
    else:
        page.wait_for_timeout(3000)  # long enough for three failed attempts
        assert page.locator("[data-chat]").get_attribute("data-mode") == "connecting"
    assert page.locator("li.msg.mine:not([data-seq])").count() == 3
    restartable_daphne.start()

    if page_after_outage == "reconnects_the_socket":
        page.wait_for_selector("[data-chat][data-mode=live]", timeout=LIVE_MS)
    wait_until_stored_and_shown(page, 3)
    assert stored_bodies(chat_id) == TYPED
    assert shown_bodies(page) == TYPED
    seqs = page.locator("[data-log] li.msg").evaluate_all("items => items.map(li => Number(li.dataset.seq))")
    assert seqs == [1, 2, 3]


@pytest.mark.once  # the live server, polled over HTTP: no socket, no channel layer
def test_with_websockets_blocked_a_failing_post_holds_back_the_messages_after_it(new_page, demo_school):
    page = new_page(DESKTOP)
    chat_id = start_a_chat(page)
    page.wait_for_selector("[data-chat][data-mode=polling]", timeout=LIVE_MS)

    failing = {"on": True}
    posts = []

    def message_endpoint(route):
        request = route.request
        if request.method == "POST":
            body = request.post_data or ""
            posts.append(body)
            if failing["on"] and "item+1" in body:
                route.abort()  # the first message cannot get through
                return
        route.continue_()

    page.route(re.compile(r".*/konseling/\d+/pesan/$"), message_endpoint)
    for text in TYPED:
        send(page, text)
    page.wait_for_timeout(4000)  # more than a poll: the outbox is tried again meanwhile
    assert stored_bodies(chat_id) == []  # nothing overtakes the first message
    assert posts and all("item+1" in body for body in posts)

    failing["on"] = False
    wait_until_stored_and_shown(page, 3)
    assert stored_bodies(chat_id) == TYPED
    assert shown_bodies(page) == TYPED

    # A message frame the page already holds (a resend told again) is not shown twice.
    page.evaluate(
        """() => {
            const chat = window.EKonselingChat.chats[0];
            const first = document.querySelector('[data-log] li.msg[data-seq="1"]');
            chat.onFrame({type: "message", conversation: chat.id, seq: 1, sender_role: "student",
                          body: "item 1", created_at: new Date().toISOString(),
                          client_key: first.dataset.clientKey});
        }"""
    )
    assert shown_bodies(page) == TYPED
