"""A consumer's receive loop without a new task per frame: for sockets that stay open for hours.

Channels runs every consumer through `channels.utils.await_many_dispatch`: it waits on one task per
source (the client's frames, the channel layer's events) with `asyncio.wait`, and after each frame
creates a new task to wait for the next one. So every frame and every live event costs a task, its
context, its coroutines and futures, and that whole set then waits, alive, until the socket's next
frame. With a thousand open chat sockets those waiting sets were tens of thousands of young
objects at any moment; Python's collector walks every young object still alive when it runs, and
under 500 messages a second it ran every few seconds for 15-20 ms of CPU (30-50 ms on a loaded
machine) with the GIL held: the slow seconds of the chat load benchmark.

`Receiving` does what `AsyncConsumer.__call__` does, with `dispatch_loop` in place of
await_many_dispatch: one long-lived task per source hands what it receives to one queue, and the
consumer's own task dispatches from it. The rules are Channels' own: one handler at a time, in the
order the frames came from each source; an error of a source ends the consumer with that error;
on the way out every source's wait is cancelled and awaited (the Redis layer unsubscribes the
consumer's channel when its receive is cancelled).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer

Source = Callable[[], Awaitable[Any]]


# How far a source may run ahead of the handler. await_many_dispatch awaits a source again only once
# its last message was handled, so a slow handler leaves the rest where it came from (Daphne's queue, the
# channel layer's channel, whose capacity drops the excess); the pumps keep that back-pressure, a few
# messages ahead, instead of draining a flood into the process's memory.
AHEAD = 8


async def dispatch_loop(sources: Sequence[Source], dispatch: Callable[[Any], Awaitable[None]]) -> None:
    """Await each source again and again, and `dispatch` what they give, one at a time."""
    inbox: asyncio.Queue = asyncio.Queue(maxsize=AHEAD)
    pumps = [asyncio.ensure_future(_pump(source, inbox)) for source in sources]
    try:
        while True:
            message, error = await inbox.get()
            if error is not None:
                raise error
            await dispatch(message)
    finally:
        for pump in pumps:
            pump.cancel()
        for pump in pumps:
            with contextlib.suppress(asyncio.CancelledError):
                await pump


async def _pump(source: Source, inbox: asyncio.Queue) -> None:
    try:
        while True:
            message = await source()
            await inbox.put((message, None))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - raised by the consumer's own task (dispatch_loop)
        await inbox.put((None, exc))


class Receiving:
    """Mixed in before a Channels consumer class: its `__call__` is AsyncConsumer's, with
    `dispatch_loop` for await_many_dispatch (async consumers only)."""

    async def __call__(self, scope, receive, send):
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            await dispatch_loop(sources, self.dispatch)
