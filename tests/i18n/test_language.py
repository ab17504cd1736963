"""The school's language is everyone's; a user's own choice is remembered; Accept-Language never decides (issue 15)."""

from django.conf import settings
from django.urls import reverse

from ekonseling.accounts.models import User

ENGLISH_PHONE = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _home(client, **headers):
    return client.get(reverse("core:home"), **headers)


def test_an_english_browser_student_sees_indonesian(client, world):
    client.force_login(world.siswa)
    response = _home(client, **ENGLISH_PHONE)
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()


def test_the_sign_in_page_ignores_an_english_browser(client, db):
    response = client.get(reverse("accounts:login"), **ENGLISH_PHONE)
    assert response["Content-Language"] == "id"
    assert "Masuk" in response.content.decode()


def test_a_user_who_switched_keeps_their_choice(client, world):
    client.force_login(world.siswa)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.siswa.refresh_from_db()
    assert world.siswa.language == "en"
    # On another device (no cookie), and with an Indonesian browser, the choice holds.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    client.logout()
    client.force_login(User.objects.get(pk=world.siswa.pk))
    assert _home(client, HTTP_ACCEPT_LANGUAGE="id")["Content-Language"] == "en"


def test_the_english_school_sees_english_and_a_user_may_still_choose_indonesian(client, world):
    world.school.language = "en"
    world.school.save()
    client.force_login(User.objects.get(pk=world.gurubk.pk))
    assert _home(client)["Content-Language"] == "en"
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert _home(client, **ENGLISH_PHONE)["Content-Language"] == "id"
    # Another user of that school is not affected by gurubk's choice.
    client.force_login(User.objects.get(pk=world.siswa.pk))
    assert _home(client)["Content-Language"] == "en"


def test_a_left_behind_cookie_does_not_decide_for_a_signed_in_user(client, world):
    """A shared computer: someone chose English before signing out; the next student signs in."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"
    client.force_login(world.siswa)
    assert _home(client)["Content-Language"] == "id"


def test_an_unknown_language_is_ignored(client, world):
    client.force_login(world.siswa)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.siswa.refresh_from_db()
    assert world.siswa.language == ""
    assert _home(client)["Content-Language"] == "id"


def _csrf_failure(client):
    """A form posted without its CSRF token: Django's failure page (the view runs inside the
    middleware, so it speaks the request's language)."""
    response = client.post(reverse("set_language"), {"language": "id"})
    assert response.status_code == 403
    return response


def test_the_csrf_failure_page_follows_the_signed_in_users_language(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    User.objects.filter(pk=world.siswa.pk).update(language="en")
    client.force_login(User.objects.get(pk=world.siswa.pk))
    response = _csrf_failure(client)
    assert response["Content-Language"] == "en"
    assert "CSRF verification failed" in response.content.decode()

    # An English school, a guru BK who kept Indonesian, a browser in English.
    world.school.language = "en"
    world.school.save()
    User.objects.filter(pk=world.gurubk.pk).update(language="id")
    client.force_login(User.objects.get(pk=world.gurubk.pk))
    response = client.post(reverse("set_language"), {"language": "id"}, **ENGLISH_PHONE)
    assert response.status_code == 403 and response["Content-Language"] == "id"
    assert "Verifikasi CSRF gagal" in response.content.decode()


def test_the_csrf_failure_page_signed_out_follows_the_language_chosen_on_the_device(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "CSRF verification failed" in _csrf_failure(client).content.decode()
    client = Client(enforce_csrf_checks=True)
    assert "Verifikasi CSRF gagal" in _csrf_failure(client).content.decode()
