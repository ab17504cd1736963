"""The one rate limiter: a counter per key and fixed window in the cache, shared by every process
when the cache is Redis.

A counter in the cache, not in a process or a connection, so a user cannot get more by opening
more tabs, sockets or server processes.
"""

import time

from django.core.cache import cache


def take(key: str, limit: int, window_seconds: int, count: int = 1) -> int:
    """Spend up to `count` uses of `key` in the current window; returns how many were allowed
    (all, some or none), so a batch of messages costs one cache round trip per sender."""
    if count <= 0:
        return 0
    bucket = f"ratelimit:{key}:{int(_now() // window_seconds)}"
    cache.add(bucket, 0, timeout=window_seconds + 1)
    try:
        used = cache.incr(bucket, count)
    except ValueError:  # the bucket expired between add and incr: a fresh window
        cache.add(bucket, count, timeout=window_seconds + 1)
        used = count
    return max(0, min(count, limit - (used - count)))


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """True while `key` has been used at most `limit` times in the current window."""
    return take(key, limit, window_seconds) == 1


def _now():
    return time.time()
