"""Instrument kinds: the registry of kind objects, one subpackage per kind.

A definition's ``scoring`` names its kind (AUM Umum is ``checklist_heavy``, PTSDL
``keyed_frequency``, ...). Everything that differs between kinds lives in the kind's subpackage:
``<kind>/scoring.py`` computes the figures (pure, exact), and ``<kind>/__init__.py`` holds the kind
object (a :class:`base.Kind`): what a valid definition of the kind carries, how an answer is
checked, typed on paper and read from a spreadsheet, the report tables, charts and the student's
own profile. Callers ask the registry (``kinds.get(definition.scoring)`` or ``kinds.of(definition)``)
and call methods; no module outside this package compares the kind's name.

Adding a kind: see docs/instruments.md, "How to add an instrument kind".

The subpackages are imported on first use, so this module (and each kind, which is pure Python
too) imports without Django configured and without an import cycle with ``definition``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..definition import Definition
    from .base import Kind

#: Every kind, in the order the library and the docs list them; each is the name of a subpackage.
NAMES = ("checklist_heavy", "keyed_frequency", "checklist_topic", "developmental", "needs")

_loaded: dict[str, Kind] = {}


def get(name: str) -> Kind:
    """The kind object called ``name``; KeyError for a kind nobody implemented."""
    kind = _loaded.get(name)
    if kind is None:
        if name not in NAMES:
            raise KeyError(name)
        kind = importlib.import_module(f"{__name__}.{name}").KIND
        if kind.name != name:
            raise RuntimeError(f"kind module {name!r} registers a kind called {kind.name!r}")
        _loaded[name] = kind
    return kind


def of(definition: Definition) -> Kind:
    """The kind of a definition."""
    return get(definition.scoring)


def all_kinds() -> tuple[Kind, ...]:
    return tuple(get(name) for name in NAMES)
