"""Answer sheets while they are being filled: partial checks, merging autosaves, critical items.

Pure (no Django), like the scoring kinds. The scoring modules check a *finished* sheet; a student
saves one page at a time, so a partial sheet is checked value by value here, and completeness is
demanded only on submit, where the scoring kind's own rule applies (scales, yes/no and
developmental items must all be answered; a checklist may leave items unticked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definition import NO, YES, Definition
from .scoring import AnswerError, AnswersInvalid, check_tick, read_answers

# answer_format → does an unanswered item count as "no"? (checklists: yes; everything else: no)
BLANK_IS_NO = {"checklist_heavy": True, "checklist": True, "frequency_scale": False, "choice": False, "yes_no": False}


def check_value(definition: Definition, item, value: Any) -> str | None:
    """An Indonesian error for a value this item does not accept, or None."""
    kind = definition.answer_format
    if kind in ("checklist_heavy", "checklist"):
        return check_tick(item, value)
    if kind == "frequency_scale":
        if value not in definition.scale_by_code:
            codes = ", ".join(definition.scale_by_code)
            return f"butir nomor {item.number}: jawaban {value!r} tidak dikenal; pilih dari {codes}."
        return None
    if kind == "choice":
        if value not in item.options_by_code:
            codes = ", ".join(item.options_by_code)
            return f"butir nomor {item.number}: pilihan {value!r} tidak ada; pilih dari {codes}."
        return None
    if kind == "yes_no":
        if value not in (YES, NO):
            return f"butir nomor {item.number}: jawaban harus '{YES}' atau '{NO}', bukan {value!r}."
        return None
    raise ValueError(f"unknown answer format {kind!r}")


def check_partial(definition: Definition, doc: Mapping) -> None:
    """Raise AnswersInvalid for any value that could never be right; blanks are fine here."""
    read_answers(
        definition,
        doc,
        lambda item, value: check_value(definition, item, value),
        complete=False,
        heavy_allowed=definition.scoring == "checklist_heavy",
    )


def missing_items(definition: Definition, doc: Mapping) -> list[int]:
    """Items that must be answered before the sheet can be submitted (none for checklists)."""
    if BLANK_IS_NO[definition.answer_format]:
        return []
    given = {int(number) for number in (doc.get("items") or {})}
    return [item.number for item in definition.items if item.number not in given]


def check_complete(definition: Definition, doc: Mapping) -> None:
    check_partial(definition, doc)
    missing = missing_items(definition, doc)
    if missing:
        raise AnswersInvalid(
            [AnswerError("items", f"butir berikut belum dijawab: {', '.join(str(n) for n in missing)}.")]
        )


def merge(definition: Definition, doc: Mapping, changes: Mapping) -> dict:
    """Apply an autosave to a sheet and return the new sheet (the old one is not changed).

    ``changes`` = ``{"items": {number: value or None}, "heavy": {number: bool}, "open": {code: value or None}}``;
    None clears an answer. Unticking an item also drops it from the heavy list, so "heavy is a subset
    of ticked" cannot be broken by saving pages in any order.
    """
    unknown = set(changes) - {"items", "heavy", "open"}
    if unknown:
        raise AnswersInvalid([AnswerError(name, "bagian jawaban ini tidak dikenal.") for name in sorted(unknown)])
    items = {str(k): v for k, v in (doc.get("items") or {}).items()}
    heavy = {int(n) for n in (doc.get("heavy") or [])}
    open_answers = dict(doc.get("open") or {})
    for raw, value in (changes.get("items") or {}).items():
        key = str(raw)
        if value is None or (value is False and BLANK_IS_NO[definition.answer_format]):
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
    if definition.scoring == "checklist_heavy":
        new["heavy"] = sorted(heavy, key=lambda n: (not isinstance(n, int), n if isinstance(n, int) else 0))
    if open_answers:
        new["open"] = open_answers
    check_partial(definition, new)
    return new


def critical_hits(definition: Definition, doc: Mapping) -> list[int]:
    """The critical items this sheet marks as a problem: ticked, answered "ya", or a problem answer."""
    items = doc.get("items") or {}
    hits = []
    for number in definition.critical_items:
        value = items.get(str(number), items.get(number))
        if value is None:
            continue
        if value is True or value == YES:
            hits.append(number)
        elif definition.answer_format == "frequency_scale":
            item = definition.items_by_number[number]
            if definition.scale_by_code[value].is_problem(item.key):
                hits.append(number)
    return hits


def answered_count(definition: Definition, doc: Mapping) -> tuple[int, int]:
    """(answered, total) for a progress bar; a checklist page counts as seen, not as answered."""
    items = doc.get("items") or {}
    return len(items), len(definition.items)
