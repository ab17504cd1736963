"""Open sockets follow their session: idle expiry closes them, and using the chat keeps it alive.

An HTTP request renews the session (SESSION_SAVE_EVERY_REQUEST); a socket frame does not, and a
socket outlives its handshake. So every SOCKET_SESSION_CHECK_SECONDS each server process looks up
the sessions of its open sockets, a few queries for all of them: it renews the sessions whose user
did something on a socket since the last look (sent, typed, read, opened a conversation, answered
a poll), and closes with 4401 the sockets whose session has expired or is gone, or whose account
was deactivated. Signing out closes a socket at once (`services.end_sockets`), and so does
deactivating an account in the administration (every session ends); this catches the rest: idle
expiry, a session an operator deleted, accounts closed in bulk (the year-end step's graduates).

Every socket of a signed-in user follows its session through `FollowsSession` (the counseling
socket, the live-poll socket of the information service): one mechanism, not a copy per consumer.

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

from ekonseling.accounts.models import User

log = logging.getLogger(__name__)

CHUNK = 500  # session keys per query
_watches = {}


def check_seconds():
    return getattr(settings, "SOCKET_SESSION_CHECK_SECONDS", 60)


class Presence:
    """One open socket: its session and user, and whether the user did anything since the last check."""

    __slots__ = ("session_key", "user_id", "active")

    def __init__(self, session_key, user_id=None):
        self.session_key = session_key
        self.user_id = user_id
        self.active = False


class Watch:
    def __init__(self, loop):
        self.sockets = {}  # channel name -> Presence
        self.task = loop.create_task(self._run())

    def add(self, channel_name, session_key, user_id=None):
        presence = self.sockets[channel_name] = Presence(session_key, user_id)
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
        users = {p.user_id for _c, p in snapshot if p.user_id is not None}
        alive, active_users = await database_sync_to_async(_live)({p.session_key for _c, p in snapshot}, active, users)
        layer = get_channel_layer()
        closed = 0
        for channel, presence in snapshot:
            ended = alive is not None and presence.session_key not in alive
            deactivated = presence.user_id is not None and presence.user_id not in active_users
            if (ended or deactivated) and channel in self.sockets:
                # Through the socket's own channel, so the consumer closes itself in its own task.
                await layer.send(channel, {"type": "session.ended", "session_key": presence.session_key})
                closed += 1
        return closed


def _session_model():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store.get_model_class() if hasattr(store, "get_model_class") else None


def _live(keys, active, user_ids):
    """(the live session keys, or None without a session table; the ids among `user_ids` whose
    account is still active)."""
    ids = sorted(user_ids)
    active_users = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        active_users.update(User.objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True))
    return _live_sessions(keys, active), active_users


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


class FollowsSession:
    """For a consumer of a signed-in user's socket: it closes with 4401 when the session ends.

    The consumer calls `follow_session()` once admitted and `unfollow_session()` on disconnect, and
    joins the user's group (`core.realtime.user_group`), where signing out sends `session.ended`
    (`services.end_sockets`); the watch sends the same event to the socket's own channel when the
    session expires or the account is deactivated. What the user does on the socket is marked on
    `self.presence.active` and renews the session at the next check.
    """

    CLOSE_SESSION_ENDED = 4401

    def follow_session(self, user_id):
        self.presence = watch().add(self.channel_name, self.scope["session"].session_key, user_id)
        return self.presence

    def unfollow_session(self):
        watch().discard(self.channel_name)

    async def session_ended(self, event):
        """The user signed out (here or everywhere), the session expired or the account was
        deactivated: an open socket must not outlive the session."""
        session = self.scope.get("session")
        if event.get("session_key") in (None, getattr(session, "session_key", None)):
            await self.close(code=self.CLOSE_SESSION_ENDED)


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
