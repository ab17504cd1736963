"""The UU PDP registry: which app exports and erases which part of a student's personal data.

core knows no domain app. Each app registers, from its own `personal_data` module imported in its
AppConfig.ready():

- the data subject (`register_subject`: the students app names its Student model and the field
  that links the student's account);
- export contributors (`register_export(section, contributor, models=[...])`): a contributor is
  called with (student, viewer) and returns JSON-ready data (dates, datetimes and Decimals are
  fine: the file is written with DjangoJSONEncoder), or `Partial(data, omitted=[...])` when the
  viewer may not have part of it. `viewer` None means the data subject's own view;
- erasure hooks (`register_erasure(name, hook, models=[...])`): called with the student inside the
  erasure's transaction, before the student's row is deleted (rows that cascade from it need no
  hook; files go with their rows through post_delete receivers);
- models that hold a student's data but are deliberately not exported
  (`register_not_exported(models, reason)`), so the omission is a recorded decision; and models
  whose rows outlive an erasure on purpose (`register_not_erased(models, reason)`).

`complete` in the file is computed, never asserted: it is true only when no contributor left
anything out for this viewer and every model that can hold a student's data (found by
introspection, `personal_models`) is covered by a contributor or declared not exported. A new model
with a key to the student that nobody registers makes every export say `complete: false` and the
test suite fail (tests/core/test_personal_data.py). Likewise `erasure_gaps` lists the models whose
rows would outlive an erasure without a hook or a reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

FORMAT = "E-Konseling personal data export, version 2"

ModelRef = type[models.Model] | str


@dataclass(frozen=True)
class Partial:
    """A contributor's answer when the viewer may not have all of it: `data` is what they may
    have (None for nothing), `omitted` names what was left out (field or section names)."""

    data: Any
    omitted: Sequence[str] = ()


@dataclass(frozen=True)
class ExportSection:
    name: str
    contributor: Callable[[Any, Any], Any]
    models: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class ErasureHook:
    name: str
    hook: Callable[[Any], None]
    models: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class Subject:
    model: str
    account_field: str


def _label(model: ModelRef) -> str:
    """'app_label.ModelName' for a model class or label (labels are checked when used)."""
    return model if isinstance(model, str) else model._meta.label


@dataclass
class Registry:
    subject: Subject | None = None
    sections: dict[str, ExportSection] = field(default_factory=dict)
    erasures: dict[str, ErasureHook] = field(default_factory=dict)
    not_exported: dict[str, str] = field(default_factory=dict)
    not_erased: dict[str, str] = field(default_factory=dict)

    # --- registration ---------------------------------------------------------------------------------

    def register_subject(self, model: ModelRef, account_field: str) -> None:
        subject = Subject(_label(model), account_field)
        if self.subject is not None and self.subject != subject:
            raise ValueError(f"The data subject is already {self.subject.model}.")
        self.subject = subject

    def register_export(
        self, section: str, contributor: Callable[[Any, Any], Any], models: Iterable[ModelRef], order: int = 100
    ) -> None:
        if section in RESERVED:
            raise ValueError(f"{section!r} is a key of the export's envelope.")
        entry = ExportSection(section, contributor, tuple(_label(m) for m in models), order)
        existing = self.sections.get(section)
        if existing is not None and existing.contributor is not contributor:
            raise ValueError(f"The export section {section!r} is registered twice.")
        self.sections[section] = entry

    def register_erasure(
        self, name: str, hook: Callable[[Any], None], models: Iterable[ModelRef], order: int = 100
    ) -> None:
        existing = self.erasures.get(name)
        if existing is not None and existing.hook is not hook:
            raise ValueError(f"The erasure hook {name!r} is registered twice.")
        self.erasures[name] = ErasureHook(name, hook, tuple(_label(m) for m in models), order)

    def register_not_exported(self, models: Iterable[ModelRef], reason: str) -> None:
        if not reason.strip():
            raise ValueError("Say why the model is not exported.")
        for model in models:
            self.not_exported[_label(model)] = reason

    def register_not_erased(self, models: Iterable[ModelRef], reason: str) -> None:
        """Models found by `personal_models` whose rows outlive an erasure on purpose (the school's
        rombel, instruments): their link to the student goes with the student's row."""
        if not reason.strip():
            raise ValueError("Say why the model's rows outlive an erasure.")
        for model in models:
            self.not_erased[_label(model)] = reason

    # --- coverage -------------------------------------------------------------------------------------

    def covered(self) -> set[str]:
        return {label for section in self.sections.values() for label in section.models}

    def uncovered(self, candidates: Iterable[type[models.Model]] | None = None) -> list[str]:
        """Labels of the models that can hold a student's data and that no contributor covers nor
        any declaration excuses; ["<no data subject>"] while no app registered the subject."""
        if self.subject is None:
            return ["<no data subject>"]
        accounted = self.covered() | set(self.not_exported)
        found = personal_models(self.subject, candidates)
        return sorted(m._meta.label for m in found if m._meta.label not in accounted)

    def erasure_gaps(self, candidates: Iterable[type[models.Model]] | None = None) -> list[str]:
        """Labels of the models that can hold a student's data, whose rows do not go with the
        student's row or account by a chain of CASCADE keys, and that no erasure hook handles nor
        any declaration excuses."""
        if self.subject is None:
            return ["<no data subject>"]
        found = personal_models(self.subject, candidates)
        handled = {label for hook in self.erasures.values() for label in hook.models} | set(self.not_erased)
        cascading = _cascading(self.subject, found)
        return sorted(m._meta.label for m in found if m not in cascading and m._meta.label not in handled)

    # --- the export -----------------------------------------------------------------------------------

    def export(self, student: Any, viewer: Any = None) -> dict[str, Any]:
        school = student.school
        data: dict[str, Any] = {
            "format": FORMAT,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "complete": False,
            "omitted": [],
            "school": {"name": school.name, "npsn": school.npsn},
        }
        omitted: list[str] = []
        for section in sorted(self.sections.values(), key=lambda s: (s.order, s.name)):
            value = section.contributor(student, viewer)
            if isinstance(value, Partial):
                omitted += value.omitted
                value = value.data
            data[section.name] = value
        uncovered = self.uncovered()
        data["complete"] = not omitted and not uncovered
        data["omitted"] = omitted + uncovered
        return data

    # --- erasure --------------------------------------------------------------------------------------

    def erase(self, student: Any) -> None:
        for entry in sorted(self.erasures.values(), key=lambda e: (e.order, e.name)):
            entry.hook(student)


RESERVED = frozenset({"format", "generated_at", "complete", "omitted", "school"})


def _relations(model: type[models.Model]) -> list[type[models.Model]]:
    """The models `model` points to: its foreign keys, one-to-ones and many-to-manys."""
    related = []
    for f in model._meta.get_fields():
        if f.auto_created or not f.is_relation or f.related_model is None:
            continue
        if f.many_to_one or f.one_to_one or f.many_to_many:
            related.append(f.related_model)
    return related


def _cascading(subject: Subject, pool: Sequence[type[models.Model]]) -> set[type]:
    """The models whose rows are deleted with the student's row and account: the two themselves,
    and any model with a CASCADE key (or one-to-one) to one of them, transitively."""
    student = apps.get_model(subject.model)
    gone = {student, student._meta.get_field(subject.account_field).related_model}
    changed = True
    while changed:
        changed = False
        for model in pool:
            if model in gone:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.remote_field.on_delete is models.CASCADE and f.related_model in gone:
                    gone.add(model)
                    changed = True
                    break
    return gone


def personal_models(subject: Subject, candidates: Iterable[type[models.Model]] | None = None) -> list[type]:
    """Every model that can hold a student's data, found by following keys.

    - the student model and the account model;
    - any model with a path of foreign keys (any length) to the student: Message → Conversation →
      Student, Attachment → Message → Conversation → Student;
    - any model with a key to the account model, directly or through one hop (Attachment →
      Message → sender). Accounts are shared with staff, so a key to one may be a student's
      (a message's sender, an audit event's actor) or a staff member's (an administration's
      author): each such model is a decision to make, once.

    `candidates` defaults to every installed model (automatic many-to-many tables are read as the
    many-to-many field of the model that declares them).
    """
    student = apps.get_model(subject.model)
    account = student._meta.get_field(subject.account_field).related_model
    pool = list(apps.get_models() if candidates is None else candidates)
    pool = [m for m in pool if not m._meta.auto_created]
    edges = {m: _relations(m) for m in pool}

    reaches_student = {student}
    changed = True
    while changed:
        changed = False
        for model, targets in edges.items():
            if model not in reaches_student and any(t in reaches_student for t in targets):
                reaches_student.add(model)
                changed = True

    near_account = {account} | {m for m, targets in edges.items() if account in targets}
    near_account |= {m for m, targets in edges.items() if any(t in near_account for t in targets)}

    found = reaches_student | near_account
    return sorted((m for m in found if m in edges or m in (student, account)), key=lambda m: m._meta.label)


def to_json(data: dict[str, Any]) -> bytes:
    """The file: UTF-8 JSON, indented so that it can be read without tools."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


registry = Registry()
register_subject = registry.register_subject
register_export = registry.register_export
register_erasure = registry.register_erasure
register_not_exported = registry.register_not_exported
register_not_erased = registry.register_not_erased
uncovered = registry.uncovered
export = registry.export
erase = registry.erase
