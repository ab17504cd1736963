"""One writer per server process: messages and receipts from every socket are stored in small batches.

A database write per message, each in its own thread hop and transaction, cannot keep up with
hundreds of messages a second on two cores, and browsers send a read receipt for nearly every
message they show. The writer drains whatever has queued up while the previous batch was being
written and stores the messages in one transaction (`services.post_messages`) and the receipts in
one statement (`services.mark_many`), on one dedicated thread whose database connection stays open
between batches. What those stores publish on commit (messages, inbox refreshes, receipts) is
collected on that thread and sent from the event loop, together, after the batch.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import InterfaceError, OperationalError, close_old_connections, connection

from ekonseling.core import realtime

from . import services

log = logging.getLogger(__name__)

MAX_BATCH = 200
_writers = {}


class BatchWriter:
    def __init__(self, loop):
        self.loop = loop
        self.queue = asyncio.Queue()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counseling-writer")
        self.task = loop.create_task(self._run())

    async def submit(self, job):
        """Store a `services.Draft` (returns its `Posted`) or a `services.Mark` (returns its receipt)."""
        future = self.loop.create_future()
        await self.queue.put((job, future))
        return await future

    async def _run(self):
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            jobs = [job for job, _future in batch]
            try:
                results, events = await self.loop.run_in_executor(self.executor, _write, jobs)
            except Exception as exc:
                log.exception("storing a batch of %d messages failed", len(batch))
                for _job, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            # Started before the acks go out, awaited after: the other side's broadcast is not held
            # up by the senders' acks, and the next batch publishes after this one (in seq order).
            publishing = asyncio.ensure_future(realtime.send_all(events))
            for (_job, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            await publishing


def _write(jobs):
    """(one result per job, the channel-layer events the stores published on commit)."""
    drafts = [job for job in jobs if isinstance(job, services.Draft)]
    marks = [job for job in jobs if isinstance(job, services.Mark)]
    with realtime.collect() as events:
        posted = iter(_retrying(_post, drafts) if drafts else ())
        try:
            receipts = iter(_retrying(services.mark_many, marks) if marks else ())
        except Exception as exc:
            # Stored messages must still be acknowledged: only the receipts fail.
            log.exception("storing %d receipts failed", len(marks))
            receipts = iter([exc] * len(marks))
    results = [next(posted) if isinstance(job, services.Draft) else next(receipts) for job in jobs]
    return results, events


def _post(drafts):
    return services.post_messages(drafts, rate_limit=True)


def _retrying(store, jobs):
    try:
        return store(jobs)
    except (OperationalError, InterfaceError):
        # The connection died (database restart, idle timeout): open a new one and try once more.
        # Both stores are idempotent (client keys; marks only move forward), so a retry after a
        # lost commit cannot duplicate (the send budget is spent again, at worst).
        connection.close()
        return store(jobs)


def writer():
    """The writer of the running event loop (Daphne runs one loop per process)."""
    loop = asyncio.get_running_loop()
    current = _writers.get(loop)
    if current is None or current.task.done():
        current = _writers[loop] = BatchWriter(loop)
    return current


def reset():
    """Drop the writers (tests start each on a fresh loop and database)."""
    for current in _writers.values():
        current.task.cancel()
        current.executor.submit(close_old_connections)
        current.executor.submit(connection.close)
        current.executor.shutdown(wait=True)
    _writers.clear()
