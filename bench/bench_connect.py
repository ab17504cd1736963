"""CPU per socket connect: N students and N counselors connect and subscribe, in process, next to the bare relay.

A connect storm's cost is CPU, and wall time is useless on a shared machine: here each socket goes
through the real ASGI application (origin check, session, admission, consumer) with Channels'
WebsocketCommunicator, one after the other, waits for `hello`, subscribes to its conversation and
waits for the `messages` frame. Printed per connect: process CPU (time.process_time, every thread;
the test client's own share included, as it is in the relay's row), database queries, and the CPU
of the parts measured where they run: auth (session + user + verdict, `admission`), subscribe
(policy, conversation, receipt: the consumer's `_open`) and hello; and `pg`, the CPU of this
database's PostgreSQL backends (on this machine only, else blank), which shares the cores with the
server in a storm. The relay row is
bench/relay_channels.py's consumer (join a group, answer) through the same client and layer: the
issue's goal is a connect within 2x of it. Each figure is the minimum of BENCH_CONNECT_REPEAT runs
(default 3) of BENCH_CONNECT_N sockets per role (default 200); BENCH_CONNECT_SKIP=1 skips.

Then the storm: every student's and counselor's socket at once, BENCH_CONNECT_AT_ONCE (default 50,
as bench/loadgen.py; 1 skips it) connecting at a time, next to the relay's sockets likewise: the
calls then wait for the sockets' database pool together, which batches them (counseling.admission),
as after a deploy; one after the other they never do. No parts are timed there.
"""

import asyncio
import os
import time
from collections import defaultdict

from django.conf import settings
from django.db.backends import utils as db_utils

from bench.bench_chat_load import _world

SLUG = "connectbench"
HEADERS = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


def run():
    if os.environ.get("BENCH_CONNECT_SKIP") == "1":
        print("  skipped (BENCH_CONNECT_SKIP=1)")
        return
    n = int(os.environ.get("BENCH_CONNECT_N", "200"))
    repeat = int(os.environ.get("BENCH_CONNECT_REPEAT", "3"))
    pairs = _world(n, slug=SLUG, name="SMA Uji Sambung", nisn_base=8_000_000_000)
    print(f"  {n} sockets per role, connected one after the other; min of {repeat} runs; CPU ms per connect")
    rows = {}
    from ekonseling.core import crypto

    # As the server runs: no query log per statement (bench/run.py sets DEBUG=1; with it every
    # query's text was composed for the log), and so the data keys named, as DEBUG off wants.
    settings.DATA_KEYS = crypto.data_keys()
    debug, settings.DEBUG = settings.DEBUG, False
    at_once = int(os.environ.get("BENCH_CONNECT_AT_ONCE", "50"))
    stormed = {}
    try:
        for label, role in (("relay", None), ("student", "student"), ("counselor", "counselor")):
            runs = [asyncio.run(_storm(pairs, role)) for _ in range(repeat)]
            rows[label] = _best(runs)
        if at_once > 1:
            for label, role in (("relay", None), ("both", "both")):
                runs = [asyncio.run(_storm(pairs, role, at_once)) for _ in range(repeat)]
                stormed[label] = _best(runs)
    finally:
        settings.DEBUG = debug
    _table(rows, parts=True)
    if stormed:
        print(
            f"  storm: every socket at once, {at_once} connecting at a time (BENCH_CONNECT_AT_ONCE), "
            "students and counselors together; no parts timed (the pool batches the calls)"
        )
        _table(stormed, parts=False)


def _best(runs):
    """Each figure's minimum over the runs; None where no run has it (PostgreSQL's CPU on SQLite)."""
    best = {}
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] is not None]
        best[key] = min(values) if values else None
    return best


def _table(rows, parts):
    relay = rows["relay"]["total"]
    head = f"  {'':10} {'total':>7} {'x relay':>8} {'queries':>8}"
    if parts:
        head += f" {'auth':>7} {'subscribe':>10} {'hello':>7}"
    print(head + f" {'pg':>6}")
    for label, r in rows.items():
        pg = f"{r['pg']:6.2f}" if r.get("pg") is not None else f"{'':6}"
        line = f"  {label:10} {r['total']:7.2f} {r['total'] / relay:8.1f} {r['queries']:8.1f}"
        if parts:
            line += f" {r.get('auth', 0):7.2f} {r.get('subscribe', 0):10.2f} {r.get('hello', 0):7.2f}"
        print(f"{line} {pg}")


async def _storm(pairs, role, at_once=1):
    """{'total', 'queries', 'pg', 'auth', 'subscribe', 'hello'} per connect, CPU in ms. `role`:
    "student", "counselor", "both" (each pair's two sockets) or None (the relay); `at_once` > 1
    connects every socket concurrently, that many at a time, without timing the parts."""
    from channels.testing import WebsocketCommunicator

    from ekonseling.counseling import admission, consumers, protocol

    parts = defaultdict(float)
    patched = []
    if at_once == 1:
        patched = [
            (admission, "_admit_scope", "auth"),
            (consumers, "_open", "subscribe"),
            (protocol, "hello", "hello"),
        ]
    originals = [(module, name, getattr(module, name)) for module, name, _ in patched]
    for module, name, part in patched:
        setattr(module, name, _timed(getattr(module, name), parts, part))
    queries = [0]
    execute, executemany = db_utils.CursorWrapper.execute, db_utils.CursorWrapper.executemany

    def counted(method):
        def wrapper(self, *args, **kwargs):
            queries[0] += 1
            return method(self, *args, **kwargs)

        return wrapper

    db_utils.CursorWrapper.execute, db_utils.CursorWrapper.executemany = counted(execute), counted(executemany)
    application, path = _relay() if role is None else (_app(), "/ws/konseling/")
    sockets = []
    roles = ["student", "counselor"] if role == "both" else [role]
    gate = asyncio.Semaphore(at_once)

    async def connect(pair, role):
        headers = HEADERS if role is None else [*HEADERS, (b"cookie", f"sessionid={pair[role]}".encode())]
        async with gate:
            communicator = WebsocketCommunicator(application, path, headers=headers)
            connected, code = await communicator.connect(timeout=30)
            assert connected, code
            if role is None:
                await communicator.send_json_to({"type": "join", "pair": pair["conversation"], "role": "student"})
                assert (await communicator.receive_json_from(timeout=30))["type"] == "joined"
            else:
                assert (await communicator.receive_json_from(timeout=30))["type"] == "hello"
                await communicator.send_json_to({"type": "subscribe", "conversation": pair["conversation"]})
                frame = await communicator.receive_json_from(timeout=30)
                assert frame["type"] == "messages", frame
            sockets.append(communicator)

    try:
        pg_before = _postgres_cpu()
        started = time.process_time()
        if at_once == 1:
            for pair in pairs:
                await connect(pair, role)
        else:
            await asyncio.gather(*(connect(pair, each) for pair in pairs for each in roles))
        total = time.process_time() - started
        pg_after = _postgres_cpu()
    finally:
        db_utils.CursorWrapper.execute, db_utils.CursorWrapper.executemany = execute, executemany
        for module, name, original in originals:
            setattr(module, name, original)
        for communicator in sockets:
            await communicator.disconnect()
        if role is not None:
            # Writers and watches belong to this run's event loop; the pool's connections to its thread.
            from ekonseling.counseling import socket_sessions, writer

            writer.reset()
            socket_sessions.reset()
            admission.reset()
    n = len(sockets)
    pg = None
    if pg_before is not None and pg_after is not None:
        pg = sum(seconds - pg_before.get(pid, 0.0) for pid, seconds in pg_after.items()) * 1000 / n
    return {
        "total": total * 1000 / n,
        "queries": queries[0] / n,
        "pg": pg,
        **{k: v * 1000 / n for k, v in parts.items()},
    }


def _postgres_cpu():
    """{pid: CPU seconds} of this database's PostgreSQL backends, found by their process titles
    ("postgres: ... user dbname host(port) ..."), or None when the database is not on this machine
    or not PostgreSQL. A backend that ends meanwhile is not counted."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", ""):
        return None
    name = f" {connection.settings_dict['NAME']} "
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                title = fh.read().decode(errors="replace")
            if not title.startswith("postgres:") or name not in title:
                continue
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rpartition(")")[2].split()
        except OSError:
            continue
        found[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _timed(func, parts, part):
    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            parts[part] += time.process_time() - started

    return timed


def _app():
    from ekonseling.asgi import application

    return application


def _relay():
    from channels.routing import URLRouter
    from django.urls import path

    from bench.relay_channels import RelayConsumer

    return URLRouter([path("ws/relay/", RelayConsumer.as_asgi())]), "/ws/relay/"
