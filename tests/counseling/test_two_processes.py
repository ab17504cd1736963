"""Two real Daphne processes behind one Redis: a student on one and the counselor on the other talk live.

Runs in the PostgreSQL + Redis pass of `make test` (the processes must share the database and the
channel layer); on the embedded default there is nothing to share, so it is skipped there.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ekonseling.counseling import services
from tests.conftest import TEST_DATA_KEY

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    or settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
    reason="needs PostgreSQL and Redis shared by both processes (REDIS_URL and DATABASE_URL)",
)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url():
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(transactional_db):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EKONSELING_DATA_KEYS": TEST_DATA_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "ekonseling.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_until_up(port)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_until_up(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Daphne on port {port} did not come up")


def _cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def _frame(ws, kind, timeout=5):
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] == kind:
            return frame


async def _chat(ports, conversation_id, student_cookie, counselor_cookie):
    from websockets.asyncio.client import connect

    def headers(port, cookie):
        return {"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"}

    url = "ws://127.0.0.1:{}/ws/konseling/"
    async with (
        connect(url.format(ports[0]), additional_headers=headers(ports[0], student_cookie)) as student,
        connect(url.format(ports[1]), additional_headers=headers(ports[1], counselor_cookie)) as counselor,
    ):
        for ws in (student, counselor):
            await _frame(ws, "hello")
            await ws.send(json.dumps({"type": "subscribe", "conversation": conversation_id, "after": 0}))
            await _frame(ws, "messages")
        sent = {"type": "send", "conversation": conversation_id, "client_key": str(uuid.uuid4())}
        await student.send(json.dumps({**sent, "body": "Halo Bu, dari proses A"}))
        at_counselor = await _frame(counselor, "message")
        await counselor.send(json.dumps({**sent, "client_key": str(uuid.uuid4()), "body": "Halo, dari proses B"}))
        at_student = await _frame(student, "message")
        while at_student["sender_role"] != "counselor":
            at_student = await _frame(student, "message")
        return at_counselor, at_student


def test_a_student_and_a_counselor_on_different_processes_talk_live(two_servers, live_world):
    conversation = services.start_conversation(live_world.student)

    at_counselor, at_student = asyncio.run(
        _chat(two_servers, conversation.pk, _cookie(live_world.siswa), _cookie(live_world.gurubk))
    )

    assert (at_counselor["seq"], at_counselor["body"]) == (1, "Halo Bu, dari proses A")
    assert (at_student["seq"], at_student["body"]) == (2, "Halo, dari proses B")
