"""The one rate limiter: a counter per key and fixed window in the cache, shared by every process
when the cache is Redis.

A counter in the cache, not in a process or a connection, so a user cannot get more by opening
more tabs, sockets or server processes. A batch of keys costs one Redis round trip (one script
call), so a batch writer can check every sender of a batch at the speed of one.
"""

import time
import weakref
from collections.abc import Mapping

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# Every bucket of a batch in one command: add to each, and give a new one its lifetime.
_INCREMENT = """
local out = {}
for i, key in ipairs(KEYS) do
  local used = redis.call('INCRBY', key, ARGV[i])
  if used == tonumber(ARGV[i]) then redis.call('EXPIRE', key, ARGV[#ARGV]) end
  out[i] = used
end
return out
"""
# One registered script (and its client) per cache connection: building a client per call cost
# more than the round trip.
_scripts = weakref.WeakKeyDictionary()


def take_many(wanted: Mapping[str, int], limit: int, window_seconds: int) -> dict[str, int]:
    """Spend up to `wanted[key]` uses of each key in the current window; returns how many were
    allowed per key (all, some or none)."""
    window = int(_now() // window_seconds)
    buckets = {key: f"ratelimit:{key}:{window}" for key, count in wanted.items() if count > 0}
    used = _increment({buckets[key]: wanted[key] for key in buckets}, window_seconds + 1)
    allowed = {}
    for key, count in wanted.items():
        before = used[buckets[key]] - count if key in buckets else limit
        allowed[key] = max(0, min(count, limit - before))
    return allowed


def take(key: str, limit: int, window_seconds: int, count: int = 1) -> int:
    """Spend up to `count` uses of `key` in the current window; returns how many were allowed."""
    return take_many({key: count}, limit, window_seconds)[key]


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """True while `key` has been used at most `limit` times in the current window."""
    return take(key, limit, window_seconds) == 1


def _increment(counts: Mapping[str, int], timeout: int) -> dict[str, int]:
    """{bucket: its count after adding}; a bucket lives `timeout` seconds."""
    if not counts:
        return {}
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        script = _scripts.get(cache._cache)
        if script is None:
            script = _scripts[cache._cache] = cache._cache.get_client(write=True).register_script(_INCREMENT)
        buckets = list(counts)
        used = script(keys=[cache.make_key(b) for b in buckets], args=[*(counts[b] for b in buckets), timeout])
        return {bucket: int(n) for bucket, n in zip(buckets, used, strict=True)}
    used = {}
    for bucket, count in counts.items():
        cache.add(bucket, 0, timeout=timeout)
        try:
            used[bucket] = cache.incr(bucket, count)
        except ValueError:  # the bucket expired between add and incr: a fresh window
            cache.add(bucket, count, timeout=timeout)
            used[bucket] = count
    return used


def _now():
    return time.time()
