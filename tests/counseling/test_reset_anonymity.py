"""Issue 11, item 2: a guru BK who resets a student's password and signs in with the card learns
nothing the student wrote before, anonymous questions included; the student, who knows their
previous password, gets it all back (docs/anonymity.md)."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from ekonseling.accounts import services as account_services
from ekonseling.accounts.models import User
from ekonseling.core.models import AuditEvent
from ekonseling.counseling import letters, services
from ekonseling.students import student_accounts
from tests import factories

QUESTION = "Bagaimana cara menghadapi teman yang terus mengejek saya di kelas?"
NEW = "Sandi-Penyerang-2026"


@pytest.fixture
def question(world):
    return letters.start_question(world.student, world.siswa, body=QUESTION, client_key=uuid.uuid4()).conversation


def _card_holder(world, counselor=None):
    """The counselor resets, signs in with the card and sets a password of their own."""
    login = student_accounts.reset_password(world.student, counselor or world.gurubk)
    browser = Client()
    browser.post("/masuk/", {"username": world.siswa.username, "password": login.password})
    response = browser.post(
        "/akun/sandi/", {"old_password": login.password, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:restore_counseling")
    return browser


def test_the_card_holder_does_not_see_the_anonymous_question(world, question):
    browser = _card_holder(world)

    home = browser.get(reverse("counseling:home"))
    assert question not in home.context["conversations"]
    assert browser.get(reverse("counseling:conversation", args=[question.pk])).status_code == 404
    assert QUESTION not in home.content.decode()
    export = browser.get(reverse("students:personal_data", args=[world.student.pk]))
    data = json.loads(export.content)
    assert QUESTION not in export.content.decode()
    assert data["complete"] is False


def test_the_student_shows_them_again_with_the_previous_password(world, question):
    browser = _card_holder(world)

    wrong = browser.post(reverse("accounts:restore_counseling"), {"password": "tebakan-salah"})
    assert wrong.status_code == 200
    assert browser.get(reverse("counseling:conversation", args=[question.pk])).status_code == 404
    right = browser.post(reverse("accounts:restore_counseling"), {"password": factories.PASSWORD})

    assert right.status_code == 302
    assert browser.get(reverse("counseling:conversation", args=[question.pk])).status_code == 200
    details = list(AuditEvent.objects.filter(object_id=str(world.siswa.pk)).values_list("detail", flat=True))
    assert "previous password wrong" in details
    assert "earlier counseling shown again (previous password)" in details


def test_guessing_the_previous_password_is_limited(world, question):
    browser = _card_holder(world)
    for _attempt in range(account_services.RESTORE_LIMIT):
        browser.post(reverse("accounts:restore_counseling"), {"password": "tebakan-salah"})

    response = browser.post(reverse("accounts:restore_counseling"), {"password": factories.PASSWORD})

    assert response.status_code == 200
    assert browser.get(reverse("counseling:conversation", args=[question.pk])).status_code == 404


def test_a_second_reset_does_not_make_the_first_card_a_proof(world, question):
    """The counselor's own first one-time password (or the one they chose after it) must not count
    as the student's previous password: only a password the student chose before the first reset
    reopens what came before it."""
    first = student_accounts.reset_password(world.student, world.gurubk)
    second = student_accounts.reset_password(world.student, world.gurubk)
    user = User.objects.get(pk=world.siswa.pk)

    assert not user.restore_withheld_counseling(first.password)
    assert not user.restore_withheld_counseling(second.password)
    assert user.restore_withheld_counseling(factories.PASSWORD)


def test_a_chat_from_before_the_reset_is_not_continued(world):
    old = services.start_conversation(world.student)
    browser = _card_holder(world)

    browser.post(reverse("counseling:chat_new"), {"body": "Halo", "client_key": str(uuid.uuid4())})

    chats = list(world.student.conversations.filter(kind="chat").order_by("pk"))
    assert len(chats) == 2 and chats[0] == old
    assert browser.get(reverse("counseling:conversation", args=[old.pk])).status_code == 404
    assert browser.get(reverse("counseling:conversation", args=[chats[1].pk])).status_code == 200


def test_the_student_keeps_their_questions_without_any_reset(client, world, question, login):
    login(world.siswa)

    assert client.get(reverse("counseling:conversation", args=[question.pk])).status_code == 200
    assert client.get(reverse("accounts:restore_counseling")).status_code == 302
