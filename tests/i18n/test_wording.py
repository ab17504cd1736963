"""Our own Indonesian where Django's reads badly, and pages that say what is true (issue 15)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from ekonseling.accounts.models import User
from tests import factories


def _messages(password, user=None):
    with translation.override("id"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return " ".join(error.messages)
    return ""


def test_the_password_validators_speak_our_indonesian(world):
    said = _messages("12345678") + " " + _messages("password") + " " + _messages("abc")
    assert "Sandi anda" not in said and "Kata sandi" not in said and "umum digunakan" not in said
    assert "Sandi ini hanya berisi angka." in said
    assert "Sandi ini terlalu umum (banyak dipakai orang)." in said
    assert "Sandi ini terlalu pendek: paling sedikit 8 karakter." in said


def test_the_admins_awkward_indonesian_is_ours(client, world):
    with translation.override("id"):
        username_help = str(User._meta.get_field("username").help_text)
    assert username_help == "Wajib. Paling banyak 150 karakter: huruf, angka, dan @/./+/-/_ saja."
    client.force_login(world.operator)
    catalogue = client.get("/admin/jsi18n/").content.decode()
    assert "Pindahkan" not in catalogue
    assert "Keluarkan %s: tandai, lalu tekan tombol panah" in catalogue
    with translation.override("id"):
        assert translation.gettext("Change or view list link") == "Ubah atau lihat daftar"


@pytest.mark.parametrize(
    ("role", "help_text"),
    [("siswa", "Sandi yang tercetak di kartu masukmu."), ("gurubk", "Sandi sekali pakai yang diberikan kepada Anda.")],
)
def test_the_first_sign_in_asks_for_the_one_time_password(client, world, login, role, help_text):
    user = getattr(world, role)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    login(user)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Sandi sekali pakai" in page and help_text in page
    assert "Sandi lama" not in page


def test_a_later_password_change_asks_for_the_current_password(client, world):
    client.force_login(world.gurubk)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Sandi yang sekarang" in page and "Sandi lama" not in page and "Sandi sekali pakai" not in page


def test_the_sign_in_page_promises_only_what_the_operator_can_do(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "operator sekolah untuk mengatur ulang" not in page
    assert "Siswa meminta sandi sekali pakai yang baru kepada guru BK" in page


def test_the_operator_may_issue_passwords_only_for_the_roles_the_sign_in_page_names(world):
    """What the page says matches the policy: the operator issues for wali kelas, principal and
    operators; never for students or counselors (a role must not become another's reader)."""
    from ekonseling.core import policy

    operator = world.operator
    other_operator = factories.user(world.school, "operator")
    assert policy.can(operator, "account.issue_password", world.walikelas)
    assert policy.can(operator, "account.issue_password", world.kepsek)
    assert policy.can(operator, "account.issue_password", other_operator)
    assert not policy.can(operator, "account.issue_password", world.siswa)
    assert not policy.can(operator, "account.issue_password", world.gurubk)
    assert not policy.can(operator, "account.issue_password", world.koordinator)


# Synonyms docs/glossary.md rules out: the Indonesian catalogue uses one term for one idea.
NOT_OUR_TERMS = ["kata sandi", "Kata sandi", "janji temu", "siswa binaan", "Sandi anda"]


def test_the_catalogue_keeps_to_the_glossary():
    from .catalogue import entries

    found = [(e.msgid, term) for e in entries("id") for term in NOT_OUR_TERMS if term in e.msgstr]
    assert found == []


def test_a_locked_out_sign_in_names_no_one_who_cannot_help(client, world):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("accounts:login"), {"username": world.siswa.username, "password": "salah"})
    page = response.content.decode()
    assert response.status_code == 429
    assert "Sandi sekali pakai yang baru juga membuka kunci ini" in page
    assert "hubungi operator sekolah" not in page
