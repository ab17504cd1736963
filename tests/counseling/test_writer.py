"""The batch writer's store (counseling.writer._write): one transaction per batch, nothing told
before its commit, and a failing part fails only its own jobs."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ekonseling.core import prepared, realtime
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import services, writer
from ekonseling.counseling.models import Message

pytestmark = pytest.mark.django_db


def claimed(world):
    return services.claim(services.start_conversation(world.student), world.gurubk)


def draft(conversation, user, body="halo"):
    return services.Draft(conversation.pk, user, uuid.uuid4(), body, origin="socket-a")


def test_a_batch_tells_nothing_before_its_commit(world, django_capture_on_commit_callbacks):
    conversation = claimed(world)
    jobs = [draft(conversation, world.siswa), services.Mark(conversation.pk, world.gurubk, read=1)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results, events = writer._write(jobs)

    assert events == []  # the transaction has not committed: nothing to broadcast yet
    assert results[0].message.seq == 1 and results[1]["read_seq"] == 1
    with realtime.collect() as told:
        for callback in callbacks:
            callback()
    kinds = [event["type"] for _group, event in told]
    assert kinds[0] == "conversation.message" and "conversation.receipt" in kinds


def test_messages_receipts_and_audit_events_of_a_batch_are_stored_together(world):
    conversation = claimed(world)
    read = services.live_read(world.gurubk, conversation, ip="10.0.0.1", user_agent="t")
    jobs = [draft(conversation, world.siswa), read, services.Mark(conversation.pk, world.gurubk, delivered=1)]

    results, _events = writer._write(jobs)

    assert results[0].error is None and results[1] is None and results[2]["delivered_seq"] == 1
    assert Message.objects.filter(conversation=conversation).count() == 1
    event = AuditEvent.objects.get(action="read", object_id=str(conversation.pk))
    assert (event.actor_id, event.detail, event.ip_address) == (world.gurubk.pk, "conversation (live)", "10.0.0.1")


def test_failing_receipts_or_audit_events_fail_only_themselves(world, monkeypatch):
    conversation = claimed(world)

    def broken(jobs):
        raise ValueError("broken")

    monkeypatch.setattr(services, "mark_many", broken)
    monkeypatch.setattr(services, "write_read_audits", broken)
    read = services.live_read(world.gurubk, conversation)
    jobs = [draft(conversation, world.siswa), services.Mark(conversation.pk, world.gurubk, read=1), read]

    results, _events = writer._write(jobs)

    assert results[0].error is None and results[0].message.seq == 1  # stored: it will be acknowledged
    assert isinstance(results[1], ValueError) and isinstance(results[2], ValueError)
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert not AuditEvent.objects.filter(action="read", object_id=str(conversation.pk)).exists()


@pytest.mark.parametrize("kind", ["receipts", "audit events"])
def test_a_batch_of_receipts_or_audit_events_alone_takes_no_savepoint_and_still_fails_alone(world, monkeypatch, kind):
    """Nothing else in the batch to shield: its own transaction, two round trips fewer (here, inside
    the test's transaction, that transaction is itself the one savepoint left)."""
    conversation = claimed(world)

    def job():
        if kind == "receipts":
            return services.Mark(conversation.pk, world.gurubk, delivered=1)
        return services.live_read(world.gurubk, conversation)

    with CaptureQueriesContext(connection) as queries:
        (result,), _events = writer._write([job()])
    assert not isinstance(result, Exception)
    assert [q["sql"].split()[0] for q in queries].count("SAVEPOINT") == 1

    def broken(jobs):
        raise ValueError("broken")

    monkeypatch.setattr(services, "mark_many" if kind == "receipts" else "write_read_audits", broken)
    (result,), _events = writer._write([job()])
    assert isinstance(result, ValueError)
    assert Message.objects.filter(conversation=conversation).count() == 0  # the connection still answers


def test_a_batch_looks_its_conversations_up_in_one_statement_compiled_once(world, other_world, monkeypatch):
    """Each conversation is found once whatever the batch holds, a conversation that is gone or
    belongs to someone else is refused, and on PostgreSQL the rows are locked by a statement
    compiled once per process (core.prepared), the ids passed as one array."""
    compiled = []
    of = prepared._Compiled.of
    monkeypatch.setattr(prepared._Compiled, "of", lambda *args: compiled.append(1) or of(*args))
    services._locked_conversations.cache_clear()
    mine, theirs = claimed(world), services.start_conversation(other_world.student)
    for _batch in range(2):
        jobs = [
            draft(mine, world.siswa),
            draft(theirs, other_world.siswa),
            draft(mine, world.gurubk),
            services.Draft(10**9, world.siswa, uuid.uuid4(), "halo"),
            draft(theirs, world.siswa),
        ]
        with CaptureQueriesContext(connection) as queries:
            results, _events = writer._write(jobs)
        assert [r.error and r.error.code for r in results] == [None, None, None, "forbidden", "forbidden"]
        lookups = [q["sql"] for q in queries if q["sql"].startswith('SELECT "counseling_conversation"."id"')]
        assert len(lookups) == 1
    assert Message.objects.filter(conversation=mine).count() == 4
    assert Message.objects.filter(conversation=theirs).count() == 2
    if connection.vendor == "postgresql":
        assert "ANY(" in lookups[0] and "FOR UPDATE OF" in lookups[0]
        assert compiled == [1]
    services._locked_conversations.cache_clear()
