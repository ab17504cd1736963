"""What happens in a slow second of bench_chat_load (BENCH_CHAT_DIAG=1), recorded inside the server
and the load generator: imported by Python at start-up because bench_chat_load puts this folder on
their PYTHONPATH, never otherwise.

One JSON line per event in DIAG_DIR/<role>-<pid>.jsonl, with the wall clock `t` of its start:
- `gc`: a collection (generation, wall ms, CPU ms of the collecting thread, its thread), when it
  took 1 ms or more of either;
- `lag`: the event loop answered a 2 ms sleep 4 ms or more late (a stall: a collection, another
  thread holding the GIL, the process waiting for a core);
- `write` (server): a batch of the counseling writer (wall and CPU ms, jobs);
- `publish` (server): the layer sends after a batch (wall ms, events).
"""

import asyncio
import asyncio.base_events
import gc
import json
import os
import sys
import threading
import time

_ARGV = " ".join(sys.argv)
ROLE = "server" if "ekonseling.asgi:application" in _ARGV else "loadgen" if "loadgen.py" in _ARGV else None
LAG_STEP = 0.002
LAG_MIN = 0.004


def _install(folder):
    out = open(os.path.join(folder, f"{ROLE}-{os.getpid()}.jsonl"), "a", buffering=1 << 16)  # noqa: SIM115
    lock = threading.RLock()  # a collection may start while this thread writes a line

    def record(kind, **fields):
        with lock:
            out.write(json.dumps({"kind": kind, **fields}) + "\n")

    started = {}

    def on_collection(phase, info):
        if phase == "start":
            started.update(t=time.time(), wall=time.perf_counter(), cpu=time.thread_time())
            return
        wall = time.perf_counter() - started.get("wall", time.perf_counter())
        cpu = time.thread_time() - started.get("cpu", time.thread_time())
        if max(wall, cpu) >= 0.001:
            record(
                "gc",
                t=started["t"],
                ms=round(wall * 1000, 2),
                cpu=round(cpu * 1000, 2),
                gen=info["generation"],
                thread=threading.current_thread().name,
            )

    gc.callbacks.append(on_collection)
    run_forever = asyncio.base_events.BaseEventLoop.run_forever

    def watched_run_forever(loop):
        async def watch():
            second = 0
            while True:
                before = time.perf_counter()
                await asyncio.sleep(LAG_STEP)
                late = time.perf_counter() - before - LAG_STEP
                if late >= LAG_MIN:
                    record("lag", t=time.time() - late, ms=round(late * 1000, 2))
                if int(time.time()) != second:
                    second = int(time.time())
                    with lock:
                        out.flush()

        loop.call_soon(lambda: loop.create_task(watch()))
        if ROLE == "server":
            _watch_writer(record)
        return run_forever(loop)

    asyncio.base_events.BaseEventLoop.run_forever = watched_run_forever


def _watch_writer(record):
    """The application is imported by now (Daphne loads it before it starts the loop)."""
    from ekonseling.core import realtime
    from ekonseling.counseling import writer

    write, send_all = writer._write, realtime.send_all

    def timed_write(jobs):
        t, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
        try:
            return write(jobs)
        finally:
            wall_ms, cpu_ms = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
            record("write", t=t, ms=round(wall_ms, 2), cpu=round(cpu_ms, 2), n=len(jobs))

    async def timed_send_all(events):
        t, wall = time.time(), time.perf_counter()
        try:
            return await send_all(events)
        finally:
            record("publish", t=t, ms=round((time.perf_counter() - wall) * 1000, 2), n=len(events))

    writer._write = timed_write
    realtime.send_all = timed_send_all


if ROLE and os.environ.get("DIAG_DIR"):
    _install(os.environ["DIAG_DIR"])
