import os

import pytest
from cryptography.fernet import Fernet

from . import factories

TEST_DATA_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _fresh_pool():
    """A socket test leaves one of PostgreSQL's pooled connections checked out, on a thread of a loop
    that is gone: the pool (20) counted it as in use for the rest of the run, and after about twenty
    socket tests every test waited 10 s for a connection and failed (PoolTimeout). After a test that
    left more than the test's own connection checked out, a fresh pool (autouse fixtures are torn
    down last, after the database fixtures). Only then: a new pool for every test cost the
    PostgreSQL run about a tenth of its time."""
    yield
    from django.db import connection

    pool = getattr(connection, "pool", None) if connection.vendor == "postgresql" else None
    if pool is not None:
        stats = pool.get_stats()
        if stats.get("pool_size", 0) - stats.get("pool_available", 0) > 1:
            connection.close()
            connection.close_pool()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.DATA_KEYS = [TEST_DATA_KEY]
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"] + settings.PASSWORD_HASHERS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from ekonseling.counseling import lexicons

    cache.clear()
    lexicons.forget()  # school ids come again in a fresh test database
    yield
    cache.clear()
    lexicons.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Indonesian): a request made in English (the
    LocaleMiddleware activates its language for the thread) must not leak into the next test."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def world(db):
    return factories.SchoolWorld("SMA Negeri Uji")


@pytest.fixture
def other_world(db):
    return factories.SchoolWorld("SMA Lain")


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form (axes, signals and all)."""

    def sign_in(user, password=factories.PASSWORD):
        response = client.post("/masuk/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "live_server", "client", "async_client", "admin_client"}
)


def _pure_risk_screen_test(item):
    """A risk-screen test that touches no database (lexicon, model, labelled sets): backend-independent, so it
    runs once, in the SQLite half, like a `once` test. There are some 1,400 of them, minutes of pure Python
    that the PostgreSQL half, the longer one, need not repeat."""
    if not item.nodeid.startswith("tests/counseling/test_risk"):
        return False
    uses_database = _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("django_db")
    return not uses_database


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread for
    the rest of the session, and the asyncio tests (WebSocket consumers) need it free."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
    # What a page looks like and which words it uses do not depend on the database: the long walks over
    # every page (360 px + axe, the language scans), the browser tests of pages whose server side is
    # tested on both backends and the chat pages' runs that poll over HTTP (no socket, no channel layer) run
    # once, in the SQLite half of `make test`. Those marked
    # `once(half="postgres")` (retraining the risk model, the language scans, the admin walk: about three
    # minutes) run in the PostgreSQL half
    # instead, when `make test` runs one (EKONSELING_POSTGRES_HALF=1): the two halves share two cores, and
    # the SQLite half was the longer. The risk screen's pure-Python tests run once too, in the SQLite half
    # (_pure_risk_screen_test): since round forty the PostgreSQL half was the longer.
    postgres_half = os.environ.get("EKONSELING_POSTGRES_HALF") == "1"
    in_postgres = bool(os.environ.get("DATABASE_URL"))
    for item in items:
        marker = item.get_closest_marker("once")
        if marker is None and not _pure_risk_screen_test(item):
            continue
        wants_postgres = marker is not None and marker.kwargs.get("half") == "postgres"
        if in_postgres and not wants_postgres:
            item.add_marker(pytest.mark.skip(reason="backend-independent: run in the SQLite half of make test"))
        elif not in_postgres and wants_postgres and postgres_half:
            item.add_marker(pytest.mark.skip(reason="backend-independent: run in the PostgreSQL half of make test"))
