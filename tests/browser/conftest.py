"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

One browser per test session, one fresh context (cookies, storage, viewport) per test. The live
server uses a transactional database, flushed after every test, so demo data, sessions and
django-axes' failed-attempt records never leak from one test into the next.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop on the test thread; the ORM calls the tests make
# (demo data, looking up a user's role) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("EKONSELING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder (and only this folder) as a browser test."""
    for item in items:
        if item.path.parent == HERE or HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium (`make chromium`); never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def viewport():
    """The window size of `page`; a test module overrides this fixture for the phone-sized tests."""
    return DESKTOP


@pytest.fixture
def new_page(browser, live_server):
    """Make a page in a fresh browser context (a fresh cookie jar): a second user in the same test."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="id-ID",  # the site's default language; never ask for English
            timezone_id="Asia/Jakarta",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page, viewport):
    return new_page(viewport)


@pytest.fixture
def demo_school(transactional_db):
    """The demo school of `make run`, with every account that `demo.demo_logins()` prints."""
    from ekonseling.core import demo

    return demo.load()
