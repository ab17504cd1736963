"""The operator's account administration: what they may and may not do to other accounts."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import AuditEvent
from tests import factories

NEW_PASSWORD = {"password1": "Sandi-Baru-2026", "password2": "Sandi-Baru-2026", "usable_password": "true"}


def test_the_operator_issues_a_one_time_password_to_a_homeroom_teacher(client, world):
    client.force_login(world.operator)

    response = client.post(f"/admin/accounts/user/{world.walikelas.pk}/password/", NEW_PASSWORD)

    assert response.status_code == 200
    password = response.context["password"]
    assert password not in NEW_PASSWORD.values()  # whatever was posted, nobody chose it
    assert "no-store" in response["Cache-Control"]
    world.walikelas.refresh_from_db()
    assert world.walikelas.check_password(password)
    assert world.walikelas.must_change_password is True
    event = AuditEvent.objects.get(action="password", object_id=str(world.walikelas.pk))
    assert event.actor == world.operator
    assert password not in event.detail


def test_the_operator_cannot_set_or_issue_a_students_password(client, world):
    """Issue 11, item 1a: the operator signed in as the student and read the chat and health."""
    client.force_login(world.operator)

    assert client.get(f"/admin/accounts/user/{world.siswa.pk}/password/").status_code == 403
    response = client.post(f"/admin/accounts/user/{world.siswa.pk}/password/", NEW_PASSWORD)

    assert response.status_code == 403
    world.siswa.refresh_from_db()
    assert world.siswa.check_password(factories.PASSWORD)


def test_the_operator_cannot_change_their_own_role(client, world):
    client.force_login(world.operator)

    form = client.get(f"/admin/accounts/user/{world.operator.pk}/change/").context["adminform"].form

    assert "role" not in form.fields
    other = client.get(f"/admin/accounts/user/{world.walikelas.pk}/change/").context["adminform"].form
    assert "role" in other.fields


def test_creating_an_account_and_changing_a_role_are_audited(client, world):
    client.force_login(world.operator)
    client.post(
        "/admin/accounts/user/add/",
        {"username": "baru", "full_name": "Guru Baru", "role": Role.WALI_KELAS, **NEW_PASSWORD},
    )
    created = User.objects.get(username="baru")

    assert AuditEvent.objects.filter(action="create", object_id=str(created.pk)).exists()
    # Issue 11, item 1c: no password came with the form, however one was posted.
    assert not created.has_usable_password()
    assert created.must_change_password is True


def test_the_superuser_gets_a_form_error_for_an_account_without_a_school(client, world):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)

    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "yatim", "full_name": "Tanpa Sekolah", "role": Role.GURU_BK, "school": ""},
    )

    assert response.status_code == 200
    assert "school" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="yatim").exists()


def test_the_operator_resets_a_lost_authenticator(client, world):
    TOTPDevice.objects.create(user=world.gurubk, name="HP", confirmed=True)
    client.force_login(world.operator)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [world.gurubk.pk]},
    )

    assert not TOTPDevice.objects.filter(user=world.gurubk).exists()
    assert AuditEvent.objects.filter(action="two_factor", object_id=str(world.gurubk.pk)).exists()


def test_a_failed_sign_in_with_an_unknown_username_does_not_store_what_was_typed(client, world):
    client.post("/masuk/", {"username": "RahasiaSaya123", "password": "x"})

    event = AuditEvent.objects.get(action="login_failed")
    assert "RahasiaSaya123" not in event.detail


def test_deactivating_an_account_ends_its_sessions_at_once_and_is_audited(client, world):
    """An open socket (the chat, a live poll) would otherwise outlive the account until its session
    idled out: deactivating ends every session, and the signal closes the sockets."""
    from ekonseling.accounts.signals import all_sessions_ended

    ended = []
    all_sessions_ended.connect(lambda sender, user, **kw: ended.append(user.pk), weak=False, dispatch_uid="t-deact")
    try:
        salt = world.walikelas.session_salt
        client.force_login(world.operator)
        form = client.get(f"/admin/accounts/user/{world.walikelas.pk}/change/").context["adminform"].form
        data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
        data.update({"is_active": "", "role": world.walikelas.role, "school": world.school.pk})
        data = {k: v for k, v in data.items() if not isinstance(v, list | tuple)}
        response = client.post(f"/admin/accounts/user/{world.walikelas.pk}/change/", data)
    finally:
        all_sessions_ended.disconnect(dispatch_uid="t-deact")

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    world.walikelas.refresh_from_db()
    assert world.walikelas.is_active is False and world.walikelas.session_salt != salt
    assert ended == [world.walikelas.pk]
    assert AuditEvent.objects.filter(detail="deactivated; sessions ended", actor=world.operator).exists()
