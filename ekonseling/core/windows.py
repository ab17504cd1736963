"""The opening window shared by everything students fill in within a time (instrument
administrations, sociometric surveys): open from `opens_at` (inclusive) until `closes_at`
(exclusive). Pure: the callers pass their own times, and word their own refusals.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


def valid(opens_at: datetime, closes_at: datetime) -> bool:
    """A window must close after it opens."""
    return closes_at > opens_at


def state(opens_at: datetime, closes_at: datetime, now: datetime | None = None) -> str:
    """ "upcoming", "open" or "closed" at `now` (default: the current time)."""
    now = now or timezone.now()
    if now < opens_at:
        return UPCOMING
    return OPEN if now < closes_at else CLOSED


def is_open(opens_at: datetime, closes_at: datetime, now: datetime | None = None) -> bool:
    return state(opens_at, closes_at, now) == OPEN
