"""Held (coalesced) alert e-mails live in the database, not on one process's timer (issue 11): the
next alert, a throttled check in any request, or cron's `send_pending_alert_mail` sends a held
e-mail once its window ends, and of two processes claiming it at once only one sends it."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models.query import QuerySet
from django.utils import timezone

from ekonseling.core import notify
from ekonseling.counseling import services
from ekonseling.safety import actions
from ekonseling.safety.models import HeldMail
from tests import factories

RISKY = "aku pengen bunuh diri aja"


def _flood(world, count, capture):
    world.koordinator.email = ""
    world.koordinator.save(update_fields=["email"])
    world.gurubk.email = "bk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    conversation = services.start_conversation(world.student)
    for _ in range(count):
        with capture(execute=True):
            (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY)])
        assert posted.alert is not None
    notify.wait_for_mail()
    return conversation


def _end_the_window():
    HeldMail.objects.update(window_ends_at=timezone.now() - timedelta(seconds=1))


def test_the_held_count_is_a_row_and_the_next_alert_sends_it(world, django_capture_on_commit_callbacks):
    conversation = _flood(world, 3, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert HeldMail.objects.get().count == 2

    _end_the_window()
    mail.outbox.clear()
    # No timer ran (this process could have stopped): the next alert of the thread sends the digest.
    with django_capture_on_commit_callbacks(execute=True):
        services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY)])
    notify.wait_for_mail()
    assert len(mail.outbox) == 1
    assert "Ada 3 peringatan baru" in mail.outbox[0].body
    assert HeldMail.objects.get().count == 0
    assert "bunuh" not in mail.outbox[0].body


def test_a_window_that_ended_empty_mails_the_next_alert_at_once(world, django_capture_on_commit_callbacks):
    conversation = _flood(world, 1, django_capture_on_commit_callbacks)
    _end_the_window()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY)])
    notify.wait_for_mail()
    assert len(mail.outbox) == 2
    assert "Ada" not in mail.outbox[1].body


def test_a_request_sends_what_is_due_at_most_once_a_minute(
    client, world, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.SAFETY_HELD_MAIL_CHECK = 60
    _flood(world, 3, django_capture_on_commit_callbacks)
    _end_the_window()
    mail.outbox.clear()
    client.get("/healthz")
    notify.wait_for_mail()
    assert len(mail.outbox) == 1 and "Ada 2 peringatan baru" in mail.outbox[0].body
    calls = []
    monkeypatch.setattr(actions, "send_due_mail", lambda: calls.append(1))
    client.get("/healthz")
    assert calls == []  # throttled: the next request within the minute does not even look


def test_the_check_is_off_when_set_to_zero(client, world, settings, django_capture_on_commit_callbacks):
    settings.SAFETY_HELD_MAIL_CHECK = 0
    _flood(world, 2, django_capture_on_commit_callbacks)
    _end_the_window()
    mail.outbox.clear()
    client.get("/healthz")
    notify.wait_for_mail()
    assert mail.outbox == []


def test_the_cron_command_sends_what_is_due(world, django_capture_on_commit_callbacks, capsys):
    _flood(world, 4, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    call_command("send_pending_alert_mail")
    assert mail.outbox == []  # the window has not ended
    _end_the_window()
    call_command("send_pending_alert_mail")
    assert len(mail.outbox) == 1 and "Ada 3 peringatan baru" in mail.outbox[0].body
    call_command("send_pending_alert_mail")
    assert len(mail.outbox) == 1
    assert "1 held alert e-mail(s) sent." in capsys.readouterr().out


def test_threads_of_two_schools_are_apart(world, other_world, django_capture_on_commit_callbacks):
    _flood(world, 2, django_capture_on_commit_callbacks)
    _flood(other_world, 2, django_capture_on_commit_callbacks)
    assert sorted(HeldMail.objects.values_list("school_id", "count")) == sorted(
        [(world.school.pk, 1), (other_world.school.pk, 1)]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_processes_claiming_at_once_send_it_once(monkeypatch):
    """Two threads, each with its own connection, both read the due row, then both try to claim it
    (a barrier holds each before its UPDATE until the other has read): one e-mail, not two."""
    world = factories.SchoolWorld("SMA Dua Proses")
    world.gurubk.email = "bk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    world.koordinator.email = ""
    world.koordinator.save(update_fields=["email"])
    conversation = services.start_conversation(world.student)
    for _ in range(3):
        services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), RISKY)])
    notify.wait_for_mail()
    assert HeldMail.objects.get().count == 2
    _end_the_window()
    mail.outbox.clear()

    barrier = threading.Barrier(2, timeout=10)
    original_update = QuerySet.update

    def update_after_both_read(self, **kwargs):
        if self.model is HeldMail and kwargs.get("count") == 0:
            barrier.wait()  # both threads have read the row as due
        return original_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_both_read)
    results, errors = [], []

    def claim():
        try:
            results.append(actions.send_due_mail())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    notify.wait_for_mail()
    assert errors == []
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1 and "Ada 2 peringatan baru" in mail.outbox[0].body
    assert HeldMail.objects.get().count == 0
