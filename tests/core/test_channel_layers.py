"""The batching pub/sub layer against a real Redis (the PostgreSQL + Redis run)."""

import asyncio
import os
import uuid

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from ekonseling.core.channel_layers import BatchingRedisPubSubChannelLayer

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
]


PREFIX = f"t{uuid.uuid4().hex[:8]}"  # this run's own channel names on a shared Redis


def layer(url=None):
    return BatchingRedisPubSubChannelLayer(hosts=[url or os.environ["REDIS_URL"]], prefix=PREFIX)


async def test_sends_from_many_tasks_arrive_once_each_in_order():
    sender, receiver = layer(), layer()
    channel = await receiver.new_channel()
    await receiver.group_add("room", channel)
    other = await receiver.new_channel()
    await receiver.group_add("other", other)
    await asyncio.sleep(0.1)  # the subscription reaches Redis

    async def burst(start):
        for i in range(start, start + 50):
            await sender.group_send("room", {"type": "chat.message", "n": i})

    await asyncio.gather(burst(0), burst(1000), burst(2000))
    received = [(await asyncio.wait_for(receiver.receive(channel), 3))["n"] for _ in range(150)]

    assert sorted(received) == [*range(50), *range(1000, 1050), *range(2000, 2050)]
    for start in (0, 1000, 2000):  # each sender's own order is kept
        own = [n for n in received if start <= n < start + 50]
        assert own == list(range(start, start + 50))
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(receiver.receive(other), 0.2)
    await sender.flush()
    await receiver.flush()


async def test_a_group_event_skips_the_channel_its_origin_names_and_reaches_the_others():
    sender, receiver = layer(), layer()
    origin, other, third = [await receiver.new_channel() for _ in range(3)]
    for channel in (origin, other, third):
        await receiver.group_add("room", channel)
    await asyncio.sleep(0.1)  # the subscription reaches Redis

    await sender.group_send("room", {"type": "chat.message", "n": 1, "origin": origin})
    await sender.group_send("room", {"type": "chat.message", "n": 2})

    for channel in (other, third):
        got = [await asyncio.wait_for(receiver.receive(channel), 3) for _ in range(2)]
        assert got == [{"type": "chat.message", "n": 1, "origin": origin}, {"type": "chat.message", "n": 2}]
    # The origin has only the event that did not name it.
    assert await asyncio.wait_for(receiver.receive(origin), 3) == {"type": "chat.message", "n": 2}
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(receiver.receive(origin), 0.2)
    await sender.flush()
    await receiver.flush()


async def test_a_failed_publish_reaches_every_sender_of_the_batch():
    broken = layer("redis://127.0.0.1:1")

    results = await asyncio.gather(
        *(broken.group_send("room", {"type": "x", "n": i}) for i in range(3)), return_exceptions=True
    )

    assert len(results) == 3
    assert all(isinstance(result, RedisConnectionError) for result in results), results
    await broken.flush()


async def test_joins_of_one_moment_go_as_one_subscribe_and_every_group_receives():
    """A connect storm: many sockets join their groups at once. The joins are sent together (one
    SUBSCRIBE naming every channel) and every one of them is in force."""
    sender, receiver = layer(), layer()
    channels = [await receiver.new_channel() for _ in range(40)]
    shard = receiver._get_layer()._shards[0]
    calls = []
    subscribe = shard._pubsub.subscribe

    async def counting(*names):
        calls.append(len(names))
        return await subscribe(*names)

    shard._pubsub.subscribe = counting
    await asyncio.gather(*(receiver.group_add(f"g{i}", channel) for i, channel in enumerate(channels)))
    await asyncio.sleep(0.1)  # the subscriptions reach Redis

    assert sum(calls) == 40 and len(calls) < 5, calls
    await asyncio.gather(*(sender.group_send(f"g{i}", {"type": "x", "n": i}) for i in range(40)))
    for i, channel in enumerate(channels):
        assert (await asyncio.wait_for(receiver.receive(channel), 3))["n"] == i
    await sender.flush()
    await receiver.flush()


async def test_leaving_and_joining_again_in_one_moment_stays_subscribed():
    sender, receiver = layer(), layer()
    channel = await receiver.new_channel()
    await receiver.group_add("room", channel)

    # Queued together: the unsubscribe first, then the subscribe, in the order asked.
    await asyncio.gather(receiver.group_discard("room", channel), receiver.group_add("room", channel))
    await asyncio.sleep(0.1)
    await sender.group_send("room", {"type": "x", "n": 1})

    assert (await asyncio.wait_for(receiver.receive(channel), 3))["n"] == 1
    await sender.flush()
    await receiver.flush()


async def test_the_receive_loop_waits_for_the_next_message_without_a_timeout_per_message(monkeypatch):
    """The stock loop asks for each message with a 0.1 s timeout, whose set-up and tear-down cost
    CPU for every event delivered; this one waits (and is still cancelled at once by flush)."""
    from redis.asyncio.client import PubSub

    timeouts = []
    original = PubSub.get_message

    async def recording(self, *args, **kwargs):
        timeouts.append(kwargs.get("timeout", "missing"))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(PubSub, "get_message", recording)
    sender, receiver = layer(), layer()
    channel = await receiver.new_channel()
    await receiver.group_add("waiting", channel)
    await asyncio.sleep(0.1)
    for n in range(3):
        await sender.group_send("waiting", {"type": "x", "n": n})
    received = [(await asyncio.wait_for(receiver.receive(channel), 3))["n"] for _ in range(3)]

    assert received == [0, 1, 2]
    assert timeouts and set(timeouts) == {None}, timeouts
    await asyncio.wait_for(receiver.flush(), 2)
    await sender.flush()


async def test_group_send_many_sends_in_order_in_one_pipeline_and_fails_only_what_cannot_go():
    """core.realtime.send_all's batch: every event reaches its group in the order given, in one
    pipeline with one future; an event that cannot be serialized fails alone."""
    sender, receiver = layer(), layer()
    room, other = await receiver.new_channel(), await receiver.new_channel()
    await receiver.group_add("room", room)
    await receiver.group_add("other", other)
    await asyncio.sleep(0.1)  # the subscription reaches Redis
    shard = sender._get_layer()._shards[0]
    runs = []
    send_run = shard._send_run

    async def counting(command, run):
        runs.append((command, len(run)))
        return await send_run(command, run)

    shard._send_run = counting
    events = [("room", {"type": "x", "n": 0}), ("other", {"type": "x", "n": 1}), ("room", {"type": "x", "n": 2})]
    events.insert(2, ("room", {"type": "x", "n": object()}))  # msgpack cannot pack it

    results = await sender.group_send_many(events)

    assert [result is None for result in results] == [True, True, False, True]
    assert isinstance(results[2], TypeError)
    assert runs == [("publish", 3)]
    assert [(await asyncio.wait_for(receiver.receive(room), 3))["n"] for _ in range(2)] == [0, 2]
    assert (await asyncio.wait_for(receiver.receive(other), 3))["n"] == 1
    await sender.flush()
    await receiver.flush()


async def test_group_send_many_hands_a_failed_publish_to_every_event():
    broken = layer("redis://127.0.0.1:1")

    results = await broken.group_send_many([("room", {"type": "x", "n": i}) for i in range(3)])

    assert len(results) == 3
    assert all(isinstance(result, RedisConnectionError) for result in results), results
    await broken.flush()
