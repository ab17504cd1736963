"""Load generator for bench_chat_load: N WebSocket clients in student-counselor pairs, one JSON line out.

Runs in its own process, on one event loop, against any of the three servers of the benchmark:

    python bench/loadgen.py --scenario c1000 --config pairs.json [--seconds 10]

- mode "app": the counseling socket (docs/websocket.md). Each client sends its session cookie and an
  Origin, waits for `hello`, subscribes to its pair's conversation after the conversation's current
  last seq, and later sends `send` frames; arrivals are the other side's `message` frames.
- mode "relay": the bare relays (bench/relay_websockets.py, bench/relay_channels.py). Each client
  joins with `{"type": "join", "pair": p, "role": r}`, waits for `joined`, and the relay forwards
  every later frame unchanged to the other member of the pair.

After everyone is connected, 20 warm-up messages (not counted) go out over about a second, so that
a fresh server's one-off costs do not land in the figures. Sending is then open-loop: message k is
due at start + k / rate, whatever the replies (acks are never awaited); messages go round-robin over
the pairs, and each pair alternates direction. Latency is the time from the actual send to arrival
at the other member of the pair (the delay of the send behind its schedule is reported on its own,
as `send_lag_ms`, and latency from the scheduled time as `latency_from_schedule_ms`). Every body carries the message's
number, so duplicates and losses are counted exactly. In app mode every client also sends what a
browser's chat.js sends while the page is in view: a `read` mark for the other side's newest message,
0.4 s after the last one arrived (config `"receipts": false` turns this off). Finally, in app mode,
every client sends `sync` after its last contiguous seq, and what arrives only then counts as
recovered by replay.
"""

import argparse
import asyncio
import json
import math
import os
import resource
import sys
import time
from collections import Counter

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

SCENARIOS = {
    # name: (pairs, messages per second in all, seconds)
    "c500": (250, 100, 60),
    "c1000": (500, 500, 30),
}
CONNECT_CONCURRENCY = 50
SYNC_CONCURRENCY = 50
PHASE_TIMEOUT = 240  # seconds for connecting everyone, and again for the replay
START_DELAY_NS = 200_000_000
WARMUP_MESSAGES = 20  # before the measured window, over about a second (see Run.warm_up)
WARM = -1  # message_number() of a warm-up message
RECEIPT_DEBOUNCE = 0.4  # seconds, as RECEIPT_DEBOUNCE_MS in static/js/chat.js

SENTENCES = [
    "Selamat siang Bu, saya mau tanya soal jadwal konseling minggu depan.",
    "Baik, kita bisa bertemu hari Kamis setelah jam pelajaran terakhir ya.",
    "Terima kasih Bu, saya sudah mencoba saran kemarin dan rasanya lebih tenang.",
    "Bagaimana persiapan ujianmu? Apa ada mata pelajaran yang terasa berat?",
    "Saya masih bingung memilih jurusan kuliah antara teknik sipil dan ekonomi.",
    "Coba tuliskan kelebihan dan minatmu dulu, nanti kita bahas bersama di ruang BK.",
    "Kemarin saya sudah bicara dengan orang tua tentang rencana kuliah.",
    "Bagus sekali, bagaimana tanggapan mereka tentang pilihanmu itu?",
    "Mereka mendukung, tapi minta saya juga mencari informasi beasiswa.",
    "Informasi beasiswa ada di papan pengumuman dan situs sekolah, nanti Ibu kirimkan tautannya.",
    "Oke Bu, apakah saya perlu membawa rapor semester lalu?",
    "Ya, bawa rapor dan daftar kegiatan ekstrakurikuler yang kamu ikuti.",
]

perf = time.perf_counter_ns
loads = json.loads
dumps = json.dumps


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- CPU accounting (Linux /proc) -------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _processes():
    """{pid: (name, CPU seconds user + system)} of every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                head, _, tail = fh.read().rpartition(")")
        except OSError:
            continue
        fields = tail.split()
        found[int(entry)] = (head.partition("(")[2], (int(fields[11]) + int(fields[12])) / TICK)
    return found


def _machine_cpu():
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:8]]  # guest time is already in user
    return sum(values), values[3] + values[4]


class CpuWindow:
    """CPU used during the send window, per process: the server, PostgreSQL (every backend and
    helper, of any database), Redis, this load generator, and everything else on the machine
    (other people's tests...). A process that ended inside the window is not counted."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.started = time.perf_counter()
        self.before = _processes()
        self.machine = _machine_cpu()

    def finish(self):
        wall = time.perf_counter() - self.started
        after = _processes()
        total, idle = _machine_cpu()
        groups = dict.fromkeys(("server", "postgres", "redis", "loadgen", "others"), 0.0)
        me = os.getpid()
        for pid, (name, seconds) in after.items():
            used = seconds - self.before.get(pid, (name, 0.0))[1]
            if pid == self.server_pid:
                groups["server"] += used
            elif pid == me:
                groups["loadgen"] += used
            elif name == "postgres":
                groups["postgres"] += used
            elif name == "redis-server":
                groups["redis"] += used
            else:
                groups["others"] += used

        def pct(seconds):
            return round(100 * seconds / wall, 1) if wall > 0 else None

        return {
            "wall_s": round(wall, 2),
            "loadgen_s": round(groups["loadgen"], 2),
            "server_s": round(groups["server"], 2),
            "postgres_s": round(groups["postgres"], 2),
            "loadgen_pct": pct(groups["loadgen"]),
            "server_pct": pct(groups["server"]),
            "postgres_pct": pct(groups["postgres"]),
            "redis_pct": pct(groups["redis"]),
            "others_pct": pct(groups["others"]),
            "machine_busy_pct": round(
                100 * ((total - self.machine[0]) - (idle - self.machine[1])) / max(1, total - self.machine[0]), 1
            ),
            "cores": os.cpu_count(),
        }


# --- the run --------------------------------------------------------------------------------------------


def percentiles(samples_ns):
    if not samples_ns:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    ordered = sorted(samples_ns)
    n = len(ordered)

    def at(p):
        return round(ordered[min(n - 1, max(0, math.ceil(p * n) - 1))] / 1e6, 2)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1] / 1e6, 2), "n": n}


class Client:
    __slots__ = (
        "index",
        "pair",
        "role",
        "conversation",
        "cookie",
        "ws",
        "seqs",
        "contig",
        "sync_done",
        "task",
        "their_highest",
        "mark_timer",
    )

    def __init__(self, index, pair, role, conversation, cookie):
        self.index, self.pair, self.role, self.conversation, self.cookie = index, pair, role, conversation, cookie
        self.ws = None
        self.their_highest = 0
        self.mark_timer = None
        self.seqs = set()
        self.contig = 0
        self.sync_done = None
        self.task = None

    def saw_seq(self, seq):
        if seq <= self.contig:
            return
        self.seqs.add(seq)
        while self.contig + 1 in self.seqs:
            self.contig += 1
            self.seqs.discard(self.contig)


class Run:
    def __init__(self, config, pairs, rate, seconds, drain, scenario):
        self.config = config
        self.mode = config["mode"]
        self.url = config["url"]
        self.origin = config.get("origin")
        self.pairs_config = config["pairs"][:pairs]
        self.rate, self.seconds, self.drain, self.scenario = rate, seconds, drain, scenario
        self.receipts = self.mode == "app" and config.get("receipts", True)
        self.nonce = str(int.from_bytes(os.urandom(4), "big"))
        self.clients = []
        self.closing = False
        self.counts = Counter()
        self.errors = Counter()
        self.connect_errors = Counter()
        self.foreign = []

    # --- connecting ------------------------------------------------------------------------------------

    async def open_all(self):
        for pair, spec in enumerate(self.pairs_config):
            for role in ("student", "counselor"):
                client = Client(len(self.clients), pair, role, spec.get("conversation"), spec.get(role))
                client.contig = spec.get("last_seq", 0)
                self.clients.append(client)
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(client):
            async with gate:
                try:
                    await self.open(client)
                except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                    self.connect_errors[f"{exc.__class__.__name__}: {str(exc)[:80]}"] += 1
                    if client.ws is not None:
                        await client.ws.close()
                    client.ws = None

        started = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in self.clients)), PHASE_TIMEOUT)
        except TimeoutError:
            for client in self.clients:
                if client.task is None:
                    self.connect_errors["not connected and subscribed within the phase timeout"] += 1
                    if client.ws is not None:
                        client.ws.transport.abort()
                    client.ws = None
        return time.perf_counter() - started

    async def open(self, client):
        headers = {}
        if self.mode == "app":
            headers = {"Cookie": f"sessionid={client.cookie}", "Origin": self.origin}
        ws = client.ws = await connect(
            self.url,
            additional_headers=headers,
            compression=None,
            open_timeout=60,
            ping_interval=None,
            close_timeout=5,
            max_size=2**22,
            max_queue=None,
        )
        if self.mode == "app":
            hello = loads(await asyncio.wait_for(ws.recv(), 60))
            if hello.get("type") != "hello":
                raise RuntimeError(f"expected hello, got {hello.get('type')}")
            after = client.contig
            await ws.send(dumps({"type": "subscribe", "conversation": client.conversation, "after": after}))
            while True:
                frame = loads(await asyncio.wait_for(ws.recv(), 60))
                if frame.get("type") == "messages":
                    for message in frame["messages"]:
                        client.saw_seq(message["seq"])
                    client.contig = max(client.contig, frame["last_seq"] if frame["complete"] else client.contig)
                    break
                if frame.get("type") == "error":
                    raise RuntimeError(f"subscribe refused: {frame.get('code')}")
        else:
            await ws.send(dumps({"type": "join", "pair": client.pair, "role": client.role}))
            frame = loads(await asyncio.wait_for(ws.recv(), 60))
            if frame.get("type") != "joined":
                raise RuntimeError(f"expected joined, got {frame.get('type')}")
        client.task = asyncio.get_running_loop().create_task(self.read(client))

    # --- the schedule --------------------------------------------------------------------------------------

    def prepare(self):
        """Every frame precomputed: message k goes from pair k % P, alternating direction."""
        live_pairs = sorted(
            {c.pair for c in self.clients if c.ws is not None}
            - {c.pair for c in self.clients if c.ws is None}  # a pair with a dead member sends nothing
        )
        by_pair = {}
        for client in self.clients:
            by_pair.setdefault(client.pair, {})[client.role] = client
        self.live_pairs = live_pairs
        total = int(self.rate * self.seconds)
        self.total = total
        self.sender = [None] * total
        self.pair_of = [0] * total
        self.frames = [None] * total
        self.key_to_k = {}
        if not live_pairs:
            self.total = 0
            return
        for k in range(total):
            slot = k % len(live_pairs)
            pair = live_pairs[slot]
            turn = k // len(live_pairs)
            role = "student" if (turn + pair) % 2 == 0 else "counselor"
            client = by_pair[pair][role]
            body = f"{k} {self.nonce} {SENTENCES[k % len(SENTENCES)]}"
            key = f"{int(self.nonce):08x}-0000-4000-8000-{k:012d}"
            self.key_to_k[key] = k
            self.sender[k] = client
            self.pair_of[k] = pair
            self.frames[k] = dumps(
                {"type": "send", "conversation": client.conversation, "client_key": key, "body": body}
            )
        self.sched_ns = [0] * total
        self.send_ns = [0] * total
        self.arrive_ns = [0] * total
        self.ack_ns = [0] * total
        self.seq_of = [0] * total
        self.errored = bytearray(total)
        self.replayed = bytearray(total)
        self.sent = 0

    async def warm_up(self):
        """A few student messages before the measured window, over about a second.

        A fresh server pays one-off costs on its first messages (the app loads its risk lexicon and
        stemmer dictionary on the first student message, opens the writer's database connection);
        the figures are for a server that has handled a message before. How long the warm-up took
        is reported (`warmup_s`).
        """
        if not self.live_pairs:
            return 0.0
        count = min(WARMUP_MESSAGES, len(self.live_pairs))
        step = len(self.live_pairs) / count
        started = time.perf_counter()
        for i in range(count):
            pair = self.live_pairs[int(i * step)]
            client = next(c for c in self.clients if c.pair == pair and c.role == "student")
            key = f"{int(self.nonce):08x}-0000-4000-9000-{i:012d}"
            self.key_to_k[key] = WARM
            body = f"w{i} {self.nonce} {SENTENCES[i % len(SENTENCES)]}"
            await client.ws.send(
                dumps({"type": "send", "conversation": client.conversation, "client_key": key, "body": body})
            )
            await asyncio.sleep(1 / count)
        deadline = time.perf_counter() + 15
        while self.counts["warmup_arrivals"] < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        return time.perf_counter() - started

    async def send_all(self):
        interval = 1_000_000_000 / self.rate
        start = perf() + START_DELAY_NS
        for k in range(self.total):
            due = start + int(k * interval)
            now = perf()
            if due > now:
                await asyncio.sleep((due - now) / 1e9)
            elif k % 50 == 0:
                await asyncio.sleep(0)  # behind schedule: still let the readers run
            client = self.sender[k]
            self.sched_ns[k] = due
            self.send_ns[k] = perf()
            try:
                await client.ws.send(self.frames[k])
            except ConnectionClosed:
                self.counts["send_failed"] += 1
                self.send_ns[k] = 0
                continue
            self.sent += 1

    # --- arrivals --------------------------------------------------------------------------------------------

    def message_number(self, body):
        parts = body.split(" ", 2) if isinstance(body, str) else ()
        if len(parts) < 2 or parts[1] != self.nonce:
            return None
        if parts[0].startswith("w"):
            return WARM
        try:
            k = int(parts[0])
        except ValueError:
            return None
        return k if 0 <= k < self.total else None

    async def read(self, client):
        ws = client.ws
        app = self.mode == "app"
        counts = self.counts
        try:
            async for raw in ws:
                now = perf()
                frame = loads(raw)
                kind = frame.get("type")
                if app:
                    if kind == "message":
                        self.on_message(client, frame, now)
                    elif kind == "ack":
                        self.on_ack(frame, now)
                    elif kind == "error":
                        self.on_error(frame)
                    elif kind == "messages":
                        await self.on_replay(client, frame)
                    elif kind in ("receipt", "typing", "inbox"):
                        event = frame.get("event") if kind == "inbox" else frame
                        conversation = event.get("conversation") if isinstance(event, dict) else None
                        if conversation == client.conversation:
                            counts[f"frames_{kind}"] += 1
                        else:  # about a conversation this client never opened: another process's
                            counts["foreign"] += 1
                            self.foreign_sample(client, frame, conversation)
                    else:
                        counts[f"frames_{kind}"] += 1
                elif kind == "send":
                    self.arrived(client, self.message_number(frame.get("body")), now, None)
                else:
                    counts[f"frames_{kind}"] += 1
        except ConnectionClosed as exc:
            if not self.closing:
                counts["closed_by_server"] += 1
                self.connect_errors[f"closed during the run: {exc}"[:100]] += 1

    def arrived(self, client, k, now, seq):
        if k == WARM:
            self.counts["warmup_arrivals"] += 1
            return
        if k is None:
            self.counts["foreign"] += 1  # another run's or another process's frame on a shared channel
            return
        if self.pair_of[k] != client.pair or self.sender[k] is client:
            self.counts["misdelivered"] += 1
            return
        if self.arrive_ns[k]:
            self.counts["duplicated"] += 1
            return
        self.arrive_ns[k] = now
        self.seq_of[k] = seq or 0

    def on_message(self, client, frame, now):
        k = self.message_number(frame.get("body"))
        if k is None:
            # Not this run's: another process publishing on the same Redis channel names.
            self.counts["foreign"] += 1
            self.foreign_sample(client, frame)
            return
        client.saw_seq(frame["seq"])
        if frame.get("sender_role") == client.role:
            self.counts["echoes"] += 1  # the sender's own copy of its message
            return
        self.arrived(client, k, now, frame["seq"])
        if self.receipts:
            self.schedule_read(client, frame["seq"])

    def schedule_read(self, client, seq):
        """As chat.js does with the page in view: a `read` mark for the newest message of the other
        side, RECEIPT_DEBOUNCE seconds after the last one arrived."""
        client.their_highest = max(client.their_highest, seq)
        if client.mark_timer is not None:
            client.mark_timer.cancel()
        client.mark_timer = asyncio.get_running_loop().call_later(
            RECEIPT_DEBOUNCE, lambda: asyncio.ensure_future(self.send_read(client))
        )

    async def send_read(self, client):
        client.mark_timer = None
        frame = {"type": "read", "conversation": client.conversation, "seq": client.their_highest}
        try:
            await client.ws.send(dumps(frame))
        except ConnectionClosed:
            return
        self.counts["reads_sent"] += 1

    def foreign_sample(self, client, frame, conversation=None):
        """What a frame this run never caused looked like (no message text: type, conversation, seq)."""
        if len(self.foreign) < 5:
            self.foreign.append(
                {
                    "type": frame.get("type"),
                    "conversation": conversation if conversation is not None else frame.get("conversation"),
                    "seq": frame.get("seq"),
                    "subscribed_to": client.conversation,
                    "body_chars": len(frame["body"]) if isinstance(frame.get("body"), str) else None,
                }
            )

    def on_ack(self, frame, now):
        k = self.key_to_k.get(frame.get("client_key"))
        if k is None:
            self.counts["foreign_acks"] += 1
            return
        if k == WARM:
            self.counts["warmup_acks"] += 1
            return
        if self.ack_ns[k]:
            self.counts["ack_repeated"] += 1
        self.ack_ns[k] = now
        if frame.get("duplicate"):
            self.counts["ack_duplicate_flag"] += 1

    def on_error(self, frame):
        self.errors[frame.get("code", "?")] += 1
        k = self.key_to_k.get(frame.get("client_key"))
        if k == WARM:
            self.counts["warmup_errors"] += 1
        elif k is not None:
            self.errored[k] = 1

    async def on_replay(self, client, frame):
        for message in frame["messages"]:
            client.saw_seq(message["seq"])
            if message.get("sender_role") == client.role:
                continue
            k = self.message_number(message.get("body"))
            if k is None or k == WARM or self.pair_of[k] != client.pair:
                continue
            if self.seq_of[k] and self.seq_of[k] != message["seq"]:
                self.counts["stored_twice"] += 1  # the same message under two sequence numbers
            elif not self.arrive_ns[k] and not self.replayed[k]:
                self.replayed[k] = 1
        if not frame["complete"]:
            await client.ws.send(
                dumps({"type": "sync", "conversation": client.conversation, "after": frame["last_seq"]})
            )
        elif client.sync_done is not None and not client.sync_done.done():
            client.sync_done.set_result(None)

    # --- after sending -------------------------------------------------------------------------------------

    def outstanding(self):
        missing = 0
        app = self.mode == "app"
        for k in range(self.total):
            if self.send_ns[k] and not self.errored[k] and (not self.arrive_ns[k] or app and not self.ack_ns[k]):
                missing += 1
        return missing

    async def wait_drain(self):
        deadline = time.perf_counter() + self.drain
        while time.perf_counter() < deadline:
            if not self.outstanding():
                break
            await asyncio.sleep(0.05)

    async def replay(self):
        """Every client asks for what follows its last contiguous seq, as after a gap or a reconnect."""
        gate = asyncio.Semaphore(SYNC_CONCURRENCY)
        loop = asyncio.get_running_loop()

        async def one(client):
            async with gate:
                client.sync_done = loop.create_future()
                try:
                    await client.ws.send(
                        dumps({"type": "sync", "conversation": client.conversation, "after": client.contig})
                    )
                    await asyncio.wait_for(client.sync_done, 30)
                except (ConnectionClosed, TimeoutError):
                    self.counts["sync_failed"] += 1

        started = time.perf_counter()
        live = [c for c in self.clients if c.ws is not None and c.task is not None and not c.task.done()]
        self.counts["sync_skipped_closed"] = sum(1 for c in self.clients if c.ws is not None) - len(live)
        try:
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in live)), PHASE_TIMEOUT)
        except TimeoutError:
            self.counts["sync_failed"] += sum(1 for c in live if c.sync_done is None or not c.sync_done.done())
        return time.perf_counter() - started

    async def close_all(self):
        self.closing = True
        await asyncio.gather(*(c.ws.close() for c in self.clients if c.ws is not None), return_exceptions=True)
        for client in self.clients:
            if client.task is not None:
                client.task.cancel()

    # --- the whole run ------------------------------------------------------------------------------------

    async def main(self):
        connecting = CpuWindow(self.config.get("server_pid"))
        connect_s = await self.open_all()
        connect_cpu = connecting.finish()
        connected = sum(1 for c in self.clients if c.ws is not None)
        self.prepare()
        warmup_s = await self.warm_up()
        cpu = CpuWindow(self.config.get("server_pid"))
        self.started_at = time.time() + START_DELAY_NS / 1e9
        await self.send_all()
        send_s = time.perf_counter() - cpu.started
        cpu_figures = cpu.finish()
        await self.wait_drain()
        lost_live = self.missing_arrivals(with_replay=False)
        replay_s = None
        if self.mode == "app":
            replay_s = await self.replay()
        lost_after = self.missing_arrivals(with_replay=True)
        result = self.result(connected, connect_s, send_s, replay_s, cpu_figures, lost_live, lost_after)
        result["warmup_s"] = round(warmup_s, 2)
        # What the connect storm cost, load-independent enough to compare on a busy machine.
        result["connect_cpu"] = {k: connect_cpu[k] for k in ("server_s", "postgres_s", "others_pct")}
        result["started_at"] = round(self.started_at, 3)  # wall clock of the first scheduled send
        await self.close_all()
        return result

    def missing_arrivals(self, with_replay):
        return sum(
            1
            for k in range(self.total)
            if self.send_ns[k]
            and not self.errored[k]
            and not self.arrive_ns[k]
            and not (with_replay and self.replayed[k])
        )

    def by_second(self, arrived):
        """Per second of the schedule: [second, n, p50 ms, p99 ms, max ms] (where a slow patch sits)."""
        if not arrived:
            return []
        start = self.sched_ns[0]
        buckets = {}
        for k in arrived:
            second = (self.sched_ns[k] - start) // 1_000_000_000
            buckets.setdefault(second, []).append(self.arrive_ns[k] - self.send_ns[k])
        rows = []
        for second in sorted(buckets):
            p = percentiles(buckets[second])
            rows.append([second, p["n"], p["p50"], p["p99"], p["max"]])
        return rows

    def result(self, connected, connect_s, send_s, replay_s, cpu, lost_live, lost_after):
        sent = [k for k in range(self.total) if self.send_ns[k]]
        arrived = [k for k in sent if self.arrive_ns[k]]
        acked = [k for k in sent if self.ack_ns[k]]
        counts = dict(self.counts)
        return {
            "scenario": self.scenario,
            "mode": self.mode,
            "url": self.url,
            "connections": len(self.clients),
            "connected": connected,
            "connect_errors": dict(self.connect_errors),
            "connect_s": round(connect_s, 2),
            "pairs_sending": len(self.live_pairs),
            "rate": self.rate,
            "seconds": self.seconds,
            "scheduled": self.total,
            "sent": len(sent),
            "send_s": round(send_s, 2),
            "achieved_rate": round(len(sent) / send_s, 1) if send_s else None,
            "delivered": len(arrived),
            "latency_ms": percentiles([self.arrive_ns[k] - self.send_ns[k] for k in arrived]),
            "latency_from_schedule_ms": percentiles([self.arrive_ns[k] - self.sched_ns[k] for k in arrived]),
            "latency_by_second": self.by_second(arrived),
            "send_lag_ms": percentiles([self.send_ns[k] - self.sched_ns[k] for k in sent]),
            "ack_ms": percentiles([self.ack_ns[k] - self.send_ns[k] for k in acked]) if self.mode == "app" else None,
            # Arrival at the receiver after the ack reached the sender: the broadcast's share.
            "after_ack_ms": percentiles([self.arrive_ns[k] - self.ack_ns[k] for k in arrived if self.ack_ns[k]])
            if self.mode == "app"
            else None,
            "acks": len(acked),
            "unacked": sum(1 for k in sent if not self.ack_ns[k] and not self.errored[k])
            if self.mode == "app"
            else None,
            "errors": dict(self.errors),
            "lost_before_replay": lost_live,
            "recovered_by_replay": sum(self.replayed) if self.mode == "app" else None,
            "lost_after_replay": lost_after if self.mode == "app" else None,
            "replay_s": round(replay_s, 2) if replay_s is not None else None,
            "duplicated": counts.get("duplicated", 0) + counts.get("stored_twice", 0),
            "counts": counts,
            "foreign_samples": self.foreign,
            "cpu": cpu,
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--config", required=True, help="JSON: mode, url, origin, pairs, server_pid")
    parser.add_argument("--seconds", type=float, help="override the scenario's duration")
    parser.add_argument("--rate", type=float, help="override the scenario's messages per second")
    parser.add_argument("--pairs", type=int, help="override the scenario's number of pairs")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for stragglers")
    args = parser.parse_args(argv)
    pairs, rate, seconds = SCENARIOS[args.scenario]
    pairs = args.pairs or pairs
    rate = args.rate or rate
    seconds = args.seconds or seconds
    with open(args.config) as fh:
        config = json.load(fh)
    if len(config["pairs"]) < pairs:
        parser.error(f"the config has {len(config['pairs'])} pairs, the scenario needs {pairs}")
    raise_fd_limit(2 * pairs + 256)
    run = Run(config, pairs, rate, seconds, args.drain, args.scenario)
    result = asyncio.run(run.main())
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
