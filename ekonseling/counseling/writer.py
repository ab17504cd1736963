"""One writer per server process: messages and receipts from every socket are stored in small batches.

A database write per message, each in its own thread hop and transaction, cannot keep up with
hundreds of messages a second on two cores, and browsers send a read receipt for nearly every
message they show. The writer drains whatever has queued up while the previous batch was being
written (a group commit: no timer, the next batch starts as soon as the last one is stored) and
stores the messages in one transaction (`services.post_messages`), the receipts in one statement
(`services.mark_many`) and the audit events of counselors' live reads in one more
(`services.write_read_audits`: a thousand counselors reconnecting after a deploy), on one dedicated
thread whose database connection stays open between batches. What those stores publish on commit
(messages, inbox refreshes, receipts) is collected on that thread and sent from the event loop,
together, after the batch: never before the commit.
"""

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import InterfaceError, OperationalError, close_old_connections, connection, transaction

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
        """Store a `services.Draft` (returns its `Posted`), a `services.Mark` (returns its receipt)
        or a `services.ReadAudit` (returns None once written)."""
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
    with realtime.collect() as events:
        results = _retrying(_store_batch, jobs)
    return results, events


def _store_batch(jobs):
    """The whole batch in one transaction: one commit (one WAL flush) however much it holds.
    Receipts and audit events each go in a savepoint, so that their failure fails only them:
    stored messages must still be acknowledged. A batch of receipts only, or of audit events
    only (a storm of counselors reconnecting), has nothing to shield: its own transaction, without
    the savepoint's two extra round trips."""
    drafts = [job for job in jobs if isinstance(job, services.Draft)]
    marks = [job for job in jobs if isinstance(job, services.Mark)]
    reads = [job for job in jobs if isinstance(job, services.ReadAudit)]
    with transaction.atomic() if drafts or (marks and reads) else contextlib.nullcontext():
        posted = iter(_post(drafts) if drafts else ())
        receipts = _isolated(services.mark_many, marks, "receipts")
        audited = _isolated(_write_reads, reads, "audit events")
    by_kind = {services.Draft: posted, services.Mark: receipts, services.ReadAudit: audited}
    return [next(by_kind[type(job)]) for job in jobs]


def _isolated(store, jobs, what):
    if not jobs:
        return iter(())
    try:
        with transaction.atomic():
            return iter(store(jobs))
    except (OperationalError, InterfaceError):
        raise  # the connection: the whole batch is tried again (_retrying)
    except Exception as exc:  # noqa: BLE001 - handed to those jobs (a refused subscribe, an error frame)
        log.exception("storing %d %s failed", len(jobs), what)
        return iter([exc] * len(jobs))


def _write_reads(reads):
    services.write_read_audits(reads)
    return [None] * len(reads)


def _post(drafts):
    return services.post_messages(drafts, rate_limit=True)


def _retrying(store, jobs):
    try:
        return store(jobs)
    except (OperationalError, InterfaceError):
        # The connection died (database restart, idle timeout): open a new one and try once more.
        # The stores are idempotent (client keys; marks only move forward), so a retry after a
        # lost commit cannot duplicate (the send budget is spent again, at worst; an audit event
        # may be written twice, which records a read and never hides one).
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
