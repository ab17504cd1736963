"""The operator's account administration: what they may and may not do to other accounts."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import AuditEvent
from tests import factories

NEW_PASSWORD = {"password1": "Sandi-Baru-2026", "password2": "Sandi-Baru-2026", "usable_password": "true"}


def test_the_operator_sets_a_students_password_as_a_one_time_password(client, world):
    client.force_login(world.operator)

    response = client.post(f"/admin/accounts/user/{world.siswa.pk}/password/", NEW_PASSWORD)

    assert response.status_code == 302
    world.siswa.refresh_from_db()
    assert world.siswa.check_password("Sandi-Baru-2026")
    assert world.siswa.must_change_password is True
    assert AuditEvent.objects.filter(action="password", object_id=str(world.siswa.pk), actor=world.operator).exists()


def test_the_operator_cannot_set_the_password_of_a_counselor_who_has_signed_in(client, world, login):
    login(world.gurubk)
    client.post("/keluar/")
    client.force_login(world.operator)

    response = client.post(f"/admin/accounts/user/{world.gurubk.pk}/password/", NEW_PASSWORD)

    assert response.status_code == 403
    world.gurubk.refresh_from_db()
    assert world.gurubk.check_password(factories.PASSWORD)


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


def test_the_superuser_gets_a_form_error_for_an_account_without_a_school(client, world):
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)

    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "yatim", "full_name": "Tanpa Sekolah", "role": Role.GURU_BK, "school": "", **NEW_PASSWORD},
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
