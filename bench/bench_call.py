"""Video calls: join to first remote frame (p50/p95 of 20 joins, goal p95 < 1.5 s), server memory per call.

One Daphne (`ekonseling.asgi:application`, this backend's database and channel layer) and one
Debian Chromium with fake camera and microphone (`--use-fake-device-for-media-stream`). The
counselor's page holds the call open and lets in whoever knocks; the student's page reloads,
passes the device check, and is timed from the click on "Join" to the first decoded frame of the
counselor's video (`videoWidth > 0`): the socket's join, the waiting room, the admission, the
offer/answer, ICE on loopback and the first frame. Memory: the server's RSS with 50 calls held open
by plain WebSocket clients (a counselor and a student each, admitted, an offer passed), less its RSS
before, per call; the media never pass through the server.

Environment: BENCH_CALL_SKIP=1 skips this module; BENCH_CALL_JOINS (20) and BENCH_CALL_HELD (50)
change the counts; EKONSELING_CHROMIUM names the browser (/usr/bin/chromium).
"""

import asyncio
import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("EKONSELING_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + "a=x\r\n" * 200}

TIME_TO_FRAME = """async () => {
  const t0 = performance.now();
  document.querySelector('[data-join]').click();
  for (;;) {
    const video = document.querySelector('video[data-peer]');
    if (video && video.videoWidth > 0) return performance.now() - t0;
    if (performance.now() - t0 > 15000) return -1;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}"""
AUTO_ADMIT = """() => new MutationObserver(() =>
  document.querySelectorAll('[data-admit]').forEach((button) => button.click())
).observe(document.body, { subtree: true, childList: true })"""


def run():
    if os.environ.get("BENCH_CALL_SKIP") == "1":
        print("  skipped (BENCH_CALL_SKIP=1)")
        return
    if not Path(CHROMIUM).exists():
        print(f"  skipped (no Chromium at {CHROMIUM})")
        return
    joins = int(os.environ.get("BENCH_CALL_JOINS", "20"))
    held = int(os.environ.get("BENCH_CALL_HELD", "50"))
    counselor, student, appointments = _appointments(1 + held)
    cookies = {user.pk: _session(user) for user in (counselor, student)}
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port), "ekonseling.asgi:application"],
        cwd=ROOT,
        env=_server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(port)
        url = f"http://127.0.0.1:{port}"
        samples = _joins(url, appointments[0], cookies[counselor.pk], cookies[student.pk], joins)
        before = _rss_mb(process.pid)
        after, rss = asyncio.run(_hold(port, process.pid, appointments[1:], cookies[counselor.pk], cookies[student.pk]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    ok = [s for s in samples if s >= 0]
    if ok:
        ordered = sorted(ok)
        p50 = ordered[len(ordered) // 2]
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        print(
            f"  join to first remote frame: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms, "
            f"n={len(ok)} of {len(samples)} (goal p95 < 1500 ms)",
            flush=True,
        )
    else:
        print("  join to first remote frame: no join reached a frame", flush=True)
    if after and before is not None and rss is not None:
        print(
            f"  signalling memory: {held} calls held ({after} sockets): RSS {before:.1f} -> {rss:.1f} MB, "
            f"{(rss - before) * 1024 / held:.1f} kB per call (its two sockets included)",
            flush=True,
        )


def _appointments(count):
    from ekonseling.accounts.models import User
    from ekonseling.appointments.models import Appointment
    from ekonseling.students.models import Student

    counselor = User.objects.get(username="gurubk")
    student_user = User.objects.get(username="siswa")
    student = Student.objects.get(user=student_user)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    made = []
    for i in range(count):
        starts = now - datetime.timedelta(minutes=1, seconds=i + 1)  # one counselor: distinct starts
        made.append(
            Appointment.objects.create(
                school_id=counselor.school_id,
                counselor=counselor,
                student=student,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=30),
                medium="video",
                status="confirmed",
            ).pk
        )
    return counselor, student_user, made


def _session(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _joins(url, appointment, host_cookie, guest_cookie, joins):
    from playwright.sync_api import sync_playwright

    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            pages = []
            for cookie in (host_cookie, guest_cookie):
                context = browser.new_context(base_url=url, locale="id-ID")
                context.add_cookies([{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}])
                context.set_default_timeout(15000)
                pages.append(context.new_page())
            host, guest = pages
            _ready(host, appointment)
            host.evaluate(AUTO_ADMIT)
            host.click("[data-join]")
            host.wait_for_selector('[data-call][data-state="in-call"]')
            for _ in range(joins + 1):  # the first is a warm-up
                _ready(guest, appointment)
                samples.append(guest.evaluate(TIME_TO_FRAME))
            samples = samples[1:]
        finally:
            browser.close()
    return samples


def _ready(page, appointment):
    page.goto(f"/jadwal/{appointment}/panggilan/")
    page.wait_for_selector('[data-testid="connection-quality"][data-quality]')
    page.wait_for_function("() => document.querySelector('[data-check=microphone]').textContent === '✓'")


async def _hold(port, pid, appointments, host_cookie, guest_cookie):
    """Hold a call per appointment open (a counselor and an admitted student, an offer passed) and
    read the server's RSS while they are; returns (sockets, RSS in MB)."""
    from websockets.asyncio.client import connect

    origin = f"http://127.0.0.1:{port}"
    address = f"ws://127.0.0.1:{port}/ws/konseling/"
    sockets = []

    async def frame(ws, kind):
        while True:
            got = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if got["type"] == kind:
                return got

    async def send(ws, **fields):
        await ws.send(json.dumps(fields))

    async def one(appointment):
        host = await connect(address, origin=origin, additional_headers={"Cookie": f"sessionid={host_cookie}"})
        guest = await connect(address, origin=origin, additional_headers={"Cookie": f"sessionid={guest_cookie}"})
        sockets.extend([host, guest])
        await send(host, type="call.join", appointment=appointment)
        await frame(host, "call.joined")
        await send(guest, type="call.join", appointment=appointment)
        knock = await frame(host, "call.knock")
        await send(host, type="call.admit", appointment=appointment, peer=knock["peer"])
        await frame(guest, "call.admitted")
        await send(host, type="call.signal", appointment=appointment, to=knock["peer"], description=OFFER)
        await frame(guest, "call.signal")

    for start in range(0, len(appointments), 10):
        await asyncio.gather(*(one(a) for a in appointments[start : start + 10]))
    await asyncio.sleep(1)
    rss = _rss_mb(pid)
    for ws in sockets:
        await ws.close()
    return len(sockets), rss


def _server_env():
    from ekonseling.core import crypto

    env = {
        **os.environ,
        "SECRET_KEY": settings.SECRET_KEY,
        "EKONSELING_DATA_KEYS": ",".join(crypto.data_keys()),
        "DEBUG": "1",  # static files from the app folders, as `make run` serves them
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    return env


def _wait_until_up(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not come up")


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
