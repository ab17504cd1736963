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

In a storm the connects wait for the pool's threads together, and a thread takes every waiting
call of the same function at once (`_Pool._gather`) when the function has a `batched` version:
admissions (`_admit_scopes`: all their sessions in one query, all their users in one more) and
subscribes (`consumers._open_many`: their conversations in one query per side). Each is still
decided alone, by the same rules and the policy, on instances of its own; only the reads are
shared. Measured in process, 400 sockets connecting 50 at a time on PostgreSQL: 3.1 queries per
connect before, 0.9-1.2 after, and CPU per connect (the test client's included) 1.9-2.3 ms before,
1.25-1.65 ms after.
"""

from __future__ import annotations

import asyncio
import collections
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
from django.db.models import Exists, OuterRef, QuerySet
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
# The most calls of one function a pool thread runs together (`_Pool._gather`, `batched`).
BATCH = 50
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
        set_aside: collections.deque = collections.deque()  # taken while gathering a batch, not of it
        while True:
            if set_aside:
                item = set_aside.popleft()
            elif holding:
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
            batched = getattr(func, "batched", None)
            items = [item] if batched is None else self._gather(item, set_aside)
            if len(items) == 1:
                try:
                    outcomes = [(func(*args), None)]
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's future
                    outcomes = [(None, exc)]
            else:
                try:
                    outcomes = batched([args for _loop, _future, _func, args in items])
                except BaseException as exc:  # noqa: BLE001 - handed to every caller of the batch
                    outcomes = [(None, exc)] * len(items)
            failed = any(error is not None for _result, error in outcomes)
            # Given back before the callers hear of their results when nothing else waits.
            holding = not failed and (set_aside or not self.queue.empty()) and _reusable()
            if not holding:
                close_old_connections()
            for (loop, future, _func, _args), (result, error) in zip(items, outcomes, strict=True):
                loop.call_soon_threadsafe(_settle, future, result, error)

    def _gather(self, first: tuple, set_aside: collections.deque) -> list[tuple]:
        """`first` and the calls of the same function waiting behind it (up to BATCH), to run
        together; other calls taken meanwhile are kept, in order, for this thread's next turns
        (the shutdown marker too)."""
        items = [first]
        while len(items) < BATCH:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                break
            if item is None:  # shutting down: the batch runs, then the thread ends
                set_aside.append(item)
                break
            if item[1].cancelled():
                continue
            if item[2] is first[2]:
                items.append(item)
            else:
                set_aside.append(item)
        return items

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


def admit(session: SessionBase, loaded: dict | None = None) -> tuple[User | AnonymousUser, int | None]:
    """(the session's user, None when they may use the socket, else the close code): two queries,
    the session and the user with their school and second-factor state; none for a user found in
    `loaded` (`_admit_scopes`: {pk: user} loaded for a batch of admissions)."""
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    user, has_device = _load_user(load_backend(backend_path), user_id, loaded)
    if user is not None:
        # As django.contrib.auth.get_user: a password change or "sign out everywhere" ends the session.
        session_hash = session.get(HASH_SESSION_KEY)
        if not (session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
            session.flush()
            user = None
    if user is None or not user.is_active:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    return user, verdict(user, session, has_device)


def _load_user(backend: Any, user_id: Any, loaded: dict | None = None) -> tuple[User | None, bool]:
    """The user as the backend would load it, and whether they have a confirmed OTP device."""
    if not isinstance(backend, ModelBackend):
        user = backend.get_user(user_id)
        return user, bool(user is not None and user_has_device(user, confirmed=True))
    user_by_pk, devices = _user_with_devices()
    # Each admission its own instance: a second one of the same pk in a batch loads anew.
    user = loaded.pop(user_id) if loaded is not None and user_id in loaded else user_by_pk.get(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return None, False
    return user, any(getattr(user, name) for name in devices)


@functools.cache
def _user_with_devices() -> tuple[prepared.Prepared, tuple[str, ...]]:
    """The user with their school and one `_otp_N` flag per device class, by pk: compiled once per
    process (compiling it was a quarter of a connect's admission CPU), run with each connect's pk;
    nothing of the user is cached. No .first(): it would sort the one row by pk."""
    users, devices = _users_with_devices()
    return prepared.Prepared(lambda pk: users.filter(pk=pk), int), devices


@functools.cache
def _users_with_devices_by_pks() -> prepared.Prepared:
    """`_user_with_devices` for a list of pks, one array parameter (PostgreSQL: `_admit_scopes`)."""
    users, _devices = _users_with_devices()
    return prepared.by_array(users, "id")


def _users_with_devices() -> tuple[QuerySet, tuple[str, ...]]:
    devices = {
        f"_otp_{n}": Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        for n, model in enumerate(device_classes())
    }
    return User._default_manager.select_related("school").annotate(**devices), tuple(devices)


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

        def preload(self, row):
            """As the first read of the session (load(), then SessionBase's cache), with its row
            read for a batch of admissions (`_preload_sessions`); None when there was none."""
            if row is None or row.expire_date <= timezone.now():
                self._session_key = None
                self._session_cache = {}
            else:
                self._session_cache = self.decode(row.session_data)

    return SocketSessionStore


@functools.cache
def _sessions_by_keys() -> prepared.Prepared:
    """The session rows of a list of keys, one array parameter (PostgreSQL: `_admit_scopes`)."""
    return prepared.by_array(_session_store().get_model_class().objects.all(), "session_key", "text")


def _preload_sessions(sessions: list) -> None:
    """Read the sessions of a batch of admissions in one query, each into its own store."""
    store = _session_store()
    if not hasattr(store, "preload"):
        return  # not stored in the database
    waiting = [
        s for s in sessions if type(s) is store and s.session_key is not None and not hasattr(s, "_session_cache")
    ]
    keys = sorted({s.session_key for s in waiting})
    if len(keys) < 2:
        return
    rows = {row.session_key: row for row in _sessions_by_keys().all(keys)}
    for session in waiting:
        session.preload(rows.get(session.session_key))


def _preload_users(sessions: list) -> dict:
    """{pk: user} of a batch of admissions' sessions, in one query: the users `admit` would load
    one by one through the model backend."""
    pks = set()
    for session in sessions:
        try:
            backend_path = session[BACKEND_SESSION_KEY]
            user_id = User._meta.pk.to_python(session[SESSION_KEY])
        except Exception:  # noqa: BLE001, S112 - `admit` decides that session alone, as without a batch
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS and isinstance(load_backend(backend_path), ModelBackend):
            pks.add(user_id)
    if len(pks) < 2:
        return {}
    return {user.pk: user for user in _users_with_devices_by_pks().all(sorted(pks))}


class AdmissionMiddleware(BaseMiddleware):
    """In place of Channels' AuthMiddleware for the counseling socket: the user and the verdict
    in one database call on the pool (`admit`). The scope holds the user itself, not a lazy
    proxy: the consumer reads the user's id and role for nearly every frame it sends."""

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        scope["user"], scope[SCOPE_KEY] = await run(_admit_scope, scope)
        return await super().__call__(scope, receive, send)


def _admit_scope(scope: dict, loaded: dict | None = None) -> tuple[User | AnonymousUser, int | None]:
    session = scope.get("session")
    if session is None:
        return AnonymousUser(), protocol.CLOSE_UNAUTHENTICATED
    return admit(session, loaded)


def _admit_scopes(calls: list[tuple]) -> list[tuple[Any, BaseException | None]]:
    """`_admit_scope` for the connects waiting together on a pool thread (a connect storm), as
    (result, error) each: on PostgreSQL their sessions in one query and their users in one more,
    in place of two queries per connect; then each is decided alone, by the same rules, on its
    own instances (`admit`). A session or user the batch did not load (another engine or backend,
    a second tab of the same user) is read as without a batch."""
    scopes = [scope for (scope,) in calls]
    loaded = None
    if connections["default"].vendor == "postgresql":
        sessions = [scope["session"] for scope in scopes if scope.get("session") is not None]
        _preload_sessions(sessions)
        loaded = _preload_users(sessions)
    return [each(_admit_scope, scope, loaded) for scope in scopes]


_admit_scope.batched = _admit_scopes


def each(func: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None]:
    """(func(*args), None), or (None, the error): one call of a batch fails alone."""
    try:
        return func(*args), None
    except Exception as exc:  # noqa: BLE001 - handed to that call's future
        return None, exc


def AdmissionMiddlewareStack(inner):  # noqa: N802 - named like Channels' AuthMiddlewareStack
    return CookieMiddleware(SocketSessionMiddleware(AdmissionMiddleware(inner)))
