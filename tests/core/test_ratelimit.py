"""The one rate limiter: a counter per key and window, checked for many keys at once."""

import uuid

import pytest

from ekonseling.core import ratelimit


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """Both stores the limiter knows: the in-process cache, and Redis (one pipeline per batch).
    Changing CACHES through `settings` makes Django open the caches afresh."""
    if request.param == "redis":
        if not getattr(settings, "REDIS_URL", ""):
            pytest.skip("needs Redis (REDIS_URL)")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
        }
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return request.param


def in_window(monkeypatch, seconds):
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_000.0 + seconds)


def test_a_batch_spends_each_keys_budget_and_says_how_many_went(cache_backend, monkeypatch):
    in_window(monkeypatch, 0)
    a, b = f"a-{uuid.uuid4()}", f"b-{uuid.uuid4()}"

    first = ratelimit.take_many({a: 2, b: 4}, limit=3, window_seconds=15)
    second = ratelimit.take_many({a: 2, b: 1}, limit=3, window_seconds=15)

    assert first == {a: 2, b: 3}
    assert second == {a: 1, b: 0}
    assert ratelimit.allow(a, 3, 15) is False


def test_a_new_window_starts_afresh(cache_backend, monkeypatch):
    key = f"k-{uuid.uuid4()}"
    in_window(monkeypatch, 0)
    assert ratelimit.take(key, 1, 15, count=5) == 1
    assert ratelimit.allow(key, 1, 15) is False
    in_window(monkeypatch, 15)
    assert ratelimit.allow(key, 1, 15) is True


def test_with_redis_a_batch_of_keys_is_one_round_trip(cache_backend, monkeypatch):
    if cache_backend != "redis":
        pytest.skip("the Redis store only")
    from redis.client import Redis

    in_window(monkeypatch, 0)
    commands = []
    real_execute = Redis.execute_command
    monkeypatch.setattr(
        Redis, "execute_command", lambda self, *a, **k: commands.append(a[0]) or real_execute(self, *a, **k)
    )

    ratelimit.take_many({"first": 1}, 5, 15)  # Redis learns the script (once per server)
    commands.clear()
    allowed = ratelimit.take_many({f"u{n}-{uuid.uuid4()}": 1 for n in range(20)}, 5, 15)

    assert set(allowed.values()) == {1}
    assert commands == ["EVALSHA"]
