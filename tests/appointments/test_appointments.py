"""Appointments: availability, requests, the counselor's answers, no double booking (a database
constraint, raced in two threads on PostgreSQL), reminders at most once, the ICS feed, the records prefill."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.appointments import actions, calendar, slots
from ekonseling.appointments.models import Appointment, AvailabilityException, SchoolHoliday, WeeklySlot
from ekonseling.core import notify
from tests import factories


def _every_day(counselor, start=8, end=16, minutes=30):
    for weekday in range(7):
        WeeklySlot.objects.create(
            school_id=counselor.school_id,
            counselor=counselor,
            weekday=weekday,
            starts_at=datetime.time(start),
            ends_at=datetime.time(end),
            session_minutes=minutes,
        )


def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_weekly_slots_are_cut_into_sessions_less_days_off_holidays_and_bookings(world):
    _every_day(world.gurubk, 9, 11, 30)
    day = _tomorrow()
    offered = slots.offered(world.gurubk, day, days=1)
    assert [s[0] for s in offered] == [_at(day, 9), _at(day, 9, 30), _at(day, 10), _at(day, 10, 30)]
    AvailabilityException.objects.create(
        school=world.school,
        counselor=world.gurubk,
        date=day,
        kind="extra",
        starts_at=datetime.time(14),
        ends_at=datetime.time(15),
        session_minutes=60,
    )
    assert _at(day, 14) in [s[0] for s in slots.offered(world.gurubk, day, days=1)]
    actions.book(world.gurubk, world.student, _at(day, 9), 30, "tatap_muka", "")
    assert _at(day, 9) not in [s[0] for s in slots.free(world.gurubk)]
    SchoolHoliday.objects.create(school=world.school, date=day, name="Libur")
    assert slots.offered(world.gurubk, day, days=1) == []
    SchoolHoliday.objects.all().delete()
    AvailabilityException.objects.create(school=world.school, counselor=world.gurubk, date=day, kind="off")
    assert slots.offered(world.gurubk, day, days=1) == []


def test_the_student_requests_a_slot_of_their_own_counselor_and_it_is_confirmed(client, world):
    _every_day(world.gurubk)
    start = slots.free(world.gurubk)[0][0]
    client.force_login(world.siswa)
    page = client.get(reverse("appointments:request"))
    assert page.status_code == 200
    value = timezone.localtime(start).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("appointments:request"),
        {"counselor": world.gurubk.pk, "slot": value, "medium": "video", "topic": "Nilai turun"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.counselor, appointment.student, appointment.starts_at) == (world.gurubk, world.student, start)
    assert appointment.status == "requested" and appointment.topic == "Nilai turun"
    # Another counselor's id is refused (the form offers only the student's counselors).
    client.post(reverse("appointments:request"), {"counselor": world.gurubk_other.pk, "slot": value, "medium": "chat"})
    assert Appointment.objects.count() == 1
    client.force_login(world.gurubk)
    assert client.post(reverse("appointments:confirm", args=[appointment.pk])).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    # A colleague may not confirm, see or cancel it.
    client.force_login(world.gurubk_other)
    assert client.get(reverse("appointments:detail", args=[appointment.pk])).status_code == 404


def test_a_student_cannot_take_a_counselor_who_does_not_serve_them(world):
    _every_day(world.gurubk_other)
    start = slots.free(world.gurubk_other)[0][0]
    with pytest.raises(actions.AppointmentError) as refused:
        actions.request_slot(world.student, world.siswa, world.gurubk_other, start, "chat", "")
    assert refused.value.code == "appointments.counselor"


def test_a_student_who_left_cannot_ask(world):
    _every_day(world.gurubk)
    world.student.status = "left"
    world.student.save()
    with pytest.raises(actions.AppointmentError) as refused:
        actions.request_slot(world.student, world.siswa, world.gurubk, slots.free(world.gurubk)[0][0], "chat", "")
    assert refused.value.code == "appointments.inactive"


def test_a_time_outside_availability_is_refused(world):
    _every_day(world.gurubk, 9, 10)
    with pytest.raises(actions.AppointmentError) as refused:
        actions.request_slot(world.student, world.siswa, world.gurubk, _at(_tomorrow(), 20), "chat", "")
    assert refused.value.code == "appointments.not_free"


def test_the_database_refuses_a_second_active_booking_at_the_same_start(world):
    start = _at(_tomorrow(), 9)
    common = dict(
        school=world.school, counselor=world.gurubk, starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
    )
    first = Appointment.objects.create(student=world.student, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(student=world.classmate, **common)
    first.status = "cancelled"
    first.save()
    Appointment.objects.create(student=world.classmate, **common)  # a cancelled one frees the slot
    with pytest.raises(actions.AppointmentError) as refused:
        actions.book(world.gurubk, world.student, start, 30, "chat", "")
    assert refused.value.code == "appointments.taken"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_students_taking_the_same_slot_at_the_same_moment_get_one_booking(monkeypatch):
    """Two threads, each with its own connection, both find the slot free (a barrier holds each
    after its check until the other has checked too), then both insert: one booking, one refusal."""
    world = factories.SchoolWorld("SMA Balapan")
    second_user = factories.user(world.school, Role.SISWA)
    second = factories.student(world.school, rombel=world.rombel_a, user=second_user)
    _every_day(world.gurubk)
    start = slots.free(world.gurubk)[0][0]
    barrier = threading.Barrier(2, timeout=10)
    original = slots.session_at

    def checked_by_both(counselor, starts_at, now=None):
        found = original(counselor, starts_at, now)
        barrier.wait()  # both threads have seen the slot free
        return found

    monkeypatch.setattr(slots, "session_at", checked_by_both)
    results, errors = [], []

    def take(student, account):
        try:
            results.append(actions.request_slot(student, account, world.gurubk, start, "chat", "").pk)
        except actions.AppointmentError as error:
            errors.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=take, args=(world.student, world.siswa)),
        threading.Thread(target=take, args=(second, second_user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(results) == 1 and errors == ["appointments.taken"]
    assert Appointment.objects.filter(counselor=world.gurubk, starts_at=start).count() == 1


def test_propose_accept_and_a_late_cancellation(client, world):
    _every_day(world.gurubk)
    start = slots.free(world.gurubk)[0][0]
    appointment = actions.request_slot(world.student, world.siswa, world.gurubk, start, "tatap_muka", "")
    later = start + datetime.timedelta(days=3)
    client.force_login(world.gurubk)
    client.post(
        reverse("appointments:propose", args=[appointment.pk]),
        {"starts_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")},
    )
    appointment.refresh_from_db()
    assert appointment.status == "proposed" and appointment.starts_at == later
    client.force_login(world.siswa)
    client.post(reverse("appointments:accept", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    # Cancelled by the student less than a day before: a late cancellation, with the reason.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=3), ends_at=timezone.now() + datetime.timedelta(hours=4)
    )
    client.post(reverse("appointments:cancel", args=[appointment.pk]), {"reason": "Sakit"})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.late_cancellation and appointment.cancel_reason == "Sakit"
    # Without a reason nothing changes.
    other = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(days=5), 30, "chat", "")
    client.post(reverse("appointments:cancel", args=[other.pk]), {"reason": ""})
    other.refresh_from_db()
    assert other.status == "confirmed"


def test_counselor_cancellation_is_not_late_and_the_student_cannot_confirm(client, world):
    appointment = actions.book(
        world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=2), 30, "chat", ""
    )
    actions.cancel(appointment, world.gurubk, "Rapat dinas")
    assert appointment.status == "cancelled" and not appointment.late_cancellation
    requested = Appointment.objects.create(
        school=world.school,
        counselor=world.gurubk,
        student=world.student,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, minutes=30),
    )
    client.force_login(world.siswa)
    assert client.post(reverse("appointments:confirm", args=[requested.pk])).status_code == 403
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_a_counselor_books_only_students_they_serve(world):
    with pytest.raises(actions.AppointmentError):
        actions.book(world.gurubk, world.other_student, timezone.now() + datetime.timedelta(days=1), 30, "chat", "")
    assert actions.book(
        world.koordinator, world.other_student, timezone.now() + datetime.timedelta(days=1), 30, "chat", ""
    )


def test_no_show_is_recorded_and_a_held_one_drafts_the_service_record(client, world):
    appointment = actions.book(
        world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=1), 45, "video", ""
    )
    with pytest.raises(actions.AppointmentError):
        actions.record_outcome(appointment, world.gurubk, "no_show")  # not started yet
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1), ends_at=timezone.now() - datetime.timedelta(minutes=15)
    )
    client.force_login(world.gurubk)
    response = client.post(reverse("appointments:outcome", args=[appointment.pk]), {"outcome": "done"})
    appointment.refresh_from_db()
    assert appointment.status == "done"
    assert response["Location"].startswith(reverse("records:new"))
    form = client.get(response["Location"]).context["form"]
    assert form.initial["student"] == world.student.pk
    assert form.initial["medium"] == "video" and form.initial["duration_minutes"] == 45
    other = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=1), 30, "chat", "")
    Appointment.objects.filter(pk=other.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1), ends_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    client.post(reverse("appointments:outcome", args=[other.pk]), {"outcome": "no_show"})
    other.refresh_from_db()
    assert other.status == "no_show"


def test_reminders_a_day_and_15_minutes_before_each_sent_once(world, capsys):
    world.gurubk.email = "bk@sekolah.id"
    world.gurubk.save()
    world.siswa.email = "siswa@sekolah.id"
    world.siswa.save()
    now = timezone.now()
    appointment = actions.book(
        world.gurubk, world.student, now + datetime.timedelta(hours=20), 30, "telepon", "Rahasia sekali"
    )
    mail.outbox.clear()
    assert actions.send_due_reminders(now) == 1
    notify.wait_for_mail()
    assert sorted(m.to[0] for m in mail.outbox) == ["bk@sekolah.id", "siswa@sekolah.id"]
    assert all("Rahasia" not in m.body and "Rahasia" not in m.subject for m in mail.outbox)
    assert actions.send_due_reminders(now) == 0  # at most once
    mail.outbox.clear()
    call_command("send_appointment_reminders")
    assert mail.outbox == []
    # 15 minutes before: the second reminder, once.
    soon = appointment.starts_at - datetime.timedelta(minutes=10)
    assert actions.send_due_reminders(soon) == 1
    assert actions.send_due_reminders(soon) == 0
    # A cancelled appointment is not reminded.
    cancelled = actions.book(world.gurubk, world.student, now + datetime.timedelta(hours=2), 30, "chat", "")
    actions.cancel(cancelled, world.gurubk, "Rapat")
    assert actions.send_due_reminders(now) == 0


def test_the_cron_command_sends_what_is_due(world, capsys):
    world.gurubk.email = "bk@sekolah.id"
    world.gurubk.save()
    actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(minutes=10), 30, "chat", "")
    mail.outbox.clear()
    call_command("send_appointment_reminders")
    assert len(mail.outbox) == 1
    assert "1 appointment reminder(s) sent." in capsys.readouterr().out


def test_the_ics_feed_has_initials_and_medium_only_and_can_be_revoked(client, world):
    world.student.name = "Budi Santoso"
    world.student.save()
    actions.book(
        world.gurubk, world.student, timezone.now() + datetime.timedelta(days=1), 30, "video", "Masalah keluarga"
    )
    token = actions.regenerate_feed(world.gurubk)
    url = reverse("appointments:feed", args=[token])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "Konseling (BS)" in body and "Video" in body
    assert "Budi" not in body and "Santoso" not in body and "keluarga" not in body
    assert client.get(reverse("appointments:feed", args=[token + "x"])).status_code == 404
    new_token = actions.regenerate_feed(world.gurubk)
    assert client.get(url).status_code == 404  # the old address stops working
    assert client.get(reverse("appointments:feed", args=[new_token])).status_code == 200
    actions.revoke_feed(world.gurubk)
    assert client.get(reverse("appointments:feed", args=[new_token])).status_code == 404
    assert calendar.initials("andi") == "A"


def test_home_cards_show_today_for_the_counselor_and_upcoming_for_the_student(client, world):
    appointment = actions.book(
        world.gurubk, world.student, timezone.now() + datetime.timedelta(minutes=30), 30, "chat", ""
    )
    # Under way now, begun today in the school's time zone: now + 30 minutes is tomorrow after 23:30 there
    # (this test once failed at 23:4x WIB on a CI run).
    now = timezone.now()
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time.min))
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=max(midnight, now - datetime.timedelta(minutes=10)), ends_at=now + datetime.timedelta(minutes=30)
    )
    client.force_login(world.gurubk)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="appointments-today-card"' in page and world.student.name in page
    client.force_login(world.siswa)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="appointments-student-card"' in page
    client.force_login(world.walikelas)
    assert "appointments-today-card" not in client.get(reverse("core:home")).content.decode()


def test_availability_and_holidays_pages(client, world):
    client.force_login(world.gurubk)
    client.post(
        reverse("appointments:availability"),
        {"action": "slot", "weekday": 0, "starts_at": "09:00", "ends_at": "11:00", "session_minutes": 30},
    )
    slot = WeeklySlot.objects.get(counselor=world.gurubk)
    client.post(
        reverse("appointments:availability"),
        {"action": "slot", "weekday": 0, "starts_at": "11:00", "ends_at": "09:00", "session_minutes": 30},
    )
    assert WeeklySlot.objects.count() == 1
    client.force_login(world.gurubk_other)  # another counselor cannot remove it
    client.post(reverse("appointments:availability"), {"action": "delete", "slot": slot.pk})
    assert WeeklySlot.objects.count() == 1
    client.force_login(world.gurubk)
    client.post(reverse("appointments:availability"), {"action": "delete", "slot": slot.pk})
    assert WeeklySlot.objects.count() == 0
    client.force_login(world.koordinator)
    client.post(reverse("appointments:holidays"), {"action": "add", "date": "2027-01-01", "name": "Tahun Baru"})
    assert SchoolHoliday.objects.get().name == "Tahun Baru"


def test_a_colleague_cannot_answer_another_counselors_appointment(client, world):
    appointment = Appointment.objects.create(
        school=world.school,
        counselor=world.gurubk_other,
        student=world.other_student,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, minutes=30),
    )
    client.force_login(world.gurubk)
    for name, data in [("confirm", {}), ("propose", {"starts_at": "2030-01-01T09:00"}), ("cancel", {"reason": "x"})]:
        assert client.post(reverse(f"appointments:{name}", args=[appointment.pk]), data).status_code == 404
    client.force_login(world.koordinator)  # the koordinator sees it, but it is not theirs to answer
    assert client.post(reverse("appointments:confirm", args=[appointment.pk])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "requested"


def test_the_demo_has_weekly_slots_requests_a_confirmed_one_tomorrow_and_a_no_show(db):
    from ekonseling.core import demo

    demo.load()
    gurubk = WeeklySlot.objects.order_by("pk").first().counselor
    assert gurubk.username == "gurubk" and WeeklySlot.objects.filter(counselor=gurubk).count() == 5
    rows = Appointment.objects.filter(counselor=gurubk).exclude(medium="video")  # the video call now: test_calls
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert timezone.localtime(rows.get(status="confirmed").starts_at).date() == tomorrow
    assert rows.filter(status="requested").count() == 1
    assert rows.get(status="no_show").starts_at < timezone.now() - datetime.timedelta(days=6)
    demo.load()  # idempotent
    assert Appointment.objects.count() == 6  # with the two group sessions (test_group.py)


def test_personal_data_export_lists_the_students_appointments(world):
    from ekonseling.appointments import personal_data

    actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(days=1), 30, "chat", "Rahasia")
    rows = personal_data.appointments(world.student, world.gurubk)
    assert rows[0]["medium"] == "chat" and rows[0]["topic"] == "Rahasia"
    partial = personal_data.appointments(world.student, world.operator)
    assert partial.data is None and partial.omitted == ("appointments",)


def test_the_counselor_sees_the_students_no_shows_and_late_cancellations(client, world):
    past = Appointment.objects.create(
        school=world.school,
        counselor=world.gurubk,
        student=world.student,
        status="no_show",
        starts_at=timezone.now() - datetime.timedelta(days=7),
        ends_at=timezone.now() - datetime.timedelta(days=7, minutes=-30),
    )
    late = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=5), 30, "chat", "")
    actions.cancel(late, world.siswa, "Ada ulangan")
    client.force_login(world.gurubk)
    page = client.get(reverse("appointments:detail", args=[past.pk])).content.decode()
    assert 'data-testid="attendance">1 ' in page and ", 1 " in page
    client.force_login(world.siswa)
    assert 'data-testid="attendance"' not in client.get(reverse("appointments:detail", args=[past.pk])).content.decode()


def test_the_periodic_check_sends_due_reminders_once_per_interval(client, world, settings):
    from django.core.cache import cache

    from ekonseling.appointments.middleware import THROTTLE_KEY

    world.gurubk.email = "bk@sekolah.id"
    world.gurubk.save()
    actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=3), 30, "chat", "")
    cache.delete(THROTTLE_KEY)
    mail.outbox.clear()
    settings.APPOINTMENT_REMINDER_CHECK = 60
    client.get(reverse("core:index"))
    notify.wait_for_mail()
    assert len(mail.outbox) == 1
    actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(hours=4), 30, "chat", "")
    client.get(reverse("core:index"))  # within the interval: no check
    notify.wait_for_mail()
    assert len(mail.outbox) == 1
    cache.delete(THROTTLE_KEY)


def test_the_list_shows_a_counselor_their_own_and_a_student_theirs(client, world):
    mine = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(days=1), 30, "chat", "")
    theirs = actions.book(
        world.gurubk_other, world.other_student, timezone.now() + datetime.timedelta(days=1), 30, "chat", ""
    )
    done = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(days=2), 30, "chat", "")
    actions.cancel(done, world.gurubk, "Rapat")
    client.force_login(world.gurubk)
    page = client.get(reverse("appointments:index")).content.decode()
    assert f"/jadwal/{mine.pk}/" in page and f"/jadwal/{done.pk}/" in page and f"/jadwal/{theirs.pk}/" not in page
    client.force_login(world.koordinator)
    assert f"/jadwal/{theirs.pk}/" not in client.get(reverse("appointments:index")).content.decode()
    client.force_login(world.siswa)
    page = client.get(reverse("appointments:index")).content.decode()
    assert f"/jadwal/{mine.pk}/" in page and f"/jadwal/{theirs.pk}/" not in page
