"""Answer sheets while they are being filled: partial checks, merging autosaves, critical items.

Pure (no Django), like the scoring kinds. The scoring modules check a *finished* sheet; a student
saves one page at a time, so a partial sheet is checked value by value here, and completeness is
demanded only on submit, where the scoring kind's own rule applies (scales, yes/no and
developmental items must all be answered; a checklist may leave items unticked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import kinds
from .definition import Definition, Item
from .scoring import AnswerError, AnswersInvalid, read_answers, unanswered
from .text import gettext as _


def check_value(definition: Definition, item: Item, value: Any) -> str | None:
    """An error for a value this item does not accept (the kind decides), or None."""
    return kinds.of(definition).check_value(definition, item, value)


def check_partial(definition: Definition, doc: Mapping) -> None:
    """Raise AnswersInvalid for any value that could never be right; blanks are fine here."""
    read_answers(
        definition,
        doc,
        lambda item, value: check_value(definition, item, value),
        complete=False,
        heavy_allowed=kinds.of(definition).heavy_items,
    )


def missing_items(definition: Definition, doc: Mapping) -> list[int]:
    """Items that must be answered before the sheet can be submitted (none for checklists)."""
    if kinds.of(definition).blank_is_no:
        return []
    given = {int(number) for number in (doc.get("items") or {})}
    return [item.number for item in definition.items if item.number not in given]


def check_complete(definition: Definition, doc: Mapping) -> None:
    check_partial(definition, doc)
    missing = missing_items(definition, doc)
    if missing:
        raise AnswersInvalid([AnswerError("items", unanswered(missing))])


def merge(definition: Definition, doc: Mapping, changes: Mapping) -> dict:
    """Apply an autosave to a sheet and return the new sheet (the old one is not changed).

    ``changes`` = ``{"items": {number: value or None}, "heavy": {number: bool}, "open": {code: value or None}}``;
    None clears an answer. Unticking an item also drops it from the heavy list, so "heavy is a subset
    of ticked" cannot be broken by saving pages in any order.
    """
    unknown = set(changes) - {"items", "heavy", "open"}
    if unknown:
        raise AnswersInvalid([AnswerError(name, _("this part of the answers is unknown.")) for name in sorted(unknown)])
    kind = kinds.of(definition)
    items = {str(k): v for k, v in (doc.get("items") or {}).items()}
    heavy = {int(n) for n in (doc.get("heavy") or [])}
    open_answers = dict(doc.get("open") or {})
    for raw, value in (changes.get("items") or {}).items():
        key = str(raw)
        if value is None or (value is False and kind.blank_is_no):
            items.pop(key, None)
        else:
            items[key] = value
    for raw, value in (changes.get("heavy") or {}).items():
        number = int(raw) if str(raw).isdigit() else raw
        if value:
            heavy.add(number)
        else:
            heavy.discard(number)
    for code, value in (changes.get("open") or {}).items():
        if value is None or value == "" or value == []:
            open_answers.pop(code, None)
        else:
            open_answers[code] = value
    heavy = {n for n in heavy if items.get(str(n)) is True}
    new = {"items": dict(sorted(items.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0))}
    if kind.heavy_items:
        new["heavy"] = sorted(heavy, key=lambda n: (not isinstance(n, int), n if isinstance(n, int) else 0))
    if open_answers:
        new["open"] = open_answers
    check_partial(definition, new)
    return new


def critical_hits(definition: Definition, doc: Mapping) -> list[int]:
    """The critical items this sheet marks as a problem: ticked, answered "ya", or a problem answer."""
    kind = kinds.of(definition)
    items = doc.get("items") or {}
    hits = []
    for number in definition.critical_items:
        value = items.get(str(number), items.get(number))
        if value is not None and kind.marks_problem(definition, definition.items_by_number[number], value):
            hits.append(number)
    return hits


def answered_count(definition: Definition, doc: Mapping) -> tuple[int, int]:
    """(answered, total) for a progress bar; a checklist page counts as seen, not as answered."""
    items = doc.get("items") or {}
    return len(items), len(definition.items)
