"""core.dispatch: a consumer's receive loop keeps Channels' rules (one handler at a time, each
source's order, a source's error ends the consumer, every source's wait cancelled on the way out)
without a new task per frame; and a socket that leaves takes its channel out of the layer."""

import asyncio
import os
import uuid
from unittest import mock

import pytest
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from channels.testing import WebsocketCommunicator

from ekonseling.core.channel_layers import BatchingRedisPubSubChannelLayer
from ekonseling.core.dispatch import Receiving, dispatch_loop

pytestmark = pytest.mark.asyncio


class Source:
    """A source of frames fed by the test; remembers whether its wait was cancelled."""

    def __init__(self):
        self.queue = asyncio.Queue()
        self.cancelled = False

    async def __call__(self):
        try:
            return await self.queue.get()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


async def test_one_handler_at_a_time_each_source_in_order_and_the_sources_cancelled_at_the_end():
    client, layer = Source(), Source()
    handled, running, release = [], [], asyncio.Event()

    async def dispatch(message):
        running.append(message)
        assert len(running) == 1, "two handlers ran at once"
        if message == "c1":
            await release.wait()  # a slow handler: the layer's events wait for it
        handled.append(message)
        running.pop()
        if message == "stop":
            raise StopConsumer

    loop = asyncio.ensure_future(dispatch_loop([client, layer], dispatch))
    for message in ("c1", "c2"):
        client.queue.put_nowait(message)
    for message in ("l1", "l2"):
        layer.queue.put_nowait(message)
    await asyncio.sleep(0.05)
    assert handled == []  # c1 still running, nothing else started
    release.set()
    await asyncio.sleep(0.05)
    client.queue.put_nowait("stop")
    with pytest.raises(StopConsumer):
        await asyncio.wait_for(loop, 5)

    assert handled[0] == "c1" and handled[-1] == "stop"
    assert [m for m in handled if m.startswith("c")] == ["c1", "c2"]
    assert [m for m in handled if m.startswith("l")] == ["l1", "l2"]
    assert client.cancelled and layer.cancelled


async def test_an_error_of_a_source_ends_the_loop_with_it_and_cancels_the_other_source():
    class Broken(Exception):
        pass

    async def broken():
        raise Broken

    other, handled = Source(), []

    async def dispatch(message):
        handled.append(message)

    with pytest.raises(Broken):
        await asyncio.wait_for(dispatch_loop([broken, other], dispatch), 5)
    assert other.cancelled and handled == []


class Echo(Receiving, AsyncWebsocketConsumer):
    """Answers each frame, and relays the events sent to its own channel."""

    async def connect(self):
        await self.accept()
        await self.send(text_data=self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=f"echo {text_data}")

    async def chat_note(self, event):
        await self.send(text_data=f"note {event['n']}")


def _layers():
    layers = [pytest.param(lambda: InMemoryChannelLayer(), id="in-memory")]
    if os.environ.get("REDIS_URL"):
        prefix = f"t{uuid.uuid4().hex[:8]}"
        layers.append(
            pytest.param(
                lambda: BatchingRedisPubSubChannelLayer(hosts=[os.environ["REDIS_URL"]], prefix=prefix), id="redis"
            )
        )
    return layers


@pytest.mark.parametrize("make_layer", _layers())
async def test_a_receiving_consumer_answers_frames_and_events_and_leaves_no_channel_behind(make_layer):
    layer = make_layer()
    communicator = WebsocketCommunicator(Echo.as_asgi(), "/")
    with mock.patch("ekonseling.core.dispatch.get_channel_layer", return_value=layer):
        connected, _ = await communicator.connect(timeout=10)
        assert connected
        channel = await communicator.receive_from(timeout=10)
        await communicator.send_to(text_data="one")
        assert await communicator.receive_from(timeout=10) == "echo one"
        await asyncio.sleep(0.1)  # a Redis subscription reaches the server
        await layer.send(channel, {"type": "chat.note", "n": 1})
        assert await communicator.receive_from(timeout=10) == "note 1"
        await communicator.send_to(text_data="two")
        assert await communicator.receive_from(timeout=10) == "echo two"
        await communicator.disconnect(timeout=10)
    await asyncio.sleep(0.1)
    channels = layer._get_layer().channels if isinstance(layer, BatchingRedisPubSubChannelLayer) else layer.channels
    assert channel not in channels  # the receive was cancelled: the channel is gone (unsubscribed on Redis)
    if isinstance(layer, BatchingRedisPubSubChannelLayer):
        await layer.flush()


async def test_a_slow_handler_holds_the_sources_back_a_few_messages_ahead():
    # a flood meets a slow handler: the source is not drained into memory (await_many_dispatch's
    # back-pressure, within dispatch.AHEAD messages)
    from ekonseling.core import dispatch as module

    taken, release = [], asyncio.Event()

    async def flood():
        await asyncio.sleep(0)  # a frame arrives at every turn of the loop
        taken.append(len(taken))
        return len(taken)

    async def slow(message):
        await release.wait()

    loop = asyncio.ensure_future(dispatch_loop([flood], slow))
    await asyncio.sleep(0.05)
    # one message in the handler, AHEAD in the queue, one in the pump waiting to be put
    assert len(taken) <= module.AHEAD + 2
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
