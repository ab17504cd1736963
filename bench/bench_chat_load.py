"""Live chat under load: 500 and 1,000 WebSocket clients against one Daphne (PostgreSQL + Redis) and two bare relays.

Per scenario and server a fresh server process is started and bench/loadgen.py, a separate process,
plays student-counselor pairs against it (see its docstring for the method). The servers:

- app: `daphne ekonseling.asgi:application` as in production (DEBUG off, every message stored
  encrypted through the batch writer, risk-screened, acknowledged, then broadcast over Redis);
- channels relay: bench/relay_channels.py, Daphne + a Channels consumer + the same Redis pub/sub
  layer, no database;
- websockets relay: bench/relay_websockets.py, a bare `websockets` server.

Per server and scenario: delivery latency p50/p95/p99 (send to arrival at the other member of the
pair), messages lost (before and, for the app, after replay by sequence number) and duplicated, the
server's peak RSS (VmHWM), and the CPU of each process during the send window.

Environment: BENCH_CHAT_SECONDS shortens both scenarios (default 60 s and 30 s, as in the issue);
BENCH_CHAT_SERVERS picks servers (comma-separated from app,channels,websockets);
BENCH_CHAT_SCENARIOS picks scenarios (c500,c1000); BENCH_CHAT_DEBUG=1 runs the app with DEBUG on;
BENCH_CHAT_RESULTS=FILE appends each raw result (JSON) to FILE; BENCH_CHAT_RECEIPTS=0 stops the app's
clients from sending read receipts (on by default, as browsers send them);
BENCH_CHAT_SKIP=1 skips this module; BENCH_CHAT_DIAG=1 records what happens inside the app's server and
the load generator (bench/diagnostics: collections, event-loop stalls, writer batches) and prints it
for the app's slowest seconds. Figures only: goals are printed next to them, never asserted.
"""

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from importlib import import_module
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_HASH_SOURCE = "chat-load-not-for-signing-in"
SCHOOL_SLUG = "chatload"
PAIRS = 500

# name, connections label, pairs, msg/s, default seconds, p99 goal (ms)
SCENARIOS = [
    ("c500", "500 connections (250 pairs), 100 msg/s", 250, 100, 60, 25),
    ("c1000", "1,000 connections (500 pairs), 500 msg/s", 500, 500, 30, 100),
]
SERVERS = [
    ("app", "app (Daphne+PG+Redis)"),
    ("channels", "channels relay"),
    ("websockets", "websockets relay"),
]


def run():
    if os.environ.get("BENCH_CHAT_SKIP") == "1":
        print("  skipped (BENCH_CHAT_SKIP=1)")
        return
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") or layer.endswith("InMemoryChannelLayer"):
        print("  skipped on SQLite + in-memory layer: this benchmark needs PostgreSQL and Redis")
        return
    seconds_override = os.environ.get("BENCH_CHAT_SECONDS")
    servers = _chosen("BENCH_CHAT_SERVERS", [name for name, _ in SERVERS])
    scenarios = _chosen("BENCH_CHAT_SCENARIOS", [s[0] for s in SCENARIOS])
    print(
        f"  machine: {os.cpu_count()} cores shared by the server, Redis, PostgreSQL and the load generator; "
        "CPU figures are % of one core over the send window"
    )
    started = time.perf_counter()
    pairs = _world(PAIRS)
    print(
        f"  setup: {PAIRS} students, {PAIRS} guru BK, {PAIRS} conversations and sessions in "
        f"{time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="chatload_") as tmp:
        for name, label, n_pairs, rate, default_seconds, goal in SCENARIOS:
            if name not in scenarios:
                continue
            seconds = float(seconds_override) if seconds_override else default_seconds
            print(f"\n  scenario {name}: {label} for {seconds:g} s; app goal p99 < {goal} ms", flush=True)
            rows = {}
            for server in servers:
                try:
                    rows[server] = _one(server, name, n_pairs, rate, seconds, pairs, Path(tmp))
                except Exception as exc:  # noqa: BLE001 - one failed server must not hide the others
                    print(f"  {server}: FAILED: {exc.__class__.__name__}: {exc}")
                    rows[server] = None
            _table(rows, goal)


def _chosen(variable, default):
    value = os.environ.get(variable)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


# --- the school ---------------------------------------------------------------------------------------------


def _world(count, slug=SCHOOL_SLUG, name="SMA Uji Beban Chat", nisn_base=9_000_000_000):
    """`count` student-counselor pairs, each with a claimed chat conversation and two sessions
    (bench_connect reuses it with its own school)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from ekonseling.accounts.models import Role, User
    from ekonseling.core.models import School
    from ekonseling.counseling import services
    from ekonseling.counseling.models import Conversation
    from ekonseling.students.models import Student

    school = School.objects.create(name=name, slug=slug)
    password = make_password(PASSWORD_HASH_SOURCE)  # one Argon2 hash shared by every bench account
    students = User.objects.bulk_create(
        [User(username=f"{slug}-siswa-{i}", school=school, role=Role.SISWA, password=password) for i in range(count)]
    )
    counselors = User.objects.bulk_create(
        [User(username=f"{slug}-gurubk-{i}", school=school, role=Role.GURU_BK, password=password) for i in range(count)]
    )
    records = Student.objects.bulk_create(
        [
            Student(school=school, nisn=f"{nisn_base + i}", name=f"Siswa Beban {i}", sex="LP"[i % 2], user=user)
            for i, user in enumerate(students)
        ]
    )
    # Individual caseload assignments: each guru BK serves exactly its own student.
    Student.counselors.through.objects.bulk_create(
        [
            Student.counselors.through(student_id=record.pk, user_id=counselor.pk)
            for record, counselor in zip(records, counselors, strict=True)
        ]
    )
    conversations = []
    for record, counselor in zip(records, counselors, strict=True):
        conversation = services.start_conversation(record)
        conversation.counselor = counselor  # claimed by its counselor
        conversations.append(conversation)
    Conversation.objects.bulk_update(conversations, ["counselor"])

    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore()
    expires = timezone.now() + datetime.timedelta(hours=6)
    sessions, keys = [], {}
    backend = "ekonseling.accounts.backends.SchoolModelBackend"
    for user in [*students, *counselors]:
        key = get_random_string(32, VALID_KEY_CHARS)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        sessions.append(store.model(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    store.model.objects.bulk_create(sessions)
    return [
        {"conversation": conversation.pk, "student": keys[student.pk], "counselor": keys[counselor.pk]}
        for student, counselor, conversation in zip(students, counselors, conversations, strict=True)
    ]


# --- servers ---------------------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A channel prefix of this run's own: Redis pub/sub ignores the database number, so two runs (or a
# run and a developer's server) on one Redis would otherwise deliver each other's frames.
RUN_PREFIX = f"{os.environ.get('CHANNEL_LAYER_PREFIX', 'ekonseling')}-bench-{uuid.uuid4().hex[:8]}"


def _server_env():
    from ekonseling.core import crypto

    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "CHANNEL_LAYER_PREFIX": RUN_PREFIX,
        # The sessions are signed and the rows encrypted by this process: the server must agree.
        "SECRET_KEY": settings.SECRET_KEY,
        "EKONSELING_DATA_KEYS": ",".join(crypto.data_keys()),
        "DEBUG": "1" if os.environ.get("BENCH_CHAT_DEBUG") == "1" else "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # Risk alerts e-mail the counselors: no mail server here, and a refused SMTP connection per
        # alert is neither what production does nor what this benchmark measures.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _diagnostics_env(folder):
    """The environment that makes a process record its collections and stalls (bench/diagnostics)."""
    if folder is None:
        return {}
    path = os.pathsep.join(p for p in [str(ROOT / "bench" / "diagnostics"), os.environ.get("PYTHONPATH")] if p)
    return {"PYTHONPATH": path, "DIAG_DIR": str(folder)}


def _start(server, port, log, diagnostics=None):
    daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
    if server == "app":
        command, path = [*daphne, "ekonseling.asgi:application"], "/ws/konseling/"
    elif server == "channels":
        command, path = [*daphne, "bench.relay_channels:application"], "/ws/relay/"
    else:
        command, path = [sys.executable, str(ROOT / "bench" / "relay_websockets.py"), "--port", str(port)], "/"
    env = {**_server_env(), **_diagnostics_env(diagnostics)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    return process, f"ws://127.0.0.1:{port}{path}"


def _wait_until_up(process, port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not come up")


def _memory_mb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _one(server, scenario, n_pairs, rate, seconds, pairs, tmp):
    from ekonseling.counseling.models import Conversation

    port = _free_port()
    log_path = tmp / f"chatload_{scenario}_{server}.log"
    with open(log_path, "wb") as log:
        diagnostics = None
        if server == "app" and os.environ.get("BENCH_CHAT_DIAG") == "1":
            diagnostics = tmp / f"diag_{scenario}"
            diagnostics.mkdir(exist_ok=True)
        process, url = _start(server, port, log, diagnostics)
        try:
            _wait_until_up(process, port)
            idle_mb = _memory_mb(process.pid, "VmRSS")
            if server == "app":
                ids = [p["conversation"] for p in pairs]
                last = dict(Conversation.objects.filter(pk__in=ids).values_list("pk", "last_seq"))
                spec = [{**p, "last_seq": last[p["conversation"]]} for p in pairs]
                mode = "app"
            else:
                spec = [{"conversation": i} for i in range(len(pairs))]
                mode = "relay"
            config = {
                "mode": mode,
                "url": url,
                "origin": f"http://127.0.0.1:{port}",
                "server_pid": process.pid,
                "pairs": spec,
                "receipts": os.environ.get("BENCH_CHAT_RECEIPTS", "1") != "0",
            }
            config_path = tmp / f"chatload_{scenario}_{server}.json"
            config_path.write_text(json.dumps(config))
            command = [
                sys.executable,
                str(ROOT / "bench" / "loadgen.py"),
                "--scenario",
                scenario,
                "--config",
                str(config_path),
                "--pairs",
                str(n_pairs),
                "--rate",
                str(rate),
                "--seconds",
                str(seconds),
            ]
            generated = subprocess.run(
                command,
                cwd=ROOT,
                env={**os.environ, **_diagnostics_env(diagnostics)},
                capture_output=True,
                text=True,
                timeout=seconds + 600,
                check=False,
            )
            peak_mb = _memory_mb(process.pid, "VmHWM")
            alive = process.poll() is None
        finally:
            log.flush()
            log_size = log_path.stat().st_size  # what the server said before it was told to stop
            _stop(process)
    lines = [line for line in generated.stdout.splitlines() if line.startswith("{")]
    if generated.returncode != 0 or not lines:
        print(f"  {server}: the load generator failed (exit {generated.returncode})")
        print("    " + "\n    ".join((generated.stderr or "").strip().splitlines()[-15:]))
        _print_log_tail(log_path, log_size)
        return None
    result = json.loads(lines[-1])
    result["peak_mb"], result["idle_mb"], result["server_survived"] = peak_mb, idle_mb, alive
    result["server"] = server
    if os.environ.get("BENCH_CHAT_RESULTS"):
        with open(os.environ["BENCH_CHAT_RESULTS"], "a") as fh:
            fh.write(json.dumps(result) + "\n")
    _print_details(server, result)
    if diagnostics is not None:
        _print_diagnostics(result, diagnostics)
    _print_log_tail(log_path, log_size, only_if_errors=True)
    return result


def _print_diagnostics(result, folder, worst=3):
    """For the slowest seconds (by p99): the collections of 2 ms CPU or more, the event-loop stalls
    of 10 ms or more and the writer batches of 20 ms or more in the server, and the load
    generator's own stalls, from 0.2 s before the second to its end; then every collection of the
    send window by generation."""
    events = []
    for path in sorted(folder.glob("*.jsonl")):
        who = path.name.split("-")[0]
        with open(path) as fh:
            events += [{**json.loads(line), "who": who} for line in fh if line.strip()]
    start, seconds = result.get("started_at"), result["latency_by_second"]
    if start is None or not seconds:
        return

    def notable(event):
        kind = event["kind"]
        if kind == "gc":
            return event["cpu"] >= 2 or event["gen"] > 0
        if kind == "lag":
            return event["ms"] >= 10
        return kind == "write" and event["ms"] >= 20

    print("    inside the slowest seconds (BENCH_CHAT_DIAG; s from the first scheduled send):")
    for second, n, _p50, p99, _max in sorted(seconds, key=lambda row: row[3] or 0)[-worst:]:
        print(f"      second #{second}: p99 {_ms(p99)} ms over {n} messages")
        shown = [e for e in events if second - 0.2 <= e["t"] - start < second + 1 and notable(e)]
        for event in sorted(shown, key=lambda e: e["t"])[:30]:
            fields = {k: v for k, v in event.items() if k not in ("t", "who", "kind")}
            print(f"        {event['t'] - start:6.2f} {event['who']:7} {event['kind']:7} {fields}")
        if len(shown) > 30:
            print(f"        ... and {len(shown) - 30} more")
    sending = [e for e in events if e["who"] == "server" and 0 <= e["t"] - start <= result["send_s"]]
    window = [e for e in sending if e["kind"] == "gc"]
    for generation in (0, 1, 2):
        cpu = [e["cpu"] for e in window if e["gen"] == generation]
        if cpu:
            print(
                f"      server collections of generation {generation} in the send window (of 1 ms or more): "
                f"{len(cpu)}, CPU {sum(cpu):.0f} ms, longest {max(cpu):.1f} ms"
            )


def _print_log_tail(path, size, only_if_errors=False):
    with open(path, "rb") as fh:
        text = fh.read(size).decode(errors="replace").strip()
    if not text:
        return
    lines = text.splitlines()
    if only_if_errors and not any(w in text for w in ("Traceback", "ERROR", "Error")):
        return
    print(f"    server log ({len(lines)} lines), last ones:")
    for line in lines[-8:]:
        print(f"      {line[:200]}")


# --- output ---------------------------------------------------------------------------------------------------------


def _ms(value):
    return "-" if value is None else f"{value:.1f}"


def _print_details(server, r):
    cpu = r["cpu"]
    lat, sched, lag = r["latency_ms"], r["latency_from_schedule_ms"], r["send_lag_ms"]
    parts = [
        f"connect {r['connected']}/{r['connections']} in {r['connect_s']:.1f} s",
        f"warm-up {r['warmup_s']:.1f} s",
        f"sent {r['sent']}/{r['scheduled']} at {r['achieved_rate']} msg/s",
        f"max {_ms(lat['max'])} ms",
        f"from schedule p99 {_ms(sched['p99'])} ms",
        f"send lag p99 {_ms(lag['p99'])} ms",
    ]
    worst = max(r["latency_by_second"], key=lambda row: row[3] or 0, default=None)
    if worst:
        parts.append(f"worst second #{worst[0]}: p99 {_ms(worst[3])} ms over {worst[1]} messages")
    if r["ack_ms"] is not None:
        parts.append(f"ack p50/p99 {_ms(r['ack_ms']['p50'])}/{_ms(r['ack_ms']['p99'])} ms")
        after = r["after_ack_ms"]
        parts.append(f"ack-to-arrival p50/p99 {_ms(after['p50'])}/{_ms(after['p99'])} ms")
        parts.append(f"unacked {r['unacked']}")
    if r["replay_s"] is not None:
        parts.append(f"replay {r['replay_s']:.1f} s")
    print(f"  {server}: " + ", ".join(parts))
    print(
        f"    CPU (% of a core): server {cpu['server_pct']}, postgres {cpu['postgres_pct']}, "
        f"redis {cpu['redis_pct']}, load generator {cpu['loadgen_pct']} ({cpu['loadgen_s']} s), "
        f"everything else on the machine {cpu['others_pct']} (of {cpu['cores']} cores); "
        f"server RSS idle {_ms(r['idle_mb'])} MB"
    )
    series = " ".join(_ms(row[3]) for row in r["latency_by_second"])
    print(f"    p99 by second (ms): {series}")
    extra = {k: v for k, v in r["counts"].items() if k not in ("echoes",) and v}
    if r["errors"]:
        print(f"    ERRORS from the server: {r['errors']}")
        if r["errors"].get("rate_limited"):
            print("    rate_limited: the consumer refused messages (burst 20, then 2 msg/s per connection)")
    if r["connect_errors"]:
        print(f"    connection problems: {r['connect_errors']}")
    if extra:
        print(f"    frames and events: {extra}")
    foreign = r["counts"].get("foreign", 0)
    if foreign:
        print(
            f"    FOREIGN FRAMES: {foreign} frames this run never caused reached its clients (another process "
            f"publishes on the same Redis channel names); samples: {r['foreign_samples']}"
        )
    if not r["server_survived"]:
        print("    THE SERVER DIED during the run")
    if server == "app":
        lost = r["lost_after_replay"] or 0
        if lost or r["duplicated"]:
            print(
                f"    LOST/DUPLICATED: {lost} messages lost even after replay "
                f"({r['lost_before_replay']} before), {r['duplicated']} duplicated"
            )
        elif r["lost_before_replay"]:
            print(
                f"    {r['lost_before_replay']} messages had not arrived live within the drain time; "
                f"all of them came through replay (sync)"
            )
    elif r["lost_before_replay"] or r["duplicated"]:
        print(f"    LOST/DUPLICATED: {r['lost_before_replay']} lost, {r['duplicated']} duplicated (no replay)")


def _table(rows, goal):
    header = (
        f"  {'server':<24}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'delivered/sent':>16}"
        f"{'lost live':>11}{'after replay':>13}{'dup':>5}{'errors':>8}{'peak MB':>9}"
    )
    print(header)
    print(
        "  (lost live: never arrived live within the drain time; after replay: still missing after every "
        "client's sync; peak MB: the server's VmHWM)"
    )
    for name, label in SERVERS:
        r = rows.get(name)
        if name not in rows:
            continue
        if r is None:
            print(f"  {label:<24}  (failed)")
            continue
        lat = r["latency_ms"]
        after = "-" if r["lost_after_replay"] is None else str(r["lost_after_replay"])
        delivered = f"{r['delivered']}/{r['sent']}"
        errors = sum(r["errors"].values())
        print(
            f"  {label:<24}{_ms(lat['p50']):>9}{_ms(lat['p95']):>9}{_ms(lat['p99']):>9}{delivered:>16}"
            f"{r['lost_before_replay']:>11}{after:>13}{r['duplicated']:>5}{errors:>8}{_ms(r['peak_mb']):>9}"
        )

    def p99(name):
        r = rows.get(name)
        return r["latency_ms"]["p99"] if r else None

    ratios = []
    for a, b in [("app", "channels"), ("app", "websockets"), ("channels", "websockets")]:
        if p99(a) and p99(b):
            ratios.append(f"{a} / {b} = {p99(a) / p99(b):.1f}x")
    if ratios:
        print("  p99 ratios: " + "; ".join(ratios))
    if p99("app") is not None:
        verdict = "meets" if p99("app") < goal else "misses"
        print(f"  app p99 {p99('app'):.1f} ms {verdict} the goal of {goal} ms")
    _storm(rows)


def _storm(rows):
    """The connect storm (every open page reconnecting after a deploy): the app's connecting phase
    (handshake, admission, hello, subscribe) against the bare Channels relay's (handshake, join).
    Goal (issue 10): within 2x the relay's time."""
    app, relay = rows.get("app"), rows.get("channels")
    if not app:
        return
    line = f"  connect {app['connections']} sockets: {app['connect_s']:.1f} s"
    if relay:
        ratio = app["connect_s"] / relay["connect_s"] if relay["connect_s"] else float("inf")
        line += f" (relay {relay['connect_s']:.1f} s, {ratio:.1f}x; goal within 2x)"
    print(line)
    # CPU seconds spent on the storm: steadier than wall time when other work shares the machine.
    for name, r in (("app", app), ("channels relay", relay)):
        if r and r.get("connect_cpu"):
            cpu = r["connect_cpu"]
            print(
                f"    {name} connect CPU: server {cpu['server_s']:.2f} s, postgres {cpu['postgres_s']:.2f} s "
                f"(everything else on the machine {cpu['others_pct']}% of a core meanwhile)"
            )
