"""Conventions the structure depends on, checked on the source so they cannot quietly come back.

Writes, transactions and audit belong to actions (`services.py`, `actions.py`, the apps' action
modules), never to views or template tags: a view checks the policy, calls an action and renders. So
no module named `views*.py` (nor a template tag, nor an admin module) opens a transaction or writes
an audit line; every app is held to zero.
"""

import ast
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
