"""What every scoring kind shares: answer checking and exact percentages.

Each kind's figures live in its own pure module, ``kinds/<kind>/scoring.py``, exposing
``score_individual(definition, answers)`` and ``score_group(definition, results_or_answers)``;
:func:`score_individual` and :func:`score_group` here find it through the kind registry
(``ekonseling.instruments.kinds``) by the definition's ``scoring`` name.

Answers are plain data, the same shape for every kind::

    {
        "respondent": "S-017",            # optional: who answered (shown next to critical items)
        "items": {1: True, "7": True},    # item number (int or numeric string, as JSON gives it) → value
        "heavy": [7],                     # AUM Umum only: ticked items felt as very heavy
        "open": {"bicara": ["guru_bk"]},  # open questions by code
    }

Exactness: every percentage and mean is kept as a :class:`fractions.Fraction` together with the
counts it came from (:class:`Percent`), and is rounded only when shown (:func:`fmt`, half up).
Rounding earlier would make a class table disagree with the sum of its rows and make a band
boundary (exactly 20 %, 40 %, ...) depend on floating-point noise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import prod
from types import ModuleType
from typing import Any

from .. import kinds
from ..definition import NO, YES, Band, Definition, Item
from ..text import gettext as _


def get(kind: str) -> ModuleType:
    """The module that scores ``kind``; KeyError for a kind nobody implemented."""
    return kinds.get(kind).scoring


def score_individual(definition: Definition, answers: Mapping) -> Any:
    return kinds.of(definition).score_individual(definition, answers)


def score_group(definition: Definition, results_or_answers: Sequence) -> Any:
    return kinds.of(definition).score_group(definition, results_or_answers)


# --------------------------------------------------------------------------------------------------
# Exact figures
# --------------------------------------------------------------------------------------------------


def fmt(value: Fraction | int, places: int = 2) -> str:
    """Round for display only, half up (as Excel's ROUND and hand calculation do), decimal comma."""
    exact = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)
    return str(shown).replace(".", ",")


@dataclass(frozen=True)
class Percent:
    """``numerator / (product of denominator_terms) × 100``, kept exact with its inputs.

    ``denominator_terms`` keeps the factors apart (e.g. ``(2, 5)`` for 2 × items, or ``(5, 3)`` for
    items × N) so a report can print the formula as the manual writes it.
    """

    numerator: int
    denominator_terms: tuple[int, ...]

    @property
    def denominator(self) -> int:
        return prod(self.denominator_terms)

    @property
    def value(self) -> Fraction:
        return Fraction(self.numerator * 100, self.denominator)

    def display(self, places: int = 2) -> str:
        return fmt(self.value, places)

    @property
    def formula(self) -> str:
        terms = " × ".join(str(term) for term in self.denominator_terms)
        if len(self.denominator_terms) > 1:
            terms = f"({terms})"
        return f"{self.numerator} / {terms} × 100 = {self.display()} %"


def percent(numerator: int, *denominator_terms: int) -> Percent:
    return Percent(numerator, tuple(denominator_terms))


# --------------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class AnswersInvalid(ValueError):
    """Answers that do not fit the definition; carries every error found."""

    code = "instruments.answers_invalid"  # the domain's error code (core/errors.py)

    def __init__(self, errors: list[AnswerError]):
        self.errors = list(errors)
        super().__init__(_("Invalid answers:") + "\n" + "\n".join(f"- {error}" for error in self.errors))


@dataclass(frozen=True)
class Answers:
    """Checked answers: item values keyed by int, sorted; open answers normalised."""

    respondent: str | None
    items: dict[int, Any]
    heavy: tuple[int, ...]
    open: dict[str, Any]


_ANSWER_FIELDS = {"respondent", "items", "heavy", "open"}


def read_answers(
    definition: Definition,
    answers: Mapping,
    check_value: Callable[[Any, Any], str | None],
    *,
    complete: bool,
    heavy_allowed: bool = False,
) -> Answers:
    """Check raw answers against the definition and normalise them, or raise AnswersInvalid.

    ``check_value(item, value)`` returns a (translated) error message or None. ``complete`` demands
    an answer for every item: required for scales, yes/no and developmental items, where a missing
    answer is not the same as "no" and would silently change the denominators.
    """
    errors: list[AnswerError] = []
    if not isinstance(answers, Mapping):
        raise AnswersInvalid([AnswerError("jawaban", _("must be an object."))])
    for name in answers:
        if name not in _ANSWER_FIELDS or (name == "heavy" and not heavy_allowed):
            errors.append(AnswerError(str(name), _("this part of the answers is unknown for this instrument.")))

    respondent = answers.get("respondent")
    if respondent is not None and not isinstance(respondent, str):
        errors.append(AnswerError("respondent", _("must be text.")))

    raw_items = answers.get("items") or {}
    items: dict[int, Any] = {}
    if not isinstance(raw_items, Mapping):
        errors.append(AnswerError("items", _("must be an object of item number → answer.")))
        raw_items = {}
    for raw_number, value in raw_items.items():
        number = _item_number(raw_number)
        if number is None or number not in definition.items_by_number:
            errors.append(AnswerError(f"items[{raw_number}]", no_such_item(raw_number)))
            continue
        if number in items:
            errors.append(
                AnswerError(f"items[{raw_number}]", _("item number %(number)s is answered twice.") % {"number": number})
            )
            continue
        message = check_value(definition.items_by_number[number], value)
        if message:
            errors.append(AnswerError(f"items[{raw_number}]", message))
            continue
        items[number] = value
    if complete:
        given = _given_numbers(raw_items)  # an invalid value is reported above, not again as missing
        missing = [item.number for item in definition.items if item.number not in given]
        if missing:
            errors.append(AnswerError("items", unanswered(missing)))

    heavy: list[int] = []
    raw_heavy = answers.get("heavy") or []
    if heavy_allowed:
        if not isinstance(raw_heavy, list):
            errors.append(AnswerError("heavy", _("must be a list of item numbers.")))
            raw_heavy = []
        for index, raw_number in enumerate(raw_heavy):
            number = _item_number(raw_number)
            if number is None or number not in definition.items_by_number:
                errors.append(AnswerError(f"heavy[{index}]", no_such_item(raw_number)))
            elif items.get(number) is not True:
                errors.append(
                    AnswerError(
                        f"heavy[{index}]",
                        _(
                            "item number %(number)s is marked heavy but not ticked as a problem; heavy items must "
                            "be chosen among the ticked items."
                        )
                        % {"number": number},
                    )
                )
            elif number in heavy:
                errors.append(
                    AnswerError(
                        f"heavy[{index}]", _("item number %(number)s is marked heavy twice.") % {"number": number}
                    )
                )
            else:
                heavy.append(number)

    open_answers = _read_open(definition, answers.get("open") or {}, errors)
    if errors:
        raise AnswersInvalid(errors)
    return Answers(respondent, dict(sorted(items.items())), tuple(sorted(heavy)), open_answers)


def _given_numbers(raw_items: Mapping) -> set[int]:
    return {n for n in (_item_number(k) for k in raw_items) if n is not None}


def _item_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return None


def _read_open(definition: Definition, raw: Any, errors: list[AnswerError]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors.append(AnswerError("open", _("must be an object of question code → answer.")))
        return {}
    result: dict[str, Any] = {}
    for code, value in raw.items():
        path = f"open.{code}"
        question = definition.open_questions_by_code.get(code)
        if question is None:
            errors.append(AnswerError(path, _("question %(code)s is not in the instrument.") % {"code": repr(code)}))
        elif question.type == "yes_no":
            if value not in (YES, NO):
                errors.append(
                    AnswerError(path, _("the answer must be '%(yes)s' or '%(no)s'.") % {"yes": YES, "no": NO})
                )
            else:
                result[code] = value
        elif question.type == "text":
            if not isinstance(value, str):
                errors.append(AnswerError(path, _("the answer must be text.")))
            else:
                result[code] = value
        else:
            chosen = value if isinstance(value, list) else [value]
            if not question.multiple and len(chosen) > 1:
                errors.append(AnswerError(path, _("only one choice is allowed.")))
            elif any(choice not in question.choice_codes for choice in chosen) or len(set(chosen)) != len(chosen):
                errors.append(
                    AnswerError(
                        path,
                        _("choices must be from: %(codes)s (no duplicates).")
                        % {"codes": ", ".join(question.choice_codes)},
                    )
                )
            else:
                result[code] = tuple(chosen)
    return result


def check_tick(item: Item, value: Any) -> str | None:
    """Checklist items: ``True`` ticked, ``False`` (or absent) not ticked."""
    if not isinstance(value, bool):
        return _("item number %(number)s: the answer must be true (ticked) or false.") % {"number": item.number}
    return None


# Messages the kinds' value checks share (each kind checks its own values, with these words).


def no_such_item(number: Any) -> str:
    return _("item number %(number)s is not in the instrument.") % {"number": number}


def unanswered(numbers: Iterable[int]) -> str:
    return _("these items are not answered yet: %(items)s.") % {"items": ", ".join(str(n) for n in numbers)}


def unknown_code(item: Item, value: Any, codes: Iterable[str]) -> str:
    """A scale answer that is not one of the scale's codes."""
    return _("item number %(number)s: answer %(value)s is not known; choose from %(codes)s.") % {
        "number": item.number,
        "value": repr(value),
        "codes": ", ".join(codes),
    }


def unknown_option(item: Item, value: Any) -> str:
    """A statement code the item does not offer."""
    return _("item number %(number)s: choice %(value)s does not exist; choose from %(codes)s.") % {
        "number": item.number,
        "value": repr(value),
        "codes": ", ".join(item.options_by_code),
    }


def not_yes_no(item: Item, value: Any) -> str:
    return _("item number %(number)s: the answer must be '%(yes)s' or '%(no)s', not %(value)s.") % {
        "number": item.number,
        "yes": YES,
        "no": NO,
        "value": repr(value),
    }


def results_or_score(
    definition: Definition, results_or_answers: Sequence, score_individual: Callable, result_type: type
) -> tuple:
    """Accept individual results, raw answers, or a mix; refuse results of another definition.

    Comparing fingerprints matters once definitions are versioned: mixing results scored under a
    changed definition would mix two different instruments in one class table.
    """
    if not results_or_answers:
        raise ValueError(_("Empty group: there are no student answers to process (N = 0)."))
    results = []
    for index, entry in enumerate(results_or_answers):
        if isinstance(entry, result_type):
            if entry.fingerprint != definition.fingerprint:
                raise ValueError(
                    _(
                        "Result %(position)d was scored with another instrument definition (%(code)s version "
                        "%(version)s); score its answers again."
                    )
                    % {"position": index + 1, "code": entry.code, "version": entry.version}
                )
            results.append(entry)
        elif isinstance(entry, Mapping):
            results.append(score_individual(definition, entry))
        else:
            raise TypeError(f"Entry {index + 1}: must be an individual result or answers, not {type(entry).__name__}.")
    return tuple(results)


# --------------------------------------------------------------------------------------------------
# Group helpers shared by the kinds
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedItem:
    """An item with how many students marked it: ``f`` and ``f / N × 100``."""

    number: int
    area: str
    text: str
    frequency: int
    percent: Percent


def rank_items(definition: Definition, counts: Mapping[int, int], n: int) -> tuple[RankedItem, ...]:
    """Items marked by at least one student, most frequent first, ties in item order."""
    ranked = [
        RankedItem(item.number, item.area, item.text, counts[item.number], percent(counts[item.number], n))
        for item in definition.items
        if counts.get(item.number, 0) > 0
    ]
    ranked.sort(key=lambda row: (-row.frequency, row.number))
    return tuple(ranked)


@dataclass(frozen=True)
class ChoiceTally:
    """How a group answered one yes/no or choice open question (e.g. "whom to talk to")."""

    question: str
    counts: tuple[tuple[str, int], ...]  # (choice code, students choosing it), in the definition's order
    answered: int  # students who answered the question at all


def tally_open(definition: Definition, open_answers: Iterable[Mapping[str, Any]]) -> tuple[ChoiceTally, ...]:
    open_answers = list(open_answers)
    tallies = []
    for question in definition.open_questions:
        if question.type == "text":
            continue
        codes = question.choice_codes if question.type == "choice" else (YES, NO)
        counts = dict.fromkeys(codes, 0)
        answered = 0
        for answers in open_answers:
            if question.code not in answers:
                continue
            answered += 1
            value = answers[question.code]
            for code in value if isinstance(value, tuple) else (value,):
                counts[code] += 1
        tallies.append(ChoiceTally(question.code, tuple(counts.items()), answered))
    return tuple(tallies)


def band_of(definition: Definition, figure: Percent) -> Band | None:
    return definition.band_for(figure.value)
