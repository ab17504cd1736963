"""Admitting a counseling socket cheaply: after a deploy every open page reconnects at once.

Channels' session and auth middleware, then the consumer's own checks, used to make several
database calls one after the other per connection, each a hop to Channels' single database thread:
a thousand reconnecting pages queued behind that one thread. Here one call on a small pool of
threads of its own (`run`) loads the session, then the user with their school and whether they
have a confirmed second-factor device (one query), and decides: `AdmissionMiddleware` puts the user
and the verdict in the scope, and the consumer only closes with the code or says hello. The rules
are the HTTP middleware's, unchanged (docs/websocket.md, "Connecting").

The consumer's other database calls (subscribe, sync, a change of hands) run on the same pool, so
one slow call does not hold up every socket of the process.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import TYPE_CHECKING, Any

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import close_old_connections
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, user_has_device

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import policy, prepared

from . import protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.sessions.backends.base import SessionBase

# The key of the verdict in the scope: None when admitted, else the close code.
SCOPE_KEY = "counseling_admission"
_executors: list[ThreadPoolExecutor] = []


def threads() -> int:
    """Threads of the pool: a few for PostgreSQL (its work runs in other processes, so the calls
    overlap); one for SQLite, which takes one writer at a time anyway."""
    default = 1 if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4
    return getattr(settings, "SOCKET_DB_THREADS", None) or default


def _executor() -> ThreadPoolExecutor:
    if not _executors:
        _executors.append(ThreadPoolExecutor(max_workers=threads(), thread_name_prefix="counseling-db"))
    return _executors[0]


def _call(func: Callable[..., Any], *args: Any) -> Any:
    # As channels.db.database_sync_to_async: no connection outlives its call (the pool keeps them open).
    close_old_connections()
    try:
        return func(*args)
    finally:
        close_old_connections()


async def run(func: Callable[..., Any], *args: Any) -> Any:
    """`func(*args)` on the sockets' database pool, not on Channels' single database thread."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), functools.partial(_call, func, *args))


def reset() -> None:
    """Drop the pool (tests start each on a fresh database)."""
    for executor in _executors:
        executor.shutdown(wait=True)
    _executors.clear()


# --- the decision ---------------------------------------------------------------------------------------


def admit(session: SessionBase) -> tuple[User | AnonymousUser, int | None]:
    """(the session's user, None when they may use the socket, else the close code): two queries,
    the session and the user with their school and second-factor state."""
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    user, has_device = _load_user(load_backend(backend_path), user_id)
    if user is not None:
        # As django.contrib.auth.get_user: a password change or "sign out everywhere" ends the session.
        session_hash = session.get(HASH_SESSION_KEY)
        if not (session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
            session.flush()
            user = None
    if user is None or not user.is_active:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    return user, verdict(user, session, has_device)


def _load_user(backend: Any, user_id: Any) -> tuple[User | None, bool]:
    """The user as the backend would load it, and whether they have a confirmed OTP device."""
    if not isinstance(backend, ModelBackend):
        user = backend.get_user(user_id)
        return user, bool(user is not None and user_has_device(user, confirmed=True))
    user_by_pk, devices = _user_with_devices()
    user = user_by_pk.get(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return None, False
    return user, any(getattr(user, name) for name in devices)


@functools.cache
def _user_with_devices() -> tuple[prepared.Prepared, tuple[str, ...]]:
    """The user with their school and one `_otp_N` flag per device class, by pk: compiled once per
    process (compiling it was a quarter of a connect's admission CPU), run with each connect's pk;
    nothing of the user is cached. No .first(): it would sort the one row by pk."""
    devices = {
        f"_otp_{n}": Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        for n, model in enumerate(device_classes())
    }
    users = User._default_manager.select_related("school").annotate(**devices)
    return prepared.Prepared(lambda pk: users.filter(pk=pk), int), tuple(devices)


def verdict(user: User, session: SessionBase | None, has_device: bool) -> int | None:
    """None when the user may use the socket, else the close code (the HTTP middleware's rules)."""
    if user.role not in (Role.SISWA, *COUNSELOR_ROLES) or not policy.can(user, "conversation.view"):
        return protocol.CLOSE_FORBIDDEN
    if has_device and not (session and session.get(DEVICE_ID_SESSION_KEY)):
        return protocol.CLOSE_UNAUTHENTICATED
    if user.requires_two_factor and not has_device:
        return protocol.CLOSE_FORBIDDEN
    if user.must_change_password:
        return protocol.CLOSE_FORBIDDEN
    return None


class SocketSessionMiddleware(BaseMiddleware):
    """In place of Channels' SessionMiddleware for sockets: the session store of the cookie's key
    (it loads on first use, on the pool), and the socket's own `send`. Channels' version wraps
    `send` to save the session and set its cookie on `http.response.start`, which a socket never
    sends, yet it asked the session whether it was modified or empty before every frame, through
    a lazy proxy: a few microseconds each on the busiest path of the server."""

    async def __call__(self, scope, receive, send):
        key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        scope = dict(scope, session=_session_store()(key))
        return await self.inner(scope, receive, send)


@functools.cache
def _session_store() -> type[SessionBase]:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store, DatabaseSessionStore):
        return store
    by_key = prepared.Prepared(lambda key: store.get_model_class().objects.filter(session_key=key), str)
    salt = store().key_salt  # Django derives it from the class's name: the same sessions need the same salt

    class SocketSessionStore(store):
        """The configured store, reading its row with a lookup compiled once (`core.prepared`):
        by key, the expiry then checked here as the store's own `expire_date__gt=now` filter does."""

        @property
        def key_salt(self):
            return salt

        def _get_session_from_db(self):
            key = self.session_key
            row = None if key is None else by_key.get(key)
            if row is None or row.expire_date <= timezone.now():
                self._session_key = None
                return None
            return row

    return SocketSessionStore


class AdmissionMiddleware(BaseMiddleware):
    """In place of Channels' AuthMiddleware for the counseling socket: the user and the verdict
    in one database call on the pool (`admit`). The scope holds the user itself, not a lazy
    proxy: the consumer reads the user's id and role for nearly every frame it sends."""

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        scope["user"], scope[SCOPE_KEY] = await run(_admit_scope, scope)
        return await super().__call__(scope, receive, send)


def _admit_scope(scope: dict) -> tuple[User | AnonymousUser, int | None]:
    session = scope.get("session")
    if session is None:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    return admit(session)


def AdmissionMiddlewareStack(inner):  # noqa: N802 - named like Channels' AuthMiddlewareStack
    return CookieMiddleware(SocketSessionMiddleware(AdmissionMiddleware(inner)))
