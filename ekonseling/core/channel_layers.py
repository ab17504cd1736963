"""channels_redis's pub/sub layer, with the publishes (and subscribes) of one moment sent to Redis together.

The stock layer publishes one message at a time under a lock, waiting for Redis's answer before
the next: every chat message sends three (the message, the counselor's inbox, the read receipt),
so at a few hundred messages a second the publishes queue up behind one another, each costing a
write and a read on the socket. Here a publish joins a queue, and one task sends whatever has
queued up in a single pipeline (one write, one read) and wakes each sender when Redis has taken
it. Subscribes and unsubscribes join the same queue: those of one moment go as one SUBSCRIBE (or
UNSUBSCRIBE) naming every channel, which is what a connect storm asks for. Order is kept (one
queue, one sender at a time); nothing else of the layer changes.

It leans on two internals of channels_redis 4.3 (`RedisPubSubLoopLayer._shards` and
`RedisSingleShardConnection`); requirements.txt pins that version, and the WebSocket tests run
on this layer with Redis.
"""

import asyncio
import itertools
import logging

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close, decode_hosts

log = logging.getLogger(__name__)


class BatchingShardConnection(RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._outbox = []  # (command, channel, message or None, future), in the order asked
        self._sender = None

    async def publish(self, channel, message):
        await self._queue(PUBLISH, channel, message)

    async def subscribe(self, channel):
        """Joined with the other subscribes of the moment: one SUBSCRIBE naming every channel (a
        thousand sockets connecting at once each join their own channel, their user's group and a
        conversation's). Always queued, even when already subscribed: an unsubscribe may be
        waiting ahead of it."""
        await self._queue(SUBSCRIBE, channel)

    async def unsubscribe(self, channel):
        await self._queue(UNSUBSCRIBE, channel)

    async def publish_many(self, entries):
        """Publish (channel, message) pairs in order, queued at once with one future for them all
        (`BatchingLoopLayer.group_send_many`): as many `publish` calls, without a task, a
        coroutine chain and a future each."""
        done = asyncio.get_running_loop().create_future()
        self._outbox.extend((PUBLISH, channel, message, done) for channel, message in entries)
        self._start_sender()
        await done

    async def _queue(self, command, channel, message=None):
        done = asyncio.get_running_loop().create_future()
        self._outbox.append((command, channel, message, done))
        self._start_sender()
        await done

    def _start_sender(self):
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._send_outbox())

    async def _send_outbox(self):
        while self._outbox:
            batch, self._outbox = self._outbox, []
            try:
                async with self._lock:
                    self._ensure_redis()
                    for command, run in _runs(batch):
                        await self._send_run(command, run)
            except asyncio.CancelledError:
                for *_rest, done in [*batch, *self._outbox]:
                    done.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - handed to every sender of the batch
                for *_rest, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for *_rest, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _send_run(self, command, run):
        """One round of consecutive commands of a kind; order between kinds is kept (a socket that
        leaves a group and joins it again ends up subscribed)."""
        if command == PUBLISH:
            pipe = self._redis.pipeline(transaction=False)
            for _command, channel, message, _done in run:
                pipe.publish(channel, message)
            await pipe.execute()
            return
        self._ensure_receiver()
        channels = list(dict.fromkeys(channel for _command, channel, _message, _done in run))
        if command == SUBSCRIBE:
            channels = [channel for channel in channels if channel not in self._subscribed_to]
            if channels:
                await self._pubsub.subscribe(*channels)
                self._subscribed_to.update(channels)
        else:
            channels = [channel for channel in channels if channel in self._subscribed_to]
            if channels:
                await self._pubsub.unsubscribe(*channels)
                self._subscribed_to.difference_update(channels)

    async def _do_receiving(self):
        """channels_redis's receive loop, except that it waits for the next message without a
        timeout: the stock loop asks for each message with a 0.1 s timeout, and setting up and
        tearing down that timeout was a measurable part of the CPU every delivered event costs.
        Cancelling the task (flush) still stops it at once; with nothing subscribed it sleeps,
        as the stock loop does."""
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
            except (TimeoutError, asyncio.CancelledError, GeneratorExit):
                raise
            except BaseException:
                log.exception("Unexpected exception in receive task")
                await asyncio.sleep(1)

    def _receive_message(self, message):
        """channels_redis's delivery, except for a group message: it is unpacked once for all the
        process's members of the group (the stock layer hands each the packed bytes to unpack), and
        not handed to the channel its `origin` names. A live event names the socket that caused it
        when that socket has its answer already (the sender's ack, a reader's own mark, the typist):
        each such socket ignored it anyway, after a wake-up, an unpack and a dispatch of its own
        (two per chat message)."""
        if message is None:
            return
        name = message["channel"]
        if isinstance(name, bytes):
            name = name.decode()
        channels = self.channel_layer.channels
        if name in channels:
            channels[name].put_nowait(message["data"])
            return
        members = self.channel_layer.groups.get(name)
        if not members:
            return
        event = self.channel_layer.channel_layer.deserialize(message["data"])
        origin = event.get("origin") if isinstance(event, dict) else None
        for channel in members:
            if channel != origin and channel in channels:
                channels[channel].put_nowait(event)

    async def flush(self):
        if self._sender is not None:
            self._sender.cancel()
            self._sender = None
        self._outbox = []
        await super().flush()


PUBLISH, SUBSCRIBE, UNSUBSCRIBE = "publish", "subscribe", "unsubscribe"


def _runs(batch):
    """The batch cut into runs of consecutive entries with the same command."""
    return [(command, list(run)) for command, run in itertools.groupby(batch, key=lambda entry: entry[0])]


class BatchingLoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts=None, *args, **kwargs):
        super().__init__(hosts, *args, **kwargs)
        self._shards = [BatchingShardConnection(host, self) for host in decode_hosts(hosts)]

    async def group_send_many(self, events):
        """`group_send` for each (group, message), in order, queued together on each shard (the
        batch writer's events of one batch: three or four per chat message, each of which cost a
        task of its own under asyncio.gather). One result per event, None or the exception that
        kept it from Redis; a message that cannot be serialized fails alone, as its own
        group_send would."""
        results = [None] * len(events)
        by_shard = {}
        for index, (group, message) in enumerate(events):
            group_channel = self._get_group_channel_name(group)
            try:
                data = self.channel_layer.serialize(message)
            except Exception as exc:  # noqa: BLE001 - that event's result
                results[index] = exc
                continue
            indexes, entries = by_shard.setdefault(self._get_shard(group_channel), ([], []))
            indexes.append(index)
            entries.append((group_channel, data))
        shards = list(by_shard.items())
        outcomes = await asyncio.gather(
            *(shard.publish_many(entries) for shard, (_indexes, entries) in shards), return_exceptions=True
        )
        for (_shard, (indexes, _entries)), outcome in zip(shards, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                if isinstance(outcome, asyncio.CancelledError):
                    raise outcome
                for index in indexes:
                    results[index] = outcome
        return results


class BatchingRedisPubSubChannelLayer(RedisPubSubChannelLayer):
    async def group_send_many(self, events):
        """`BatchingLoopLayer.group_send_many` on this loop's layer (core.realtime.send_all)."""
        return await self._get_layer().group_send_many(events)

    def deserialize(self, message):
        """A group message arrives unpacked already (`BatchingShardConnection._receive_message`)."""
        return message if isinstance(message, dict) else super().deserialize(message)

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = self._layers[loop] = BatchingLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
            return layer
