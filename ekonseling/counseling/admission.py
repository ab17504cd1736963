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
import queue
import threading
from importlib import import_module
from typing import TYPE_CHECKING, Any

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import close_old_connections, connections
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
_pools: list[_Pool] = []


def threads() -> int:
    """Threads of the pool: a few for PostgreSQL (its work runs in other processes, so the calls
    overlap); one for SQLite, which takes one writer at a time anyway."""
    default = 1 if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4
    return getattr(settings, "SOCKET_DB_THREADS", None) or default


class _Pool:
    """The sockets' database threads. Each call runs on a free thread and its result goes back to
    the loop that asked. A thread keeps its database connection from one call to the next only
    while more calls wait in the queue (a storm of reconnecting sockets): giving it back to the
    connection pool and taking it again cost about 40 us of CPU per call, a few percent of a
    socket's connect. As soon as the queue is empty, or after a call that met a database error,
    the connection goes back, as Channels' database_sync_to_async does after every call: no
    connection outlives a burst of calls. A bare queue and the loop's own future, not
    run_in_executor: its two chained futures (one with a lock and a condition) were another
    10-15 us per call."""

    def __init__(self, size: int) -> None:
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.workers = [
            threading.Thread(target=self._work, name=f"counseling-db_{n}", daemon=True) for n in range(size)
        ]
        for worker in self.workers:
            worker.start()

    def submit(self, func: Callable[..., Any], args: tuple) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.queue.put((loop, future, func, args))
        return future

    def _work(self) -> None:
        holding = False
        while True:
            if holding:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    close_old_connections()  # the burst is over: the connection goes back
                    holding = False
                    continue
            else:
                item = self.queue.get()
            if item is None:
                close_old_connections()
                return
            loop, future, func, args = item
            if future.cancelled():
                continue  # its caller gave up before it started, as a cancelled executor job
            if not holding:
                close_old_connections()  # as database_sync_to_async: none left over from before
            try:
                result, error = func(*args), None
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's future
                result, error = None, exc
            # Given back before the caller hears of the result when nothing else waits.
            holding = error is None and not self.queue.empty() and _reusable()
            if not holding:
                close_old_connections()
            loop.call_soon_threadsafe(_settle, future, result, error)

    def shutdown(self) -> None:
        for _worker in self.workers:
            self.queue.put(None)
        for worker in self.workers:
            worker.join()


def _reusable() -> bool:
    """Whether this thread's connections may serve its next call: no error met, not left in a
    transaction (what close_if_unusable_or_obsolete checks before the age, which is always past
    with CONN_MAX_AGE 0)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and (
            conn.errors_occurred or conn.in_atomic_block or conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]
        ):
            return False
    return True


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


def _pool() -> _Pool:
    if not _pools:
        _pools.append(_Pool(threads()))
    return _pools[0]


async def run(func: Callable[..., Any], *args: Any) -> Any:
    """`func(*args)` on the sockets' database pool, not on Channels' single database thread."""
    return await _pool().submit(func, args)


def reset() -> None:
    """Drop the pool (tests start each on a fresh database): each thread gives its connection back."""
    for pool in _pools:
        pool.shutdown()
    _pools.clear()


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
