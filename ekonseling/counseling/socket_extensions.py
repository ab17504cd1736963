"""Frames other apps carry on the counseling socket, without the socket knowing them.

An app above counseling (appointments' call signalling) registers an extension for a frame prefix
(`"call."`). The consumer hands it every client frame whose type starts with the prefix
(`receive(consumer, content)`), every channel-layer event of type `extension.event` whose
`extension` names it (`event(consumer, event)`), the socket's end (`disconnected(consumer)`) and
the user's `access.changed` event (`access_changed(consumer)`: what the user may see changed, so the
extension re-asks the policy for its state; one transport for every revocation, core.realtime).
An extension keeps its per-socket state on the consumer under its own attribute, asks the policy
itself and answers with `consumer.send_json` / `consumer.error`.
"""

from __future__ import annotations

from typing import Any, Protocol

EVENT_TYPE = "extension.event"


class Extension(Protocol):
    name: str
    prefix: str

    async def receive(self, consumer: Any, content: dict) -> None: ...

    async def event(self, consumer: Any, event: dict) -> None: ...

    async def disconnected(self, consumer: Any) -> None: ...

    async def access_changed(self, consumer: Any) -> None: ...


_EXTENSIONS: dict[str, Extension] = {}


def register(extension: Extension) -> None:
    _EXTENSIONS[extension.name] = extension


def for_frame(kind: str | None) -> Extension | None:
    if not kind:
        return None
    for extension in _EXTENSIONS.values():
        if kind.startswith(extension.prefix):
            return extension
    return None


def event(extension_name: str, **fields: Any) -> dict:
    """A channel-layer event for the sockets of a group to hand to the named extension."""
    return {"type": EVENT_TYPE, "extension": extension_name, **fields}


async def dispatch_event(consumer: Any, event: dict) -> None:
    extension = _EXTENSIONS.get(event.get("extension"))
    if extension is not None:
        await extension.event(consumer, event)


async def disconnected(consumer: Any) -> None:
    for extension in _EXTENSIONS.values():
        await extension.disconnected(consumer)


async def access_changed(consumer: Any) -> None:
    for extension in _EXTENSIONS.values():
        await extension.access_changed(consumer)
