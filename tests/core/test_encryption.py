import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from ekonseling.core import crypto
from ekonseling.students.models import Student


def _raw(student, column="health_notes"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM students_student WHERE id = %s", [student.pk])
        return cursor.fetchone()[0]


def test_content_is_stored_encrypted_and_read_back_decrypted(world):
    raw = _raw(world.student)

    assert "Asma" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert Student.objects.get(pk=world.student.pk).health_notes == "Asma ringan."


def test_the_same_text_encrypts_differently_each_time(db):
    assert crypto.encrypt("sama") != crypto.encrypt("sama")


def test_empty_values_stay_empty(world):
    assert _raw(world.classmate) == ""
    assert Student.objects.get(pk=world.classmate.pk).health_notes == ""


def test_rotation_re_encrypts_under_the_new_key_so_the_old_key_can_go(world, settings):
    old_key = settings.DATA_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]

    call_command("rotate_data_keys", stdout=io.StringIO())

    settings.DATA_KEYS = [new_key]
    assert Student.objects.get(pk=world.student.pk).health_notes == "Asma ringan."
    assert Student.objects.get(pk=world.other_student.pk).health_notes == "Alergi."


def test_without_the_key_the_content_cannot_be_read(world, settings):
    settings.DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.InvalidToken):
        Student.objects.get(pk=world.student.pk)


def test_a_malformed_key_is_a_clear_configuration_error(db, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DATA_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        crypto.encrypt("x")


def test_development_generates_a_private_key_file(settings, tmp_path):
    settings.DATA_KEYS = []
    settings.DEBUG = True
    settings.DATA_KEY_FILE = tmp_path / "data.key"

    token = crypto.encrypt("rahasia")

    assert settings.DATA_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert crypto.decrypt(token) == "rahasia"


SETUP_DJANGO = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ekonseling.settings'; django.setup()"


def _start_production(env_overrides):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "bk.example.sch.id",
        "EKONSELING_DATA_KEYS": Fernet.generate_key().decode(),
        **env_overrides,
    }
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ekonseling.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_production_refuses_to_start_without_a_data_key():
    result = _start_production({"EKONSELING_DATA_KEYS": None})
    assert result.returncode != 0
    assert "EKONSELING_DATA_KEYS must be set" in result.stderr


def test_production_starts_with_its_settings():
    assert _start_production({}).returncode == 0
