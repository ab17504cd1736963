"""The kernel's registries: an app adds menu entries, home cards, student-page sections, demo loaders
and encrypted-file handlers without changing core, and each shows only where the policy allows."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from ekonseling.accounts.models import Role
from ekonseling.core import policy, registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plugged(monkeypatch, settings, tmp_path):
    """A throwaway 'app' registering one of everything, gated by a rule of its own."""
    monkeypatch.setattr(registry, "_MENU", dict(registry._MENU))
    monkeypatch.setattr(registry, "_HOME_CARDS", dict(registry._HOME_CARDS))
    monkeypatch.setattr(registry, "_STUDENT_SECTIONS", dict(registry._STUDENT_SECTIONS))
    monkeypatch.setattr(registry, "_FILES", dict(registry._FILES))
    monkeypatch.setattr(policy, "_RULES", dict(policy._RULES))
    policy.rule("plugged.see")(policy.has_role(Role.GURU_BK))
    templates = tmp_path / "templates"
    (templates / "plugged").mkdir(parents=True)
    (templates / "plugged" / "card.html").write_text('<section data-testid="plugged-card">{{ word }}</section>')
    (templates / "plugged" / "section.html").write_text('<section data-testid="plugged-section">{{ name }}</section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates, *settings.TEMPLATES[0]["DIRS"]]}]
    registry.register_menu("students:caseload", "Plugged entry", "plugged.see", order=1)
    registry.register_home_card("plugged.card", "plugged/card.html", "plugged.see", lambda request: {"word": "halo"})
    registry.register_student_section(
        "plugged.section", "plugged/section.html", "plugged.see", lambda request, student: {"name": student.name}
    )


def test_a_plugged_menu_entry_card_and_section_show_to_whom_the_policy_allows(client, world, plugged):
    client.force_login(world.gurubk)
    home = client.get(reverse("core:home")).content.decode()
    assert "Plugged entry" in home and '<section data-testid="plugged-card">halo</section>' in home
    page = client.get(reverse("students:detail", args=[world.student.pk])).content.decode()
    assert f'<section data-testid="plugged-section">{world.student.name}</section>' in page

    client.force_login(world.koordinator)
    home = client.get(reverse("core:home")).content.decode()
    assert "Plugged entry" not in home and "plugged-card" not in home
    assert "plugged-section" not in client.get(reverse("students:detail", args=[world.student.pk])).content.decode()


def test_a_card_whose_context_returns_none_is_left_out(client, world, plugged):
    registry.register_home_card("plugged.card", "plugged/card.html", "plugged.see", lambda request: None)
    client.force_login(world.gurubk)
    assert "plugged-card" not in client.get(reverse("core:home")).content.decode()


def test_rotate_data_keys_calls_every_registered_file_handler(db, plugged):
    calls = []
    registry.register_encrypted_files("plugged.files", lambda batch_size, out, err: calls.append(batch_size))
    call_command("rotate_data_keys", "--batch-size", "7", stdout=StringIO())
    assert calls == [7]


def test_every_role_gets_a_heading_and_no_empty_home(client, world):
    for role, user in world.by_role().items():
        client.force_login(user)
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        assert response.context["heading"] is not None, role
        assert response.context["cards"], role


def test_the_demo_loaders_run_in_their_order():
    names = [loader.name for loader in registry.demo_loaders()]
    assert names.index("accounts") < names.index("students") < names.index("counseling")
    assert names.index("students") < names.index("instruments")


def test_core_imports_no_domain_app():
    """The same rule lint-imports checks, as a plain search: no import of a domain app in core."""
    found = subprocess.run(
        [
            "git",
            "grep",
            "-nE",
            r"ekonseling\.(accounts|students|counseling|instruments|safety)",
            "--",
            "ekonseling/core",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert found.stdout == ""
