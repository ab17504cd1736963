"""The safety pipeline's own rules: idempotent raising, the decision, who may decide, crisis contacts."""

import uuid

import pytest

from ekonseling.accounts.models import Role
from ekonseling.core import notify, policy
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import services as counseling
from ekonseling.safety import actions
from ekonseling.safety.models import Alert


def _sheet_alert(world, student=None, source_id=1, items=(4,)):
    alert, created = actions.raise_alert(
        student=student or world.student, source=Alert.Source.SHEET, source_id=source_id, items=items
    )
    assert created
    return alert


def test_the_same_source_and_items_in_any_order_is_one_alert(world, mailoutbox, django_capture_on_commit_callbacks):
    world.gurubk.email = "bk@sekolah.test"
    world.gurubk.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as raised:
        first, created = actions.raise_alert(
            student=world.student, source=Alert.Source.SHEET, source_id=7, items=[12, 4, 4]
        )
    with django_capture_on_commit_callbacks(execute=True) as repeated:
        again, created_again = actions.raise_alert(
            student=world.student, source=Alert.Source.SHEET, source_id=7, items=(4, 12)
        )
    notify.wait_for_mail()
    assert (created, created_again, again) == (True, False, first)
    assert (first.items, first.items_key) == ([12, 4], "4,12")
    assert (len(raised), len(repeated)) == (1, 0)
    assert len(mailoutbox) == 1


def test_other_items_or_another_source_is_a_new_alert(world):
    first = _sheet_alert(world, source_id=7, items=[4])
    other_items = _sheet_alert(world, source_id=7, items=[4, 12])
    other_sheet = _sheet_alert(world, source_id=8, items=[4])
    assert len({first.pk, other_items.pk, other_sheet.pk}) == 3


def test_a_source_nobody_registered_is_refused(world):
    with pytest.raises(LookupError):
        actions.raise_alert(student=world.student, source="case_note", source_id=1, items=[1])


def test_a_decision_is_recorded_audited_and_final(world):
    alert = _sheet_alert(world)
    with pytest.raises(actions.SafetyError):
        actions.decide(alert, world.gurubk, Alert.Status.OPEN)
    actions.decide(alert, world.gurubk, Alert.Status.FALSE, "Salah centang, sudah dicek.")
    alert.refresh_from_db()
    assert (alert.status, alert.decided_by, alert.note) == ("false", world.gurubk, "Salah centang, sudah dicek.")
    assert alert.decided_at is not None
    assert AuditEvent.objects.filter(
        actor=world.gurubk, action=AuditEvent.Action.CHANGE, object_id=str(alert.pk), detail="alert false"
    ).exists()
    with pytest.raises(actions.AlreadyDecided):
        actions.decide(alert, world.koordinator, Alert.Status.HANDLED)
    alert.refresh_from_db()
    assert alert.decided_by == world.gurubk
    assert AuditEvent.objects.filter(object_type="safety.Alert", object_id=str(alert.pk)).count() == 1


def test_a_decision_is_audited_for_its_actor_and_origin_without_a_request(world):
    """A consumer or a command decides with the actor and where they are, never a fake request."""
    alert = _sheet_alert(world)
    actions.decide(alert, world.koordinator, Alert.Status.HANDLED, ip="192.0.2.9", user_agent="ek-socket")
    event = AuditEvent.objects.get(object_type="safety.Alert", object_id=str(alert.pk))
    assert (event.actor, event.detail, event.ip_address, event.user_agent) == (
        world.koordinator,
        "alert handled",
        "192.0.2.9",
        "ek-socket",
    )


def test_a_sheet_alert_is_decided_by_the_counselors_who_serve_the_student(world):
    mine = _sheet_alert(world)
    theirs = _sheet_alert(world, student=world.other_student, source_id=2)
    by_role = world.by_role()
    allowed = {user.role for user in by_role.values() if policy.can(user, actions.DECIDE, mine)}
    assert allowed == {Role.GURU_BK, Role.KOORDINATOR_BK}
    assert not policy.can(world.gurubk, actions.DECIDE, theirs)
    assert policy.can(world.gurubk_other, actions.DECIDE, theirs)
    listed = {role: set(actions.open_alerts(user)) for role, user in by_role.items()}
    assert listed[Role.GURU_BK] == {mine}
    assert listed[Role.KOORDINATOR_BK] == {mine, theirs}
    assert all(not listed[role] for role in (Role.OPERATOR, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA))


def test_a_chat_alert_is_decided_by_those_who_may_manage_the_conversation(world):
    conversation = counseling.start_conversation(world.student)
    (posted,) = counseling.post_messages([counseling.Draft(conversation.pk, world.siswa, uuid.uuid4(), "mau mati")])
    alert = posted.alert
    # Unclaimed: only the coordinator manages it; the guru BK who serves the student claims it first.
    assert [u.role for u in (world.gurubk, world.koordinator) if policy.can(u, actions.DECIDE, alert)] == [
        Role.KOORDINATOR_BK
    ]
    assert set(policy.visible(world.gurubk, actions.DECIDE, Alert.objects.all())) == set()
    counseling.claim(conversation, world.gurubk)
    assert policy.can(world.gurubk, actions.DECIDE, alert)
    assert not policy.can(world.gurubk_other, actions.DECIDE, alert)
    assert set(policy.visible(world.gurubk, actions.DECIDE, Alert.objects.all())) == {alert}
    assert set(policy.visible(world.gurubk_other, actions.DECIDE, Alert.objects.all())) == set()
    # The inbox lists other sources' alerts; a chat's own alert shows as its urgent conversation.
    assert actions.open_alerts(world.gurubk, exclude_source=Alert.Source.MESSAGE) == []


def test_another_schools_alert_is_nobodys_here(world, other_world):
    alert = _sheet_alert(other_world)
    assert not policy.can(world.koordinator, actions.DECIDE, alert)
    assert actions.open_alerts(world.koordinator) == []


def test_erasing_a_student_erases_their_alerts(world):
    _sheet_alert(world)
    world.student.delete()
    assert not Alert.objects.exists()


def test_crisis_contacts_are_the_schools_or_the_national_line(world):
    assert actions.crisis_contacts(world.school) == actions.DEFAULT_CRISIS_CONTACTS
    actions.set_crisis_contacts(world.school, "Hotline sekolah: 0800-123\n\n  Guru BK piket  \n")
    assert actions.crisis_contacts(world.school) == ["Hotline sekolah: 0800-123", "Guru BK piket"]
    actions.set_crisis_contacts(world.school, "Hotline sekolah: 0800-123")  # the same row, changed
    assert actions.crisis_contacts(world.school) == ["Hotline sekolah: 0800-123"]


def test_the_scope_built_for_some_sources_selects_the_same_alerts_as_the_whole_scope(world, other_world):
    from ekonseling.safety import sources

    for student, source_id in ((world.student, 1), (world.other_student, 2), (other_world.student, 3)):
        _sheet_alert(world, student=student, source_id=source_id)
    conversation = counseling.start_conversation(world.student)
    actions.raise_alert(student=world.student, source=Alert.Source.MESSAGE, source_id=conversation.pk, items=[1])
    alerts = Alert.objects.all()
    for user in (world.gurubk, world.koordinator, world.walikelas, world.siswa, world.gurubk_other, other_world.gurubk):
        whole = set(policy.visible(user, actions.DECIDE, alerts).values_list("pk", flat=True))
        for kind in (s.kind for s in sources.registered()):
            one = policy.visible(user, actions.DECIDE, alerts.filter(source=kind), source=kind)
            assert set(one.values_list("pk", flat=True)) == {
                pk for pk in whole if Alert.objects.get(pk=pk).source == kind
            }
            rest = policy.visible(user, actions.DECIDE, alerts.exclude(source=kind), exclude=kind)
            assert set(rest.values_list("pk", flat=True)) == {
                pk for pk in whole if Alert.objects.get(pk=pk).source != kind
            }
    assert policy.visible(world.gurubk, actions.DECIDE, alerts).exists()
