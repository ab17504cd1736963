"""The personal-data registry: every model that can hold a student's data is exported by some app
or declared not exported with a reason, and `complete` says false the moment one is not."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from ekonseling.core import personal_data
from ekonseling.counseling.models import Message
from ekonseling.students.models import Student

CORE = Path(personal_data.__file__).parent


def test_every_model_holding_a_students_data_is_exported_or_declared_not_exported():
    """Fails when a new model with a key to the student (or their account) is added and its app
    registers neither a contributor nor a reason in its personal_data module."""
    assert personal_data.uncovered() == []


def test_every_model_holding_a_students_data_is_erased_with_them_or_declared_kept():
    """Fails when a new model holding a student's data neither cascades from the student's row or
    account, nor is handled by an erasure hook, nor is declared to outlive the erasure on purpose."""
    assert personal_data.registry.erasure_gaps() == []


def test_the_introspection_finds_what_the_apps_hold():
    found = {m._meta.label for m in personal_data.personal_models(personal_data.registry.subject)}
    # Directly, through a chain (Attachment → Message → Conversation → Student), and by account.
    assert {"students.Guardian", "counseling.Message", "counseling.Attachment", "instruments.Assignment"} <= found
    assert {"core.AuditEvent", "accounts.User", "otp_totp.TOTPDevice"} <= found
    # Neither a key to the student nor to an account: not personal data of a student.
    assert not {"core.School", "students.AcademicYear", "students.Semester"} & found


def test_every_registered_model_exists_and_each_declaration_says_why():
    registry = personal_data.registry
    labels = registry.covered() | set(registry.not_exported) | set(registry.not_erased)
    labels |= {label for hook in registry.erasures.values() for label in hook.models}
    for label in labels:
        apps.get_model(label)  # LookupError for a misspelt label
    assert all(reason.strip() for reason in [*registry.not_exported.values(), *registry.not_erased.values()])


def test_the_alert_models_are_declared_counselor_side():
    declared = personal_data.registry.not_exported
    alerts = [label for label in declared if label.endswith("Alert")]
    assert alerts and all("counselor" in declared[label] for label in alerts)


def fake_model(model_name, app_label, **fields):
    """A model made for one test, in the test's isolated app registry (the real one never sees it)."""
    meta = type("Meta", (), {"app_label": app_label})
    return type(model_name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


@isolate_apps("ekonseling.students", "ekonseling.counseling")
def test_a_new_model_with_a_key_to_the_student_is_caught():
    session_note = fake_model(
        "SessionNote", "students", student=models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    )
    note_reply = fake_model(
        "NoteReply", "counseling", message=models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    )
    unrelated = fake_model("Unrelated", "students", name=models.CharField(max_length=10))
    candidates = [*apps.get_models(), session_note, note_reply, unrelated]

    assert personal_data.uncovered(candidates) == ["counseling.NoteReply", "students.SessionNote"]

    registry = _copy(personal_data.registry)
    registry.register_export("session_notes", lambda student, viewer: [], models=[session_note])
    registry.register_not_exported([note_reply], "A test model.")
    assert registry.uncovered(candidates) == []


@isolate_apps("ekonseling.accounts")
def test_a_model_one_hop_from_an_account_is_a_decision_too():
    from ekonseling.accounts.models import User

    device = fake_model("Device", "accounts", user=models.ForeignKey(User, on_delete=models.CASCADE, related_name="+"))
    use = fake_model("DeviceUse", "accounts", device=models.ForeignKey(device, on_delete=models.CASCADE))
    note = fake_model("DeviceUseNote", "accounts", use=models.ForeignKey(use, on_delete=models.CASCADE))
    candidates = [*apps.get_models(), device, use, note]

    # Two hops from an account is no longer the account's data; two hops from the student still is.
    assert personal_data.uncovered(candidates) == ["accounts.Device", "accounts.DeviceUse"]


def _copy(registry):
    return personal_data.Registry(
        subject=registry.subject,
        sections=dict(registry.sections),
        erasures=dict(registry.erasures),
        not_exported=dict(registry.not_exported),
        not_erased=dict(registry.not_erased),
    )


@isolate_apps("ekonseling.students")
def test_a_new_model_that_would_outlive_the_erasure_is_caught():
    cascades = fake_model(
        "Reflection", "students", student=models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    )
    survives = fake_model(
        "Referral",
        "students",
        student=models.ForeignKey(Student, on_delete=models.SET_NULL, null=True, related_name="+"),
    )
    candidates = [*apps.get_models(), cascades, survives]

    assert personal_data.registry.erasure_gaps(candidates) == ["students.Referral"]

    registry = _copy(personal_data.registry)
    registry.register_erasure("students.referrals", lambda student: None, models=[survives])
    assert registry.erasure_gaps(candidates) == []


def test_an_uncovered_model_makes_the_export_incomplete(world):
    registry = _copy(personal_data.registry)
    del registry.sections["counseling"]

    data = registry.export(world.student, world.siswa)

    assert data["complete"] is False
    assert {"counseling.Conversation", "counseling.Message", "counseling.Attachment"} <= set(data["omitted"])
    assert "counseling" not in data


def test_the_full_registry_makes_the_students_own_export_complete(world):
    data = personal_data.export(world.student, world.siswa)

    assert (data["complete"], data["omitted"]) == (True, [])
    assert set(personal_data.RESERVED) <= set(data)
    assert set(personal_data.registry.sections) <= set(data)


def test_a_registry_without_a_subject_is_never_complete(world):
    registry = personal_data.Registry(sections=dict(personal_data.registry.sections))

    assert registry.export(world.student, world.siswa)["complete"] is False


def test_registration_refuses_clashes_and_unexplained_omissions():
    registry = personal_data.Registry()
    registry.register_export("notes", lambda s, v: [], models=[])
    with pytest.raises(ValueError):
        registry.register_export("notes", lambda s, v: [], models=[])
    with pytest.raises(ValueError):
        registry.register_export("complete", lambda s, v: [], models=[])
    with pytest.raises(ValueError):
        registry.register_not_exported([Student], " ")


def test_erasure_runs_every_hook_in_order(world):
    registry = personal_data.Registry()
    calls = []
    registry.register_erasure("b", lambda student: calls.append(("b", student.pk)), models=[], order=2)
    registry.register_erasure("a", lambda student: calls.append(("a", student.pk)), models=[], order=1)

    registry.erase(world.student)

    assert calls == [("a", world.student.pk), ("b", world.student.pk)]


def test_the_registered_erasure_hooks():
    assert set(personal_data.registry.erasures) == {
        "students.audit_trail",
        "students.deletion_requests",
        "students.import_batches",
        "instruments.pending_imports",
        "records.services",
        "sociometry.choices",
    }


def test_the_registry_in_core_imports_no_domain_app():
    tree = ast.parse((CORE / "personal_data.py").read_text())
    imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if name and name.startswith("ekonseling.")]
