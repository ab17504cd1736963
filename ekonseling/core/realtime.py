"""The realtime broadcaster: tell open sockets about a change made elsewhere (HTTP, a command).

Groups are named here so every app addresses the same ones: `user.<id>` reaches every open socket
of a user, `conversation.<id>` every socket subscribed to a conversation. A failed broadcast never
undoes the change that caused it: pages catch up on their next reload or resubscribe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

# An event telling a user's sockets that what the user may see has changed: each re-asks the policy.
ACCESS_CHANGED = "access.changed"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def broadcast(group: str, event: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:
        log.exception("could not broadcast %s to %s", event.get("type"), group)


def broadcast_on_commit(group: str, event: dict) -> None:
    """Send once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: broadcast(group, event))


def announce_access_changed(user_ids: Iterable[int]) -> None:
    """After the commit, every open socket of these users re-checks what it is subscribed to."""
    for user_id in sorted(set(user_ids)):
        broadcast_on_commit(user_group(user_id), {"type": ACCESS_CHANGED})
