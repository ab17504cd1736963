"""One writer per server process: messages from every socket are stored in small batches.

A database write per message, each in its own thread hop and transaction, cannot keep up with
hundreds of messages a second on two cores. The writer drains whatever has queued up while the
previous batch was being written and stores it in one transaction (`services.post_messages`),
on one dedicated thread whose database connection stays open between batches.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import InterfaceError, OperationalError, close_old_connections, connection

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

    async def submit(self, draft):
        future = self.loop.create_future()
        await self.queue.put((draft, future))
        return await future

    async def _run(self):
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            drafts = [draft for draft, _future in batch]
            try:
                results = await self.loop.run_in_executor(self.executor, _write, drafts)
            except Exception as exc:
                log.exception("storing a batch of %d messages failed", len(batch))
                for _draft, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_draft, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


def _write(drafts):
    try:
        return services.post_messages(drafts)
    except (OperationalError, InterfaceError):
        # The connection died (database restart, idle timeout): open a new one and try once more.
        # The batch is idempotent (client keys), so a retry after a lost commit cannot duplicate.
        connection.close()
        return services.post_messages(drafts)


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
