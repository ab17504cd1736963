"""Group sessions (konseling kelompok): the counselor who booked an appointment puts students they
serve into it, at most five students in all, each once; removes one; the members see the session
on their home, their list and its page, and join its call; a removed member's join is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.appointments import actions, signalling
from ekonseling.appointments.models import MAX_GROUP_MEMBERS, GroupMember
from ekonseling.core.models import AuditEvent
from tests import factories


def _booked(world, *, start_in=datetime.timedelta(days=1), medium="video"):
    return actions.book(world.gurubk, world.student, timezone.now() + start_in, 60, medium, "Kelompok belajar")


def _members(world, count):
    found = []
    for _ in range(count):
        user = factories.user(world.school, Role.SISWA)
        found.append(factories.student(world.school, rombel=world.rombel_a, user=user))
    return found


def test_the_counselor_adds_students_of_their_caseload(world, client):
    appointment = _booked(world)
    (one, two) = _members(world, 2)
    client.force_login(world.gurubk)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert 'data-testid="group-members"' in page and one.name in page
    response = client.post(reverse("appointments:group_add", args=[appointment.pk]), {"students": [one.pk, two.pk]})
    assert response.status_code == 302
    assert set(appointment.group_members.values_list("student_id", flat=True)) == {one.pk, two.pk}
    assert AuditEvent.objects.filter(detail="group session member added").count() == 2
    assert "konseling kelompok, 3 siswa" in client.get(reverse("appointments:index")).content.decode()


def test_a_student_outside_the_caseload_is_refused(world, client):
    appointment = _booked(world)
    with pytest.raises(actions.AppointmentError) as refused:
        actions.add_group_members(world.gurubk, appointment, [world.other_student])
    assert refused.value.code == "appointments.not_serving"
    client.force_login(world.gurubk)
    client.post(reverse("appointments:group_add", args=[appointment.pk]), {"students": [world.other_student.pk]})
    assert not GroupMember.objects.exists()


def test_the_cap_and_no_student_twice(world):
    appointment = _booked(world)
    students = _members(world, MAX_GROUP_MEMBERS + 1)
    with pytest.raises(actions.AppointmentError) as full:
        actions.add_group_members(world.gurubk, appointment, students)
    assert full.value.code == "appointments.group_full" and not GroupMember.objects.exists()
    actions.add_group_members(world.gurubk, appointment, students[:MAX_GROUP_MEMBERS])
    with pytest.raises(actions.AppointmentError) as full:
        actions.add_group_members(world.gurubk, appointment, students[MAX_GROUP_MEMBERS:])
    assert full.value.code == "appointments.group_full"
    assert appointment.group_members.count() == MAX_GROUP_MEMBERS  # five students with its own
    appointment.group_members.first().delete()
    for twice in ([students[1]], [world.student], [students[0], students[0]]):
        with pytest.raises(actions.AppointmentError) as again:
            actions.add_group_members(world.gurubk, appointment, twice)
        assert again.value.code == "appointments.member_twice"


def test_only_the_booking_counselor_and_only_before_the_end(world):
    requested = actions.book(world.gurubk, world.student, timezone.now() + datetime.timedelta(days=2), 30, "video", "")
    (member,) = _members(world, 1)
    with pytest.raises(actions.AppointmentError):
        actions.add_group_members(world.koordinator, requested, [member])  # not theirs
    requested.booked_by_counselor = False
    requested.save()
    with pytest.raises(actions.AppointmentError) as refused:
        actions.add_group_members(world.gurubk, requested, [member])  # a student's request
    assert refused.value.code == "appointments.not_group"
    over = _booked(world, start_in=datetime.timedelta(days=3))
    over.status = "done"
    over.save()
    with pytest.raises(actions.AppointmentError) as refused:
        actions.add_group_members(world.gurubk, over, [member])
    assert refused.value.code == "appointments.over"


def test_a_member_sees_the_session_on_home_list_and_page(world, client):
    appointment = _booked(world)
    (member,) = _members(world, 1)
    actions.add_group_members(world.gurubk, appointment, [member])
    client.force_login(member.user)
    detail = reverse("appointments:detail", args=[appointment.pk])
    assert detail in client.get(reverse("core:home")).content.decode()
    assert detail in client.get(reverse("appointments:index")).content.decode()
    page = client.get(detail).content.decode()
    assert 'data-testid="group-session"' in page
    assert "Kelompok belajar" not in page and world.student.name not in page  # the holder's topic stays theirs
    assert 'action="{}"'.format(reverse("appointments:cancel", args=[appointment.pk])) not in page
    # Another student sees none of it.
    client.force_login(factories.user(world.school, Role.SISWA))
    assert client.get(detail).status_code == 404


def test_a_removed_member_can_no_longer_join_the_call(world, client):
    appointment = _booked(world, start_in=datetime.timedelta(minutes=1))  # its call open (the grace)
    (member,) = _members(world, 1)
    (row,) = actions.add_group_members(world.gurubk, appointment, [member])
    assert signalling.open_call(member.user, appointment.pk)["role"] == "guest"
    client.force_login(world.gurubk)
    response = client.post(reverse("appointments:group_remove", args=[appointment.pk]), {"member": row.pk})
    assert response.status_code == 302 and not GroupMember.objects.exists()
    assert AuditEvent.objects.filter(detail="group session member removed").exists()
    with pytest.raises(signalling.Refused) as refused:
        signalling.open_call(member.user, appointment.pk)
    assert refused.value.code == "not_found"
    client.force_login(member.user)
    assert client.get(reverse("appointments:call", args=[appointment.pk])).status_code == 404
    assert client.get(reverse("appointments:detail", args=[appointment.pk])).status_code == 404


def test_another_counselor_cannot_change_the_group(world, client):
    appointment = _booked(world)
    (member,) = _members(world, 1)
    (row,) = actions.add_group_members(world.gurubk, appointment, [member])
    client.force_login(world.gurubk_other)
    assert (
        client.post(reverse("appointments:group_remove", args=[appointment.pk]), {"member": row.pk}).status_code == 404
    )
    client.force_login(world.koordinator)  # reads every appointment, changes no group session
    assert (
        client.post(reverse("appointments:group_remove", args=[appointment.pk]), {"member": row.pk}).status_code == 404
    )
    assert GroupMember.objects.count() == 1


def test_the_demo_has_a_group_session_of_three(db):
    from ekonseling.appointments.models import Appointment
    from ekonseling.core import demo

    demo.load()
    groups = Appointment.objects.filter(counselor__username="gurubk", group_members__isnull=False).distinct()
    (group,) = groups.filter(starts_at__gt=timezone.now())
    assert group.group_members.count() == 2 and group.booked_by_counselor and group.medium == "video"
    assert group.group_members.filter(student__user__username="siswa").exists()
    demo.load()
    assert GroupMember.objects.count() == 3


def test_the_demo_has_a_held_group_session_with_its_chat(db, client):
    from ekonseling.accounts.models import User
    from ekonseling.appointments.models import Appointment, GroupChatMessage
    from ekonseling.core import demo

    demo.load()
    (held,) = Appointment.objects.filter(counselor__username="gurubk", chat_messages__isnull=False).distinct()
    assert held.status == "done" and held.call.minutes == 38 and held.chat_messages.count() == 4
    client.force_login(User.objects.get(username="gurubk"))
    page = client.get(reverse("appointments:detail", args=[held.pk])).content.decode()
    assert 'data-testid="group-chat-transcript"' in page and "membagi waktu belajar" in page
    demo.load()
    assert GroupChatMessage.objects.count() == 4


def test_added_members_are_told_in_the_app_and_by_e_mail(
    world, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    from ekonseling.core import notify, realtime

    appointment = _booked(world)
    (one, two) = _members(world, 2)
    one.user.email = "satu@example.id"
    one.user.save(update_fields=["email"])
    published = []
    monkeypatch.setattr(realtime, "publish", lambda events: published.extend(events))
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_group_members(world.gurubk, appointment, [one, two])
    notify.wait_for_mail()
    # Their open pages refresh (the session is on their home card) ...
    assert {group for group, event in published if event["type"] == "live.refresh"} == {
        f"user.{one.user_id}",
        f"user.{two.user_id}",
    }
    # ... and the one with an address gets a link, without the topic.
    (mail,) = mailoutbox
    assert mail.to == ["satu@example.id"] and f"/jadwal/{appointment.pk}/" in mail.body
    assert "Kelompok belajar" not in mail.body + mail.subject
