"""CPU per chat message, in process: what the server spends on one message and everything it causes.

Latency on a shared machine says little; CPU seconds per message do not depend on who else runs.
Here N student-counselor pairs connect to the real ASGI application (origin check, session,
admission, consumer, batch writer, PostgreSQL, the Redis layer) through Channels'
WebsocketCommunicator and subscribe; then messages go out in waves of WAVE pairs at once (each
pair alternates direction), as under load: the send, the rate limit, the batch writer (insert,
encryption, risk screening of the student's messages), the ack, the message to the other side,
the inbox event or live refresh, the other side's read mark (stored, and its receipt frame to
the sender). A message counts once the sender has its ack and the receipt of the other side's
read. Printed: process CPU per message (every thread, time.process_time; the test client's own
share included) and the frames per message. Needs PostgreSQL and Redis. Environment:
BENCH_MESSAGE_PAIRS (default 100), BENCH_MESSAGE_ROUNDS (default 10: every pair sends this many),
BENCH_MESSAGE_REPEAT (default 3, the minimum is printed), BENCH_MESSAGE_SKIP=1 skips. DEBUG is off
while it runs, as on a server.
"""

import asyncio
import os
import time
import uuid
from collections import Counter

from django.conf import settings

from bench.bench_chat_load import _world

SLUG = "messagebench"
WAVE = 25  # pairs sending at once
HEADERS = [(b"origin", b"http://localhost"), (b"host", b"localhost")]


def run():
    if os.environ.get("BENCH_MESSAGE_SKIP") == "1":
        print("  skipped (BENCH_MESSAGE_SKIP=1)")
        return
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        print("  skipped on SQLite + in-memory layer: this benchmark needs PostgreSQL and Redis")
        return
    n = int(os.environ.get("BENCH_MESSAGE_PAIRS", "100"))
    rounds = int(os.environ.get("BENCH_MESSAGE_ROUNDS", "10"))
    repeat = int(os.environ.get("BENCH_MESSAGE_REPEAT", "3"))
    # The send limit is not what this measures (a pair sends `rounds` messages per run).
    limits = getattr(settings, "COUNSELING_RATE_LIMITS", {})
    settings.COUNSELING_RATE_LIMITS = {**limits, "message": (10_000, 15)}
    pairs = _world(n, slug=SLUG, name="SMA Uji Pesan", nisn_base=7_000_000_000)
    from ekonseling.core import crypto

    # As the server runs: no query log per statement (and so the data keys named, as DEBUG off wants).
    settings.DATA_KEYS = crypto.data_keys()
    debug, settings.DEBUG = settings.DEBUG, False
    try:
        runs = [asyncio.run(_run(pairs, rounds)) for _ in range(repeat)]
    finally:
        settings.DEBUG, settings.COUNSELING_RATE_LIMITS = debug, limits
    best = min(runs, key=lambda r: r["cpu_ms"])
    each = ", ".join(f"{r['cpu_ms']:.3f}" for r in runs)
    frames = ", ".join(f"{k} {v:.2f}" for k, v in sorted(best["frames"].items()))
    print(
        f"  {n} pairs, {rounds} messages per pair in waves of {WAVE} pairs; min of {repeat} runs: "
        f"{best['cpu_ms']:.3f} ms CPU per message (runs: {each})"
    )
    print(f"    frames per message: {frames}")


async def _run(pairs, rounds):
    from channels.testing import WebsocketCommunicator

    from ekonseling.asgi import application
    from ekonseling.counseling import admission, socket_sessions, writer

    sockets = {}
    frames = Counter()
    waiting = {}  # client key -> future done when the sender has the ack and the read receipt
    readers = []
    try:
        for pair in pairs:
            for role in ("student", "counselor"):
                headers = [*HEADERS, (b"cookie", f"sessionid={pair[role]}".encode())]
                communicator = WebsocketCommunicator(application, "/ws/konseling/", headers=headers)
                connected, code = await communicator.connect(timeout=30)
                assert connected, code
                assert (await communicator.receive_json_from(timeout=30))["type"] == "hello"
                await communicator.send_json_to({"type": "subscribe", "conversation": pair["conversation"]})
                frame = await communicator.receive_json_from(timeout=30)
                assert frame["type"] == "messages", frame
                sockets[pair["conversation"], role] = communicator
        for (conversation, _role), communicator in sockets.items():
            readers.append(asyncio.ensure_future(_read(communicator, conversation, frames, waiting)))
        await _rounds(pairs, sockets, waiting, 1, readers)  # warm-up: first-use costs
        frames.clear()
        started = time.process_time()
        sent = await _rounds(pairs, sockets, waiting, rounds, readers)
        cpu = time.process_time() - started
    finally:
        for reader in readers:
            reader.cancel()
        for communicator in sockets.values():
            await communicator.disconnect()
        writer.reset()
        socket_sessions.reset()
        admission.reset()
    return {"cpu_ms": cpu * 1000 / sent, "frames": {k: v / sent for k, v in frames.items()}}


async def _rounds(pairs, sockets, waiting, rounds, readers):
    loop = asyncio.get_running_loop()
    sent = 0
    for number in range(rounds):
        for start in range(0, len(pairs), WAVE):
            done = []
            for i, pair in enumerate(pairs[start : start + WAVE]):
                role = "student" if (i + number) % 2 == 0 else "counselor"
                key = str(uuid.uuid4())
                waiting[key] = {"future": loop.create_future(), "acked": False, "seq": None, "read": False}
                done.append(waiting[key]["future"])
                body = f"Pesan uji beban nomor {sent} tentang jadwal konseling minggu depan."
                await sockets[pair["conversation"], role].send_json_to(
                    {"type": "send", "conversation": pair["conversation"], "client_key": key, "body": body}
                )
                sent += 1
            try:
                await asyncio.wait_for(asyncio.gather(*done), timeout=60)
            except TimeoutError:
                failed = [reader.exception() for reader in readers if reader.done()]
                raise RuntimeError(f"no ack or receipt within 60 s; readers failed with {failed[:3]}") from None
    return sent


async def _read(communicator, conversation, frames, waiting):
    """One client: counts frames, answers a message with a read mark (as chat.js does), and settles
    a sent message once both its ack and the other side's read receipt are in."""
    import json

    by_seq = {}
    while True:
        frame = json.loads(await communicator.receive_from(timeout=3600))
        kind = frame["type"]
        frames[kind] += 1
        if kind == "message":
            await communicator.send_json_to({"type": "read", "conversation": conversation, "seq": frame["seq"]})
        elif kind == "ack":
            state = waiting.pop(frame["client_key"])
            state["seq"] = frame["seq"]
            if by_seq.pop(frame["seq"], False):
                state["future"].set_result(None)
            else:
                by_seq[frame["seq"]] = state
        elif kind == "receipt":
            state = by_seq.pop(frame["read_seq"], None)
            if isinstance(state, dict):
                state["future"].set_result(None)
            else:
                by_seq[frame["read_seq"]] = True
        elif kind == "error":
            raise RuntimeError(frame)
