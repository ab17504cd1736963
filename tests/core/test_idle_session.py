"""The idle-session middleware renews a session at most once per SESSION_RENEW_SECONDS, and the idle
expiry stays where it was: never later than SESSION_COOKIE_AGE after the last activity."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ekonseling.core import middleware


def _session(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def _session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_the_window_is_well_below_the_idle_time():
    assert 0 < settings.SESSION_RENEW_SECONDS <= settings.SESSION_COOKIE_AGE // 10


def test_a_request_within_the_window_does_not_write_the_session(client, world, login):
    login(world.gurubk)
    assert client.get("/beranda/").status_code == 200
    expiry = _session(client).expire_date

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/beranda/").status_code == 200

    assert _session_writes(queries) == []
    assert _session(client).expire_date == expiry


def test_a_request_after_the_window_renews_the_expiry(client, world, login, monkeypatch):
    login(world.gurubk)
    client.get("/beranda/")
    first = _session(client).expire_date
    stamp = client.session[middleware.RENEWED_AT]
    later = stamp + settings.SESSION_RENEW_SECONDS
    monkeypatch.setattr(middleware, "_now", lambda: later)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/beranda/").status_code == 200

    assert _session_writes(queries)
    assert _session(client).expire_date > first
    assert client.session[middleware.RENEWED_AT] == later


def test_activity_within_the_window_never_extends_the_expiry_past_the_idle_time(client, world, login):
    login(world.gurubk)
    client.get("/beranda/")
    client.get("/beranda/")  # inside the window: not saved
    last_activity = timezone.now()

    left = _session(client).expire_date - last_activity
    assert left <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert left >= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS)


def test_an_idle_session_still_ends_at_the_timeout_inside_the_window(client, world, login):
    login(world.gurubk)
    client.get("/beranda/")
    # The idle time passed since the last renewal; the stamp still says "renewed lately" by the
    # machine's clock, which must not keep the session alive.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/beranda/")

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_a_stamp_from_the_future_does_not_hold_back_the_renewal(client, world, login, monkeypatch):
    login(world.gurubk)
    client.get("/beranda/")
    first = _session(client).expire_date
    stamp = client.session[middleware.RENEWED_AT]
    monkeypatch.setattr(middleware, "_now", lambda: stamp - 5)  # the clock was set back

    client.get("/beranda/")

    assert _session(client).expire_date > first


def test_a_changed_session_is_saved_inside_the_window(rf, world):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    store = SessionStore()
    store["x"] = 1
    store[middleware.RENEWED_AT] = int(middleware._now())
    store.save()
    request = rf.get("/")
    request.session = SessionStore(store.session_key)
    request.session["x"] = 2
    middleware.IdleSessionMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())

    assert SessionStore(store.session_key)["x"] == 2


def test_sign_out_inside_the_window_ends_the_session(client, world, login):
    login(world.gurubk)
    client.get("/beranda/")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/keluar/")

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/beranda/").status_code == 302


def test_an_anonymous_visit_creates_no_session(client, db):
    client.get("/masuk/")

    assert not Session.objects.exists()
