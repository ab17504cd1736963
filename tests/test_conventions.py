"""Conventions the structure depends on, checked on the source so they cannot quietly come back.

Writes, transactions and audit belong to actions (`services.py`, `actions.py`, the apps' action
modules), never to views or template tags: a view checks the policy, calls an action and renders. So
no module named `views*.py` (nor a template tag, nor an admin module) opens a transaction or writes
an audit line; every app is held to zero.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "ekonseling"

FORBIDDEN = {
    ("transaction", "atomic"): "transaction.atomic",
    ("audit", "record"): "audit.record",
    ("audit", "record_for"): "audit.record_for",
}
# Names that mean the same when imported directly (`from django.db.transaction import atomic`).
FORBIDDEN_IMPORTS = {
    ("django.db.transaction", "atomic"): "transaction.atomic",
    ("ekonseling.core.audit", "record"): "audit.record",
    ("ekonseling.core.audit", "record_for"): "audit.record_for",
}


def offences(source: str) -> dict[str, int]:
    """How often the source uses each forbidden call (called, used as a decorator, or imported)."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = FORBIDDEN.get((node.value.id, node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                name = FORBIDDEN_IMPORTS.get((node.module, alias.name)) or name
        if name:
            found[name] = found.get(name, 0) + 1
    return found


def test_no_view_or_template_tag_opens_a_transaction_or_writes_an_audit_line():
    views = sorted(p for p in ROOT.rglob("views*.py") if "migrations" not in p.parts)
    assert len(views) > 10  # the scan sees the views
    views += sorted(ROOT.glob("*/templatetags/*.py"))  # template tags render; they write nothing either
    views += sorted(ROOT.glob("*/admin*.py"))  # the admin's pages are views too
    found = {}
    for path in views:
        used = offences(path.read_text())
        if used:
            found[str(path.relative_to(ROOT))] = used
    assert found == {}, (
        "Views must call an action for writes, transactions and audit (docs/architecture.md, Conventions)"
    )


@pytest.mark.parametrize(
    "source",
    [
        "from django.db import transaction\ndef v(r):\n    with transaction.atomic():\n        pass\n",
        "from django.db import transaction\n@transaction.atomic\ndef v(r):\n    pass\n",
        "from django.db.transaction import atomic\n",
        "from ekonseling.core import audit\ndef v(r):\n    audit.record(r, 'read')\n",
        "from ekonseling.core import audit\ndef v(r):\n    audit.record_for(r.user, 'read')\n",
        "from ekonseling.core.audit import record_for\n",
    ],
)
def test_the_scan_finds_each_form(source):
    assert offences(source)


def test_the_scan_lets_actions_and_reads_through():
    source = "from ekonseling.core import audit\ndef v(r, s):\n    audit.read_confidential(r, s, 'x')\n"
    assert offences(source) == {}


# --- error codes per domain -----------------------------------------------------------------------

# The apps whose refusals carry "<app>.<reason>" codes. counseling's codes are the socket protocol's
# own (docs/websocket.md: "rate_limited", "closed"...), and the kernel's reading errors (JSONRejected,
# SpreadsheetError) name a reason each importer words its own way.
CODED_APPS = ("accounts", "cases", "instruments", "records", "safety", "students")


def _domain_errors(app):
    import importlib
    import inspect

    found = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        if {"migrations", "management"} & set(relative.parts):
            continue
        module = importlib.import_module(".".join(relative.parts).removesuffix(".__init__"))
        for name, value in vars(module).items():
            is_error = inspect.isclass(value) and issubclass(value, Exception)
            if is_error and value.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{module.__name__}.{name}"] = value
    return found


@pytest.mark.parametrize("app", CODED_APPS)
def test_every_refusal_of_a_domain_has_its_own_code_in_that_domain(app):
    errors = _domain_errors(app)
    assert errors  # the scan sees the app's errors
    codes = {name: getattr(error, "code", None) for name, error in errors.items()}
    assert {name: code for name, code in codes.items() if not (code or "").startswith(f"{app}.")} == {}
    assert sorted(codes.values()) == sorted(set(codes.values())), "two errors of one domain share a code"
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", code) for code in codes.values())  # English identifiers


def test_a_finer_code_stays_in_its_domain():
    from ekonseling.core.errors import ActionError
    from ekonseling.instruments.services import InstrumentError, WindowClosed

    assert WindowClosed("x").code == "instruments.window_closed"
    assert WindowClosed("x", code="instruments.window_not_open").code == "instruments.window_not_open"
    assert InstrumentError("x").code == "instruments.refused" and str(InstrumentError("Nope")) == "Nope"
    with pytest.raises(ValueError, match="outside its domain"):
        InstrumentError("x", code="students.no_account")
    assert ActionError().code == "core.refused"


# --- type hints on actions and pure modules -------------------------------------------------------

# Actions (what views, consumers and commands call), the scoring and the parsing: every function
# names the types it takes and returns. (The kind objects' methods take theirs from the `Kind`
# interface in instruments/kinds/base.py; the views and Django hooks are not listed.)
KIND_NAMES = ("checklist_heavy", "checklist_topic", "developmental", "keyed_frequency", "needs")
TYPED_MODULES = [
    "accounts/services.py",
    "cases/actions.py",
    "cases/home.py",
    "cases/letters.py",
    "cases/personal_data.py",
    "core/audit.py",
    "core/errors.py",
    "core/spreadsheets.py",
    "core/windows.py",
    "instruments/alerts.py",
    "instruments/answer_import.py",
    "instruments/answers.py",
    "instruments/definition.py",
    "instruments/entry.py",
    "instruments/kinds/per_area.py",
    "instruments/report_actions.py",
    "instruments/scoring/__init__.py",
    *(f"instruments/kinds/{kind}/scoring.py" for kind in KIND_NAMES),
    "instruments/services.py",
    "instruments/tables.py",
    "counseling/home.py",
    "counseling/outreach.py",
    "records/reports.py",
    "records/services.py",
    "records/suppression.py",
    "safety/actions.py",
    "safety/sources.py",
    "sociometry/analysis.py",
    "sociometry/importing.py",
    "sociometry/services.py",
    "sociometry/sociogram.py",
    "students/caseload.py",
    "students/importing.py",
    "students/imports.py",
    "students/profile.py",
    "students/records.py",
    "students/student_accounts.py",
]


def unannotated(source: str) -> list[str]:
    """The functions of a module lacking a parameter's or the return annotation (`__init__` returns None)."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            bare = [p.arg for p in params if p.annotation is None and p.arg not in ("self", "cls")]
            if bare or (node.returns is None and node.name != "__init__"):
                missing.append(f"{node.name}({', '.join(bare)}){'' if node.returns else ' -> ?'}")
    return missing


def test_actions_and_pure_modules_are_typed():
    missing = {name: unannotated((ROOT / name).read_text()) for name in TYPED_MODULES}
    assert {name: found for name, found in missing.items() if found} == {}


def test_the_type_scan_finds_a_missing_hint():
    assert unannotated("def f(a: int) -> int:\n    return a\n") == []
    assert unannotated("def f(a, *rest: int) -> int:\n    return a\n") == ["f(a)"]
    assert unannotated("def f(a: int):\n    return a\n") == ["f() -> ?"]
    assert unannotated("class K:\n    def m(self, **kw) -> None:\n        pass\n") == ["m(kw)"]


def test_forms_choose_rows_through_the_id_fields():
    """A plain ModelChoiceField lets a 400-digit id reach SQLite as an OverflowError (a 500):
    forms choose rows with core.forms.IdField / IdsField, which refuse it as an invalid choice."""
    offenders = []
    scanned = 0
    for path in ROOT.rglob("*.py"):
        if path.name == "forms.py" and path.parent.name == "core":
            continue
        scanned += 1
        text = path.read_text(encoding="utf-8")
        for needle in ("forms.ModelChoiceField", "forms.ModelMultipleChoiceField"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert scanned > 100 and not offenders, offenders
