"""A student filling an instrument: the sheet split into pages, what each page shows, and the
student's own released profile.

Pure (no Django), like `answers` and the scoring kinds: the views hand in the definition, the
decrypted answer document and the posted fields, and render what comes back. One area per page
keeps a 200-item AUM usable on a cheap phone; the open questions get a page of their own, and the
last page reviews what is still missing before the student submits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import kinds
from .answers import answered_count, missing_items
from .definition import NO, YES, Area, Definition, Item, OpenQuestion
from .text import gettext as _

#: The longest answer to an open text question, in characters (a phone keyboard, not an essay).
OPEN_TEXT_MAX = 1000

AREA, OPEN, REVIEW = "area", "open", "review"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as the student reads it ("halaman 3 dari 11")
    kind: str  # AREA, OPEN or REVIEW
    area: Area | None = None
    items: tuple[Item, ...] = ()
    questions: tuple[OpenQuestion, ...] = ()


def split_pages(definition: Definition) -> tuple[Page, ...]:
    """One page per area (its items in definition order), the open questions, then the review."""
    pages = []
    for area in definition.areas:
        items = definition.items_by_area[area.code]
        if items:
            pages.append(Page(len(pages) + 1, AREA, area=area, items=items))
    if definition.open_questions:
        pages.append(Page(len(pages) + 1, OPEN, questions=definition.open_questions))
    pages.append(Page(len(pages) + 1, REVIEW))
    return tuple(pages)


def page_of_items(pages: Sequence[Page]) -> dict[int, int]:
    """Item number → the page it is on, to link a missing item to its page."""
    return {item.number: page.number for page in pages for item in page.items}


def clamp_page(pages: Sequence[Page], raw: Any) -> Page:
    """The page a ``?page=`` asks for; anything odd falls back to the first or the last page."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 1
    return pages[min(max(number, 1), len(pages)) - 1]


# --- what a page shows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class ItemRow:
    number: int
    text: str
    field: str  # the form field name: item-<number>
    ticked: bool  # checklists
    heavy: bool  # kinds with heavy items (AUM Umum): ticked and felt as very heavy
    choices: tuple[Choice, ...]  # radios (scale points, statements, ya/tidak)
    missing: bool  # must be answered and is not (shown after a refused submit)


@dataclass(frozen=True)
class QuestionRow:
    code: str
    text: str
    type: str
    field: str  # open-<code>
    value: str  # a text answer
    multiple: bool
    choices: tuple[Choice, ...]
    max_length: int = OPEN_TEXT_MAX


def item_input(definition: Definition) -> str:
    """How an item is answered on the page: "checkbox" (checklists) or "radio"."""
    return "checkbox" if kinds.of(definition).blank_is_no else "radio"


def item_rows(
    definition: Definition, page: Page, doc: Mapping, yes_no_labels: Mapping[str, str], *, flag_missing=False
) -> list[ItemRow]:
    items = _items_of(doc)
    heavy = {int(n) for n in doc.get("heavy") or [] if str(n).isdigit()}
    missing = set(missing_items(definition, doc)) if flag_missing else set()
    kind = kinds.of(definition)
    rows = []
    for item in page.items:
        value = items.get(item.number)
        rows.append(
            ItemRow(
                number=item.number,
                text=item.text,
                field=f"item-{item.number}",
                ticked=value is True,
                heavy=value is True and item.number in heavy,
                choices=tuple(
                    Choice(code, label, value == code)
                    for code, label in kind.item_choices(definition, item, yes_no_labels)
                ),
                missing=item.number in missing,
            )
        )
    return rows


def question_rows(page: Page, doc: Mapping, yes_no_labels: Mapping[str, str]) -> list[QuestionRow]:
    answers = doc.get("open") or {}
    rows = []
    for question in page.questions:
        value = answers.get(question.code)
        chosen = set(value) if isinstance(value, list | tuple) else {value}
        if question.type == "yes_no":
            options = [(YES, yes_no_labels[YES]), (NO, yes_no_labels[NO])]
        else:
            options = [(choice.code, choice.label) for choice in question.choices]
        rows.append(
            QuestionRow(
                code=question.code,
                text=question.text,
                type=question.type,
                field=f"open-{question.code}",
                value=value if question.type == "text" and isinstance(value, str) else "",
                multiple=question.multiple,
                choices=tuple(Choice(code, label, code in chosen) for code, label in options),
            )
        )
    return rows


def _items_of(doc: Mapping) -> dict[int, Any]:
    return {int(k): v for k, v in (doc.get("items") or {}).items() if str(k).isdigit()}


# --- the no-JS path: a posted page becomes an autosave ----------------------------------------------------


def changes_from_form(definition: Definition, page: Page, data: Mapping[str, Sequence[str]]) -> dict:
    """The ``changes`` (as `answers.merge` takes them) that a posted page form means.

    ``data`` maps a field name to its posted values (a QueryDict's lists). A checkbox that is not
    posted is unticked, because the form showed every item of the page; a radio that is not posted
    leaves the answer as it was (the student has not answered it yet).
    """

    def last(name):
        values = data.get(name) or []
        return values[-1] if values else None

    kind = kinds.of(definition)
    changes: dict[str, dict] = {}
    if page.kind == AREA:
        items: dict[str, Any] = {}
        heavy: dict[str, bool] = {}
        for item in page.items:
            key = str(item.number)
            if kind.blank_is_no:
                items[key] = bool(last(f"item-{key}"))
                if kind.heavy_items:
                    heavy[key] = items[key] and bool(last(f"heavy-{key}"))
            else:
                value = last(f"item-{key}")
                if value:
                    items[key] = value
        changes["items"] = items
        if heavy:
            changes["heavy"] = heavy
    elif page.kind == OPEN:
        answers: dict[str, Any] = {}
        for question in page.questions:
            name = f"open-{question.code}"
            if question.type == "choice" and question.multiple:
                answers[question.code] = [v for v in data.get(name) or [] if v] or None
            elif question.type == "text":
                if name in data:
                    answers[question.code] = last(name) or None
            else:
                value = last(name)
                if value:
                    answers[question.code] = value
        changes["open"] = answers
    return changes


def check_changes(definition: Definition, changes: Any) -> str | None:
    """A refusal for an autosave body that is not shaped like `answers.merge` changes.

    The merge checks values against the definition; this only keeps shapes it cannot compare (an
    object where a code belongs, an over-long text) from reaching it.
    """
    if not isinstance(changes, Mapping) or not all(isinstance(part, Mapping) for part in changes.values()):
        return _("The answer data must be an object of items/heavy/open.")
    for number, value in (changes.get("items") or {}).items():
        if not isinstance(value, str | bool | type(None)):
            return f"items[{number}]: " + _("the answer must be text, true/false or null.")
    for number, value in (changes.get("heavy") or {}).items():
        if not isinstance(value, bool):
            return f"heavy[{number}]: " + _("must be true or false.")
    for code, value in (changes.get("open") or {}).items():
        if isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                return f"open.{code}: " + _("choices must be text.")
        elif not isinstance(value, str | type(None)):
            return f"open.{code}: " + _("the answer must be text, a list of choices or null.")
    return too_long(definition, changes)


def too_long(definition: Definition, changes: Mapping) -> str | None:
    """A refusal for an open text answer over the limit (the merge does not cap text)."""
    for code, value in (changes.get("open") or {}).items() if isinstance(changes, Mapping) else ():
        question = definition.open_questions_by_code.get(code)
        if question is not None and question.type == "text" and isinstance(value, str) and len(value) > OPEN_TEXT_MAX:
            return f"open.{code}: " + _("the answer is too long (%(length)d characters); at most %(limit)d.") % {
                "length": len(value),
                "limit": OPEN_TEXT_MAX,
            }
    return None


# --- progress and review ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    counts_ticks: bool  # a checklist: `answered` is the number of ticks, not of items seen

    @property
    def percent(self) -> int:
        return round(self.answered * 100 / self.total) if self.total else 0


def progress(definition: Definition, doc: Mapping) -> Progress:
    answered, total = answered_count(definition, doc)
    return Progress(answered, total, kinds.of(definition).blank_is_no)


@dataclass(frozen=True)
class MissingItem:
    number: int
    text: str
    page: int


def missing(definition: Definition, doc: Mapping, pages: Sequence[Page]) -> list[MissingItem]:
    """Items the kind demands and the sheet lacks, each with the page to go back to."""
    where = page_of_items(pages)
    return [
        MissingItem(number, definition.items_by_number[number].text, where.get(number, 1))
        for number in missing_items(definition, doc)
    ]


@dataclass(frozen=True)
class MissingPage:
    page: Page
    numbers: tuple[int, ...]


def missing_by_page(definition: Definition, doc: Mapping, pages: Sequence[Page]) -> list[MissingPage]:
    """The missing items grouped by page: 165 unanswered PTSDL items fit on a phone as a few lines."""
    numbers = set(missing_items(definition, doc))
    groups = []
    for page in pages:
        on_page = tuple(item.number for item in page.items if item.number in numbers)
        if on_page:
            groups.append(MissingPage(page, on_page))
    return groups


# --- the student's own released profile -------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One area of a student's profile, in words for a student (no formulas, no critical flags)."""

    name: str
    width: float  # 0–100: the bar's length
    display: str  # "40,00 %" or a level name
    band: str  # the band's description or label, "" when the definition has none
    items: tuple[str, ...]  # the item texts the student marked (ticked, a problem, answered "ya")
    heavy: tuple[str, ...] = ()
    below_target: bool = False


def result_rows(definition: Definition, result: Any) -> tuple[str, list[ResultRow]]:
    """(measure, rows) for a scored individual result; measure says what the bars mean."""
    kind = kinds.of(definition)
    return kind.result_measure, kind.result_rows(definition, result)


def result_texts(definition: Definition) -> tuple[str, str]:
    """(what the bars mean, the title of the marked statements) for the student's profile page."""
    return kinds.of(definition).result_texts()
