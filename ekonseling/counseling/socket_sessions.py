"""Open sockets follow their session: idle expiry closes them, and using the chat keeps it alive.

An HTTP request renews the session (SESSION_SAVE_EVERY_REQUEST); a socket frame does not, and a
socket outlives its handshake. So every SOCKET_SESSION_CHECK_SECONDS each server process looks up
the sessions of its open sockets, a few queries for all of them: it renews the sessions whose user
did something on a socket since the last look (sent, typed, read, opened a conversation), and
closes with 4401 the sockets whose session has expired or is gone. Signing out closes a socket at
once (`services.end_sockets`); this catches the rest: idle expiry, a session an operator deleted.

It needs a database-backed session engine (Django's default, and ours); with another engine the
sockets are left open, as before.
"""

import asyncio
import datetime
import logging
from importlib import import_module

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

CHUNK = 500  # session keys per query
_watches = {}


def check_seconds():
    return getattr(settings, "SOCKET_SESSION_CHECK_SECONDS", 60)


class Presence:
    """One open socket: its session, and whether its user did anything since the last check."""

    __slots__ = ("session_key", "active")

    def __init__(self, session_key):
        self.session_key = session_key
        self.active = False


class Watch:
    def __init__(self, loop):
        self.sockets = {}  # channel name -> Presence
        self.task = loop.create_task(self._run())

    def add(self, channel_name, session_key):
        presence = self.sockets[channel_name] = Presence(session_key)
        return presence

    def discard(self, channel_name):
        self.sockets.pop(channel_name, None)

    async def _run(self):
        while True:
            await asyncio.sleep(check_seconds())
            try:
                await self.check()
            except Exception:
                log.exception("checking the sessions of open sockets failed")

    async def check(self):
        """Renew the sessions in use, close the sockets of sessions that ended; returns how many closed."""
        if not self.sockets:
            return 0
        snapshot = list(self.sockets.items())
        active = {presence.session_key for _channel, presence in snapshot if presence.active}
        for _channel, presence in snapshot:
            presence.active = False
        alive = await database_sync_to_async(_live_sessions)({p.session_key for _c, p in snapshot}, active)
        if alive is None:
            return 0
        layer = get_channel_layer()
        closed = 0
        for channel, presence in snapshot:
            if presence.session_key not in alive and channel in self.sockets:
                # Through the socket's own channel, so the consumer closes itself in its own task.
                await layer.send(channel, {"type": "session.ended", "session_key": presence.session_key})
                closed += 1
        return closed


def _session_model():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class() if hasattr(store, "get_model_class") else None


def _live_sessions(keys, active):
    """The keys among `keys` whose session has not expired, after renewing those in `active`;
    None when the session engine keeps no table to look in."""
    model = _session_model()
    if model is None:
        return None
    now = timezone.now()
    live = model.objects.filter(expire_date__gt=now)
    renewed_until = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    active = sorted(active)
    for start in range(0, len(active), CHUNK):
        live.filter(session_key__in=active[start : start + CHUNK]).update(expire_date=renewed_until)
    keys = sorted(keys)
    alive = set()
    for start in range(0, len(keys), CHUNK):
        alive.update(live.filter(session_key__in=keys[start : start + CHUNK]).values_list("session_key", flat=True))
    return alive


def watch():
    """The watch of the running event loop (Daphne runs one loop per process)."""
    loop = asyncio.get_running_loop()
    current = _watches.get(loop)
    if current is None or current.task.done():
        current = _watches[loop] = Watch(loop)
    return current


def reset():
    """Drop the watches (tests start each on a fresh loop)."""
    for current in _watches.values():
        current.task.cancel()
    _watches.clear()
