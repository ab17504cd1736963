"""The realtime broadcaster: tell open pages (channel-layer groups) that something was stored.

Every app sends its live events through `publish`, after the change is committed (callers use
`transaction.on_commit`): the store is the guarantee and a broadcast only carries the news, so a
failing channel layer is logged, never turned into an error for a change that is already stored.

A process that stores on a worker thread for an event loop (the counseling batch writer) wraps its
work in `collect()`: events published meanwhile are handed back to it and sent from the loop that
owns the channel layer's connections, together, instead of one `async_to_sync` hop each.
"""

import asyncio
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

Event = tuple[str, dict]  # (group, channel-layer event)

_local = threading.local()


def publish(events: Iterable[Event]) -> None:
    """Send (group, event) pairs in order; collected instead while a `collect()` block is open."""
    events = list(events)
    if not events:
        return
    collected = getattr(_local, "collected", None)
    if collected is not None:
        collected.extend(events)
        return
    if _loop_running():
        # Sync code on an event loop's own thread (a script or test driving a loop): it cannot
        # wait for the layer here, and a task on a loop it does not own might never run.
        log.warning("not broadcasting %d events: publish() was called on an event loop's thread", len(events))
        return
    try:
        async_to_sync(send_all)(events)
    except Exception:
        log.exception("could not broadcast %d events", len(events))


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@contextmanager
def collect() -> Iterator[list[Event]]:
    """Gather what `publish` is given on this thread; the caller sends it with `send_all`."""
    previous = getattr(_local, "collected", None)
    _local.collected = events = []
    try:
        yield events
    finally:
        _local.collected = previous


async def send_all(events: list[Event]) -> None:
    """Send the events at once (a batching layer pipelines them), in order; failures are logged."""
    if not events:
        return
    try:
        layer = get_channel_layer()
        # The batching Redis layer queues them together (core.channel_layers); any other, one
        # group_send each.
        many = getattr(layer, "group_send_many", None)
        if many is not None:
            results = await many(events)
        else:
            sends = [layer.group_send(group, event) for group, event in events]
            results = await asyncio.gather(*sends, return_exceptions=True)
    except Exception:
        log.exception("could not broadcast %d events", len(events))
        return
    for (group, event), result in zip(events, results, strict=True):
        if isinstance(result, Exception):
            log.error("could not send %s to %s: %r", event.get("type"), group, result)


# --- access changes ------------------------------------------------------------------------------------
# Groups named here so every app addresses the same ones: `user.<id>` reaches every open socket of a
# user. An `access.changed` event makes each of them re-ask the policy for what it is subscribed to.

ACCESS_CHANGED = "access.changed"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def announce_access_changed(user_ids: Iterable[int]) -> None:
    """After the commit, every open socket of these users re-checks what it is subscribed to."""
    from django.db import transaction

    events = [(user_group(user_id), {"type": ACCESS_CHANGED}) for user_id in sorted(set(user_ids))]
    transaction.on_commit(lambda: publish(events))


# --- live refresh ---------------------------------------------------------------------------------------
# Something that changes what a user's menu badges or home cards count happened (a message, an alert, a
# claim, a call-in): every open page of theirs re-fetches its badges and live cards (static/js/live.js).
# The event carries nothing else: the page asks the server, through the policy, what changed.

LIVE_REFRESH = "live.refresh"


def refresh_events(user_ids: Iterable[int]) -> list[Event]:
    # A student without an account, a conversation nobody handles: no one to tell.
    return [(user_group(user_id), {"type": LIVE_REFRESH}) for user_id in sorted({u for u in user_ids if u})]


def announce_refresh(user_ids: Iterable[int]) -> None:
    """After the commit (at once outside a transaction), these users' open pages refresh their badges."""
    from django.db import transaction

    events = refresh_events(user_ids)
    if events:
        transaction.on_commit(lambda: publish(events), robust=True)
