"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

One browser per test session, one fresh context (cookies, storage, viewport) per test. The live
server uses a transactional database, flushed after every test, so demo data, sessions and
django-axes' failed-attempt records never leak from one test into the next.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
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
def playwright():
    """One Playwright for the whole run: its sync API runs an event loop of its own, and a second
    one started while the first lives fails ("Sync API inside the asyncio loop"). Tests that need a
    browser with other flags (fake media) launch it from this one."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium (`make chromium`); never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


def wait_until_the_servers_are_quiet(timeout=10.0, quiet_checks=3, pause=0.05):
    """Wait until no other session on the test database (Daphne's process, the live server's
    threads) is running a query or holding a transaction open, on PostgreSQL. The flush after a
    test truncates every table; a request still being served when the browser closed (a message
    the batch writer was storing) held a lock on one table and wanted another that the flush had
    taken: PostgreSQL ended the deadlock by failing the flush, and with it the test. Quiet a few
    checks in a row, so that a request starting just after one check is seen by the next."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return True  # SQLite waits on a lock for its busy timeout; it never deadlocks a flush
    deadline = time.monotonic() + timeout
    quiet = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        quiet = 0 if busy else quiet + 1
        if quiet >= quiet_checks:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(pause)


@pytest.fixture(autouse=True)
def _quiet_before_the_flush(request):
    """Torn down after the test's browser contexts closed and before the database is flushed (it
    asks for the database first, so that the flush is torn down after it)."""
    # Daphne's tests name transactional_db themselves (daphne_server's docstring): pytest-django makes a test
    # transactional from the fixtures it names, not from one asked for on the way.
    if not {"live_server", "transactional_db"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if not wait_until_the_servers_are_quiet():
        warnings.warn("a server's database session was still busy 10 s after the test; flushing anyway", stacklevel=1)


@pytest.fixture
def viewport():
    """The window size of `page`; a test module overrides this fixture for the phone-sized tests."""
    return DESKTOP


@pytest.fixture
def server_url(live_server):
    """Where the pages load from; a test module may override it (for example with `daphne_server`)."""
    return live_server.url


@pytest.fixture
def new_page(browser, server_url):
    """Make a page in a fresh browser context (a fresh cookie jar): a second user in the same test."""
    contexts = []

    def make(viewport=DESKTOP, service_workers="block"):
        context = browser.new_context(
            base_url=server_url,
            viewport=viewport,
            locale="id-ID",  # the site's default language; never ask for English
            timezone_id="Asia/Jakarta",
            # The app's service worker (core/views_pwa.py) would stand between page.route() and the
            # network; only the PWA tests (test_pwa.py) let it run.
            service_workers=service_workers,
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


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Daphne:
    """The app under Daphne (HTTP and WebSocket) on the test database, as `make run` serves it, in a
    process of its own that a test may stop and start again on the same port: a deploy."""

    def __init__(self, port=None):
        from tests.conftest import TEST_DATA_KEY

        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "EKONSELING_TESTING": "1",
            "DATABASE_URL": _database_url(),
            "EKONSELING_DATA_KEYS": TEST_DATA_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "ekonseling.asgi:application"],
            cwd=HERE.parent.parent,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310
                    return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("Daphne did not start for the browser tests") from None
                time.sleep(0.2)

    def stop(self):
        """Stop the whole process (its open sockets drop, as in a deploy); the port is free again."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker):
    """Daphne for the whole session. pytest-django's live server speaks no WebSocket; this one does.
    It reads the same test database (a file on SQLite), so tests using it need committed data
    (`transactional_db`)."""
    server = Daphne().start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def restartable_daphne(django_db_setup, transactional_db):
    """A Daphne of this test's own, to stop and start again (`.stop()`, `.start()`) on the same port
    and database file."""
    server = Daphne().start()
    try:
        yield server
    finally:
        server.stop()
