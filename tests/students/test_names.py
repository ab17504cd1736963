"""Names as stored and passwords that are not them (issue 11 item 10)."""

import uuid

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from ekonseling.counseling import services
from ekonseling.counseling.models import Message
from ekonseling.students import importing
from tests import factories

RLO = "\u202e"


@pytest.fixture
def budi(world):
    world.student.name = "Budi Santoso"
    world.student.save(update_fields=["name"])
    return world


@pytest.mark.parametrize(
    "password", ["Budi Santoso", "budisantoso", "budi2025!", "Santoso.123", "SantosoBudi#1", "xbudisantosox"]
)
def test_a_students_own_name_is_refused_as_their_password(budi, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, budi.siswa)
    assert "password_is_name" in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize("password", ["kopi-hitam-pagi", "Langit#Biru2031", "sosis-bakar-99"])
def test_other_passwords_pass_the_name_rule(budi, password):
    validate_password(password, budi.siswa)


def test_the_password_page_refuses_the_students_name(client, budi):
    client.force_login(budi.siswa)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": factories.PASSWORD, "new_password1": "BudiSantoso2025", "new_password2": "BudiSantoso2025"},
    )
    assert response.status_code == 200  # the form again, with the error
    budi.siswa.refresh_from_db()
    assert budi.siswa.check_password(factories.PASSWORD)


def test_bidi_controls_are_removed_from_names_wherever_they_are_saved(world):
    student = factories.student(world.school, name=f"Budi{RLO}gnp.exe")
    world.siswa.full_name = f"\u2066Siti{RLO} Aminah\u2069"
    world.siswa.save()
    student.refresh_from_db()
    world.siswa.refresh_from_db()
    assert student.name == "Budignp.exe"
    assert world.siswa.full_name == "Siti Aminah"
    assert importing._text(f"  Ahmad {RLO}Fauzi ") == "Ahmad Fauzi"


def test_bidi_controls_are_removed_from_messages(world):
    conversation = services.start_conversation(world.student)
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), f"halo {RLO}bu")])
    assert Message.objects.get(pk=posted.message.pk).body == "halo bu"
    (empty,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), f"{RLO}\u2066 ")])
    assert empty.error is not None and empty.error.code == "empty"
