import datetime

from django.conf import settings as live_settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from ekonseling import settings as settings_module
from ekonseling.accounts.models import Role, User
from ekonseling.core.models import AuditEvent
from tests import factories


def test_passwords_are_hashed_with_argon2_in_production_settings():
    assert settings_module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_password_set_with_the_production_hasher_is_argon2(db, settings):
    settings.PASSWORD_HASHERS = settings_module.PASSWORD_HASHERS
    school = factories.school()
    user = factories.user(school, Role.GURU_BK)
    assert user.password.startswith("argon2$argon2id$")


def test_a_right_password_signs_in_and_lands_on_the_home_page(client, world):
    response = client.post("/masuk/", {"username": world.gurubk.username, "password": factories.PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/beranda/"
    assert response.context["heading"].page_id == "home-counselor"


def test_a_wrong_password_is_refused_in_indonesian(client, world):
    response = client.post("/masuk/", {"username": world.gurubk.username, "password": "salah"})

    assert response.status_code == 200
    assert "Nama pengguna atau sandi salah" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(client, world):
    for _ in range(live_settings.AXES_FAILURE_LIMIT):
        client.post("/masuk/", {"username": world.gurubk.username, "password": "salah"})

    response = client.post("/masuk/", {"username": world.gurubk.username, "password": factories.PASSWORD})

    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in body
    assert "15 menit" in body
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_username_leaves_others_alone(client, world):
    for _ in range(live_settings.AXES_FAILURE_LIMIT + 1):
        client.post("/masuk/", {"username": world.gurubk.username, "password": "salah"})

    response = client.post("/masuk/", {"username": world.koordinator.username, "password": factories.PASSWORD})

    assert response.status_code == 302


def test_sessions_expire_after_idle_time_and_every_request_renews_them():
    assert live_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert live_settings.SESSION_COOKIE_AGE == 30 * 60


def test_an_idle_session_is_signed_out(client, world, login):
    login(world.gurubk)
    assert client.get("/beranda/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/beranda/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_sign_out_everywhere_ends_every_session_of_the_user(client, world, login, django_user_model):
    from django.test import Client

    other_device = Client()
    other_device.post("/masuk/", {"username": world.gurubk.username, "password": factories.PASSWORD})
    login(world.gurubk)

    response = client.post("/akun/keluar-semua/", {"password": factories.PASSWORD})

    assert response.status_code == 302
    assert other_device.get("/beranda/").status_code == 302
    assert client.get("/beranda/").status_code == 302
    assert AuditEvent.objects.filter(action="logout_all", actor=world.gurubk).exists()
    # The user can sign in again afterwards.
    login(world.gurubk)


def test_sign_out_everywhere_asks_for_the_password(client, world, login):
    login(world.gurubk)

    client.post("/akun/keluar-semua/", {"password": "salah"})

    assert client.get("/beranda/").status_code == 200


def test_sign_out_needs_post(client, world, login):
    login(world.gurubk)
    assert client.get("/keluar/").status_code == 405
    client.post("/keluar/")
    assert client.get("/beranda/").status_code == 302


def test_a_forced_password_change_comes_first(client, world, login):
    User.objects.filter(pk=world.siswa.pk).update(must_change_password=True)
    login(world.siswa)

    assert client.get("/beranda/")["Location"] == "/akun/sandi/"

    response = client.post(
        "/akun/sandi/",
        {"old_password": factories.PASSWORD, "new_password1": "Kucing-Oranye-77", "new_password2": "Kucing-Oranye-77"},
    )
    assert response.status_code == 302
    assert client.get("/beranda/").status_code == 200
    world.siswa.refresh_from_db()
    assert world.siswa.must_change_password is False
