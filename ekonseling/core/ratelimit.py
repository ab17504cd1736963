"""A small counter in the cache, shared by every process when the cache is Redis."""

import time

from django.core.cache import cache


def allow(key, limit, window_seconds):
    """True while `key` has been used at most `limit` times in the current window."""
    bucket = f"ratelimit:{key}:{int(_now() // window_seconds)}"
    cache.add(bucket, 0, timeout=window_seconds + 1)
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # the bucket expired between add and incr: a fresh window
        cache.add(bucket, 1, timeout=window_seconds + 1)
        return True


def _now():
    return time.time()
