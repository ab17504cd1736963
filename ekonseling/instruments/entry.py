"""Typing a paper answer sheet: the forgiving text a counselor types, turned into an answer sheet.

Pure (no Django), so every rule is tested without a browser. A counselor with a stack of paper
sheets types one short text per part: the ticked numbers of a checklist (`1 4 7-9, 12`), or the
answers of a scale, a yes/no list or an inventory in item order (`J K SR U L ...`). The result is
the same answer document that online filling produces, so `services.record_sheet` checks and
stores it the same way.

Why the rules are as they are:

- Separators are spaces, commas, semicolons and new lines, in any mix: people type what they see.
- A number typed twice, a number the instrument does not have, a heavy item that was not ticked,
  or one answer too few or too many is an error, never silently fixed: each is the sign of a
  slip (14 typed for 41, a skipped item) that would shift every later answer.
- Codes are case-insensitive, and a yes/no may be written `y`/`t`, `ya`/`tidak` or `1`/`0`.
- Messages (translated; Indonesian by default) name the item, the position or the count, so the counselor finds the
  slip on the paper without counting again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import kinds
from .definition import NO, YES, Definition, Item, OpenQuestion
from .text import gettext as _
from .text import ngettext

#: The part name of a field that holds the answers of the whole sheet (rather than of one area).
WHOLE_SHEET = "all"

_SEPARATORS = re.compile(r"[\s,;]+")
_RANGE = re.compile(r"^(\d+)\s*(?:-|–|—|\.\.)\s*(\d+)$")
_RANGE_SPACES = re.compile(r"(\d)\s*(-|–|—|\.\.)\s*(\d)")

YES_WORDS = frozenset({"y", "ya", "1", "yes", "benar", "true", "v", "x", "✓"})
NO_WORDS = frozenset({"t", "tidak", "0", "n", "no", "tdk", "salah", "false", "-"})


@dataclass(frozen=True)
class EntryError:
    field: str  # the form field (a part name, "heavy", or "open.<code>")
    message: str

    def __str__(self) -> str:
        return self.message


class EntryInvalid(ValueError):
    """Typed answers that cannot be read; carries every slip, by field."""

    code = "instruments.entry_invalid"  # the domain's error code (core/errors.py)

    def __init__(self, errors: list[EntryError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for error in self.errors:
            out.setdefault(error.field, []).append(error.message)
        return out


def tokens(text: str) -> list[str]:
    """The words of a typed text; `7 - 9` is kept together as the range `7-9`."""
    text = _RANGE_SPACES.sub(r"\1\2\3", (text or "").strip())
    return [token for token in _SEPARATORS.split(text) if token]


def number_range(definition: Definition) -> str:
    numbers = [item.number for item in definition.items]
    return f"{min(numbers)}–{max(numbers)}"


def parse_numbers(definition: Definition, text: str) -> tuple[list[int], list[str]]:
    """Item numbers from `1 4 7-9, 12`: (numbers in the order typed, errors)."""
    known = definition.items_by_number
    numbers: list[int] = []
    errors: list[str] = []
    seen: set[int] = set()
    twice: list[int] = []
    unknown: list[int] = []
    for token in tokens(text):
        match = _RANGE.match(token)
        if match:
            low, high = int(match.group(1)), int(match.group(2))
            if low > high:
                errors.append(
                    _("range '%(range)s' is reversed; write %(high)d-%(low)d.")
                    % {"range": token, "high": high, "low": low}
                )
                continue
            if high - low > len(known) + 1000:
                errors.append(_("range '%(range)s' is too long.") % {"range": token})
                continue
            batch = list(range(low, high + 1))
        elif token.isdigit():
            batch = [int(token)]
        else:
            errors.append(
                _("'%(token)s' is not an item number; write numbers, for example 1 4 7-9, 12.") % {"token": token}
            )
            continue
        for number in batch:
            if number not in known:
                if number not in unknown:
                    unknown.append(number)
            elif number in seen:
                if number not in twice:
                    twice.append(number)
            else:
                seen.add(number)
                numbers.append(number)
    if unknown:
        listed = number_list(unknown)
        errors.append(
            _("item %(items)s does not exist (this instrument has %(range)s).")
            % {"items": listed, "range": number_range(definition)}
        )
    if twice:
        errors.append(_("item %(items)s is written more than once.") % {"items": number_list(twice)})
    return numbers, errors


def number_list(numbers: Sequence[int], limit: int = 12) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    more = len(numbers) - limit
    return shown + (_(" and %(count)d more") % {"count": more} if more > 0 else "")


def yes_no(token: str) -> str | None:
    word = token.strip().casefold()
    if word in YES_WORDS:
        return YES
    if word in NO_WORDS:
        return NO
    return None


# --- the parts of a sheet -----------------------------------------------------------------------------------


def is_ordered(definition: Definition) -> bool:
    """Scales, yes/no lists and inventories are typed answer by answer, in item order."""
    return kinds.of(definition).ordered


def parts(definition: Definition, layout: str = "area") -> list[dict]:
    """The answer fields a form shows: name, label, the items they cover, and the count expected.

    The kind decides: a checklist has one field of ticked numbers (plus one of heavy numbers for
    AUM Umum); an ordered kind has one field per area (`layout="area"`) or one for the whole sheet.
    """
    return kinds.of(definition).entry_parts(definition, layout)


def choices_hint(definition: Definition) -> str:
    """The codes a typist may use, for the form's help text."""
    return kinds.of(definition).choices_hint(definition)


def parse_sheet(definition: Definition, fields: Mapping[str, str], layout: str = "area") -> dict:
    """The typed fields as an answer document; raises EntryInvalid with every error at once.

    ``fields`` maps the names of :func:`parts` (and ``open.<code>``) to the typed text.
    """
    errors: list[EntryError] = []
    doc: dict = {"items": {}}
    kinds.of(definition).parse_entry(definition, fields, layout, doc, errors)
    open_answers = parse_open(definition, fields, errors)
    if open_answers:
        doc["open"] = open_answers
    if errors:
        raise EntryInvalid(errors)
    return doc


def parse_ordered(definition: Definition, part: dict, text: str, items: dict, errors: list[EntryError]) -> None:
    """One field of an ordered kind: its answers in item order, into ``items``; slips into ``errors``."""
    words = tokens(text)
    expected = part["items"]
    where = f"{part['label']}: " if part["label"] else ""
    if not words:
        message = ngettext(
            "not filled in; %(expected)d answer is expected.",
            "not filled in; %(expected)d answers are expected.",
            len(expected),
        ) % {"expected": len(expected)}
        errors.append(EntryError(part["name"], where + message))
        return
    if len(words) != len(expected):
        first, last = expected[0].number, expected[-1].number
        errors.append(
            EntryError(
                part["name"],
                where
                + ngettext(
                    "%(count)d answers, %(expected)d expected (item %(first)d–%(last)d).",
                    "%(count)d answers, %(expected)d expected (items %(first)d–%(last)d).",
                    len(expected),
                )
                % {"count": len(words), "expected": len(expected), "first": first, "last": last},
            )
        )
    for position, (item, word) in enumerate(zip(expected, words, strict=False), start=1):
        value, message = read_code(definition, item, word)
        if message:
            detail = _("answer %(position)d (item %(number)d): %(message)s") % {
                "position": position,
                "number": item.number,
                "message": message,
            }
            errors.append(EntryError(part["name"], where + detail))
        else:
            items[str(item.number)] = value


def read_code(definition: Definition, item: Item, word: str) -> tuple[str | None, str | None]:
    """One typed (or spreadsheet) answer of an ordered kind: (value, None) or (None, message)."""
    return kinds.of(definition).read_code(definition, item, word)


def parse_open(definition: Definition, fields: Mapping[str, str], errors: list[EntryError]) -> dict:
    """Open questions: optional on paper (a student may leave them blank)."""
    out: dict = {}
    for question in definition.open_questions:
        name = f"open.{question.code}"
        text = (fields.get(name) or "").strip()
        if not text:
            continue
        if question.type == "text":
            out[question.code] = text
        elif question.type == "yes_no":
            value = yes_no(text)
            if value is None:
                errors.append(EntryError(name, _("'%(value)s' is not ya/tidak; write y or t.") % {"value": text}))
            else:
                out[question.code] = value
        else:
            value, message = read_choice(question, text)
            if message:
                errors.append(EntryError(name, message))
            else:
                out[question.code] = value
    return out


def read_choice(question: OpenQuestion, text: str) -> tuple[list[str] | None, str | None]:
    """Choice codes of an open question (`guru_bk, teman`), matched on the code or the label."""
    by_key = {}
    for choice in question.choices:
        by_key[choice.code.casefold()] = choice.code
        by_key[" ".join(choice.label.split()).casefold()] = choice.code
    whole = by_key.get(" ".join(text.split()).casefold())
    words = [whole] if whole else None
    if words is None:
        words = []
        for raw in re.split(r"[,;\n]+", text):
            raw = " ".join(raw.split())
            if not raw:
                continue
            code = by_key.get(raw.casefold())
            if code is None:
                codes = ", ".join(question.choice_codes)
                return None, _("choice '%(value)s' does not exist; choose from %(codes)s.") % {
                    "value": raw,
                    "codes": codes,
                }
            words.append(code)
    if len(set(words)) != len(words):
        return None, _("a choice is written more than once.")
    if not question.multiple and len(words) > 1:
        return None, _("only one choice is allowed.")
    return words, None


# --- what will be stored --------------------------------------------------------------------------------------


def summarize(definition: Definition, doc: Mapping) -> list[dict]:
    """Per area: the items, and what the sheet says about them, for the preview before saving."""
    items = doc.get("items") or {}
    heavy = {int(n) for n in doc.get("heavy") or []}
    kind = kinds.of(definition)
    rows = []
    for area in definition.areas:
        numbers = [item.number for item in definition.items_by_area.get(area.code, ())]
        values = [items.get(str(n)) for n in numbers]
        row = {"code": area.code, "name": area.name, "items": len(numbers)}
        if kind.ordered:
            row["answered"] = sum(1 for v in values if v is not None)
            counts: dict[str, int] = {}
            for value in values:
                if value is not None:
                    counts[value] = counts.get(value, 0) + 1
            keys = kind.summary_order(definition) or sorted(counts)
            row["counts"] = [(key, counts.get(key, 0)) for key in keys]
        else:
            ticked = [n for n, v in zip(numbers, values, strict=True) if v is True]
            row["ticked"] = ticked
            row["answered"] = len(ticked)
            row["heavy"] = [n for n in ticked if n in heavy]
        rows.append(row)
    return rows
