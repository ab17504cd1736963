"""The app as a PWA (core/views_pwa.py): installable, static files from the service worker's cache on
the second visit, the offline page for a navigation without a connection, and no page of the app
kept on the phone."""

from urllib.parse import urlsplit

import pytest

from ekonseling.core import demo

from .conftest import MOBILE
from .helpers import HOME_URL, LOGIN_URL, data_page, sign_in

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


def sw_page(new_page):
    page = new_page(MOBILE, service_workers="allow")
    page.goto(LOGIN_URL)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    return page


def test_the_second_visit_takes_the_static_files_from_the_service_worker(new_page, transactional_db):
    page = sw_page(new_page)
    static = []
    page.on("response", lambda r: static.append(r) if urlsplit(r.url).path.startswith("/static/") else None)

    page.goto(LOGIN_URL)

    css = [r for r in static if urlsplit(r.url).path.endswith("/app.css")]
    assert css and all(r.from_service_worker for r in css), [(r.url, r.from_service_worker) for r in static]
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")


def test_the_app_is_installable(new_page, transactional_db):
    page = sw_page(new_page)
    page.goto(LOGIN_URL)  # controlled now
    session = page.context.new_cdp_session(page)
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == [] and '"E-Konseling"' in manifest["data"], manifest
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is a private window, where Chrome installs nothing: that says nothing
    # about the app, every other reason would.
    assert [e for e in errors if e["errorId"] != "in-incognito"] == [], errors


def test_offline_a_navigation_shows_the_offline_page_and_no_stored_page(new_page, demo_school):
    page = sw_page(new_page)
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    assert data_page(page) == "home-siswa"

    page.context.set_offline(True)
    page.goto(HOME_URL)  # a page seen a moment ago: still not kept
    assert data_page(page) == "offline"
    assert page.locator("main h1").inner_text() == "Tidak ada koneksi"
    assert "siswa" not in page.content().lower().replace('data-page="offline"', "")
    kept = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    assert all(url.startswith("/static/") or url == "/offline/" for url in kept), kept

    page.context.set_offline(False)
    page.goto(HOME_URL)
    assert data_page(page) == "home-siswa"


def test_a_chat_typed_offline_waits_in_the_outbox_and_is_sent_once_back_online(new_page, demo_school):
    """The service worker changes nothing for the chat: POSTs go past it, the outbox keeps the message
    (localStorage), an offline reload gets the offline page (the chat is not kept), and back online
    the chat page sends it, once."""
    from ekonseling.counseling.models import Conversation

    page = sw_page(new_page)
    sign_in(page, "siswa", demo.DEMO_PASSWORD)
    chat = Conversation.objects.filter(student__user__username="siswa", kind=Conversation.Kind.CHAT).first()
    page.goto(f"/konseling/{chat.pk}/")
    page.wait_for_selector("[data-chat]")
    before = chat.messages.count()

    page.context.set_offline(True)
    page.fill("[data-chat] [data-body]", "Ditulis tanpa sinyal.")
    page.click("[data-chat] [data-send]")
    pending = page.locator("li.msg.mine:not([data-seq])")
    pending.wait_for()
    assert pending.locator(".msg-status").get_attribute("data-status") == "pending"
    outbox = "() => Object.keys(localStorage).filter(k => k.startsWith('ekonseling.outbox'))"
    assert page.evaluate(outbox) != []

    page.reload()
    assert data_page(page) == "offline"

    page.context.set_offline(False)
    page.goto(f"/konseling/{chat.pk}/")
    page.wait_for_function(f"() => !({outbox})().length", timeout=20_000)
    assert list(chat.messages.order_by("seq").values_list("body", flat=True)[before:]) == ["Ditulis tanpa sinyal."]
