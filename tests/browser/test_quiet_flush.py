"""The flush after a browser test waits until the servers' sessions are quiet (conftest.py): a request
still being served when the test ended held a lock the flush needed, and PostgreSQL failed the flush
as a deadlock (CI of 2026-12-07, test_chat.py's socket run)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from ekonseling.students.models import Student

from .conftest import wait_until_the_servers_are_quiet

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second session needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _hold_a_transaction(seconds, inside, done):
    """What a server's request does: a transaction that has read a table, on a session of its own."""
    try:
        with transaction.atomic():
            Student.objects.count()
            inside.set()
            time.sleep(seconds)
        done.set()
    finally:
        connections.close_all()


def _start(seconds):
    inside, done = threading.Event(), threading.Event()
    thread = threading.Thread(target=_hold_a_transaction, args=(seconds, inside, done))
    thread.start()
    assert inside.wait(10)
    return thread, done


def test_it_waits_for_a_transaction_open_on_another_session_to_end():
    thread, done = _start(0.6)
    try:
        assert wait_until_the_servers_are_quiet(timeout=10)
        assert done.is_set()
    finally:
        thread.join(10)


def test_it_gives_up_after_its_timeout_and_says_so():
    thread, done = _start(2.0)
    try:
        assert not wait_until_the_servers_are_quiet(timeout=0.3)
        assert not done.is_set()
    finally:
        thread.join(10)


def test_quiet_sessions_return_at_once():
    started = time.monotonic()
    assert wait_until_the_servers_are_quiet(timeout=10)
    assert time.monotonic() - started < 5  # three checks 50 ms apart, not the timeout
