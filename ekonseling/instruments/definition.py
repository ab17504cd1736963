"""Instrument definitions: the schema, its validation, import and export.

An instrument (AUM Umum, AUM PTSDL, DCM, ITP, AKPD/IKMS, ...) is *data*, not code: its areas,
items, answer keys, interpretation bands and targets come from a definition file that a school
imports (typically typed from the licensed manual it bought). Nothing in the scoring modules may
assume an item count, a range or a key; everything they need is carried by :class:`Definition`.

The file format is JSON. YAML is accepted as well, but only when PyYAML happens to be installed:
the project does not depend on it, and the sample definitions we ship are JSON.

This module is pure Python on purpose: it must import without Django configured, so it can be
used by management commands, tests and (later) the models alike.

Validation collects *all* problems at once instead of stopping at the first, because a guru BK who
typed two hundred items wants one list of everything to fix, each error naming its place in the
file (``items[12].area``) and explained in the user's language (Indonesian by default).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import kinds
from .text import gettext as _

if TYPE_CHECKING:
    from fractions import Fraction

    from .kinds.base import Kind

from ekonseling.core import jsonsafe

SCHEMA_VERSION = 1

#: School levels a definition may be meant for.
SCHOOL_LEVELS = ("SD", "SMP", "SMA", "SMK", "PT")

#: The four fields (bidang) of BK, in the order reports show them.
BIDANG = ("pribadi", "sosial", "belajar", "karier")

#: The scoring kinds, as the kind registry (``kinds/``) lists them. Each kind names the only answer
#: format that makes sense for it (``Kind.answer_format``). Keeping the answer format in the file
#: (instead of deriving it) lets validation catch a definition whose author misunderstood the
#: instrument, e.g. a frequency scale declared as a plain checklist.
SCORING_KINDS = kinds.NAMES

#: Keys of a keyed frequency item: the item is worded positively or negatively.
ITEM_KEYS = ("+", "-")

OPEN_QUESTION_TYPES = ("yes_no", "text", "choice")

#: Answers to yes/no questions and needs items.
YES, NO = "ya", "tidak"


# --------------------------------------------------------------------------------------------------
# The schema as frozen dataclasses
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """An area (AUM), component (PTSDL), topic (DCM) or aspect (ITP)."""

    code: str
    name: str
    bidang: str | None = None


@dataclass(frozen=True)
class Option:
    """One statement of a developmental (ITP) item, keyed to a level."""

    code: str
    text: str
    level: int


@dataclass(frozen=True)
class Item:
    number: int
    area: str
    text: str
    key: str | None = None
    options: tuple[Option, ...] = ()

    @cached_property
    def options_by_code(self) -> dict[str, Option]:
        return {option.code: option for option in self.options}


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class OpenQuestion:
    code: str
    text: str
    type: str
    choices: tuple[Choice, ...] = ()
    multiple: bool = False

    @cached_property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)


@dataclass(frozen=True)
class ScaleOption:
    """One point of a keyed frequency scale and what it is worth for a positive/negative item.

    The published PTSDL method (positive: L→2, U→1, SR neutral, J/K a problem; negative mirrored)
    is written in the definition rather than in code, so a school whose manual differs can say so.
    """

    code: str
    label: str
    score_positive: int
    score_negative: int
    problem_positive: bool
    problem_negative: bool

    def score(self, key: str) -> int:
        return self.score_positive if key == "+" else self.score_negative

    def is_problem(self, key: str) -> bool:
        return self.problem_positive if key == "+" else self.problem_negative


@dataclass(frozen=True)
class Level:
    value: int
    name: str


@dataclass(frozen=True)
class Target:
    area: str
    level: int


@dataclass(frozen=True)
class Band:
    """An interpretation band. ``lower``/``upper`` are percentages as the manual prints them.

    A value belongs to the first band whose ``upper`` it does not exceed, so bands printed in the
    manuals' integer notation (0–20, 21–40, ...) leave no hole for 20.5 %: it is above 20, hence in
    21–40. See :func:`Definition.band_for`.
    """

    lower: int
    upper: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    title: str
    school_levels: tuple[str, ...]
    scoring: str
    answer_format: str
    areas: tuple[Area, ...]
    items: tuple[Item, ...]
    notes: str = ""
    open_questions: tuple[OpenQuestion, ...] = ()
    scale: tuple[ScaleOption, ...] = ()
    levels: tuple[Level, ...] = ()
    target_level: int | None = None
    targets: tuple[Target, ...] = ()
    bands: tuple[Band, ...] = ()
    critical_items: tuple[int, ...] = ()
    schema: int = SCHEMA_VERSION

    # Lookups. cached_property writes straight into __dict__, which a frozen dataclass allows.

    @cached_property
    def areas_by_code(self) -> dict[str, Area]:
        return {area.code: area for area in self.areas}

    @cached_property
    def items_by_number(self) -> dict[int, Item]:
        return {item.number: item for item in self.items}

    @cached_property
    def items_by_area(self) -> dict[str, tuple[Item, ...]]:
        return {area.code: tuple(item for item in self.items if item.area == area.code) for area in self.areas}

    @cached_property
    def scale_by_code(self) -> dict[str, ScaleOption]:
        return {option.code: option for option in self.scale}

    @cached_property
    def open_questions_by_code(self) -> dict[str, OpenQuestion]:
        return {question.code: question for question in self.open_questions}

    @cached_property
    def level_names(self) -> dict[int, str]:
        return {level.value: level.name for level in self.levels}

    @cached_property
    def max_item_score(self) -> int:
        """The most an item can score on the frequency scale (2 in the published PTSDL method)."""
        return max((option.score_positive for option in self.scale), default=0)

    def target_for(self, area_code: str) -> int | None:
        for target in self.targets:
            if target.area == area_code:
                return target.level
        return self.target_level

    def bidang_codes(self) -> tuple[str, ...]:
        """The bidang used by this definition's areas, in the canonical BK order."""
        used = {area.bidang for area in self.areas if area.bidang}
        return tuple(bidang for bidang in BIDANG if bidang in used)

    def band_for(self, percent: Fraction | int) -> Band | None:
        """The band of an exact percentage (Fraction/int); None when the definition has no bands."""
        for band in self.bands:
            if percent <= band.upper:
                return band
        return None

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the canonical JSON: changes whenever anything that affects scoring changes."""
        return hashlib.sha256(canonical_json(self).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DefinitionError:
    """One problem in a definition file: where (``items[12].area``) and what (translated)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionInvalid(ValueError):
    """Raised by :func:`load_definition`; carries every error found, not just the first."""

    code = "instruments.definition_invalid"  # the domain's error code (core/errors.py)

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        super().__init__(_("Invalid instrument definition:") + "\n" + "\n".join(f"- {error}" for error in self.errors))


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------

_TOP_FIELDS = {
    "schema",
    "code",
    "version",
    "title",
    "notes",
    "school_levels",
    "scoring",
    "answer_format",
    "areas",
    "items",
    "open_questions",
    "scale",
    "levels",
    "target_level",
    "targets",
    "bands",
    "critical_items",
}
CODE_MAX, VERSION_MAX, TITLE_MAX = 60, 30, 300  # the lengths of models.Instrument's columns
_REQUIRED_TOP = ("code", "version", "title", "school_levels", "scoring", "answer_format", "areas", "items")
_AREA_FIELDS = {"code", "name", "bidang"}
_ITEM_FIELDS = {"number", "area", "text", "key", "options"}
_OPTION_FIELDS = {"code", "text", "level"}
_QUESTION_FIELDS = {"code", "text", "type", "choices", "multiple"}
_CHOICE_FIELDS = {"code", "label"}
_SCALE_FIELDS = {"code", "label", "score_positive", "score_negative", "problem_positive", "problem_negative"}
_LEVEL_FIELDS = {"value", "name"}
_TARGET_FIELDS = {"area", "level"}
_BAND_FIELDS = {"lower", "upper", "label", "description"}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


class _Checker:
    """Collects errors while walking the raw data; small helpers keep the rules readable."""

    def __init__(self) -> None:
        self.errors: list[DefinitionError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(DefinitionError(path, message))

    def obj(self, value: Any, path: str, allowed: set[str], required: tuple[str, ...]) -> bool:
        if not isinstance(value, Mapping):
            self.error(path, _("must be an object ({ ... })."))
            return False
        for name in value:
            if name not in allowed:
                self.error(_join(path, name), _("field '%(name)s' is unknown (check its spelling).") % {"name": name})
        for name in required:
            if name not in value or value[name] is None:
                self.error(_join(path, name), _("is required."))
        return True

    def text(
        self, data: Mapping, name: str, path: str, *, required: bool = True, max_length: int | None = None
    ) -> str | None:
        if name not in data or data[name] is None:
            return None  # "wajib diisi" is reported by obj()
        value = data[name]
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(_join(path, name), _("must be text that is not empty."))
            return None
        if max_length is not None and len(value) > max_length:
            self.error(_join(path, name), _("must be at most %(limit)d characters long.") % {"limit": max_length})
            return None
        return value

    def integer(self, data: Mapping, name: str, path: str, *, minimum: int | None = None) -> int | None:
        if name not in data or data[name] is None:
            return None
        value = data[name]
        if not _is_int(value):
            self.error(_join(path, name), _("must be a whole number."))
            return None
        if minimum is not None and value < minimum:
            self.error(_join(path, name), _("must be at least %(minimum)d.") % {"minimum": minimum})
            return None
        return value

    def array(self, data: Mapping, name: str, path: str, *, required: bool = False) -> list:
        if name not in data or data[name] is None:
            return []
        value = data[name]
        if not isinstance(value, list):
            self.error(_join(path, name), _("must be a list ([ ... ])."))
            return []
        if required and not value:
            self.error(_join(path, name), _("must not be empty."))
        return value


def _listed(data: Mapping, name: str) -> list:
    """The list under `name`, or [] when it is missing or not a list (already reported)."""
    value = data.get(name)
    return value if isinstance(value, list) else []


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate(data: Any) -> list[DefinitionError]:
    """Every problem in a parsed definition, as ``DefinitionError(path, message)``; [] if valid."""
    check = _Checker()
    if not check.obj(data, "", _TOP_FIELDS, _REQUIRED_TOP):
        return check.errors

    schema = data.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        check.error(
            "schema",
            _("schema version %(schema)s is not supported (supported: %(supported)s).")
            % {"schema": repr(schema), "supported": SCHEMA_VERSION},
        )
    # The instrument's columns hold these (models.Instrument); PostgreSQL refuses a longer value.
    check.text(data, "code", "", max_length=CODE_MAX)
    check.text(data, "version", "", max_length=VERSION_MAX)
    check.text(data, "title", "", max_length=TITLE_MAX)
    if "notes" in data and not isinstance(data["notes"], str):
        check.error("notes", _("must be text."))

    for index, level in enumerate(check.array(data, "school_levels", "", required=True)):
        if level not in SCHOOL_LEVELS:
            check.error(
                f"school_levels[{index}]",
                _("school level %(level)s is unknown; choose from %(choices)s.")
                % {"level": repr(level), "choices": ", ".join(SCHOOL_LEVELS)},
            )

    name = data.get("scoring")
    kind = None
    if name is not None and name not in SCORING_KINDS:
        check.error(
            "scoring",
            _("scoring kind %(kind)s is unknown; choose from %(choices)s.")
            % {"kind": repr(name), "choices": ", ".join(SCORING_KINDS)},
        )
    elif name is not None:
        kind = kinds.get(name)
    answer_format = data.get("answer_format")
    if kind and answer_format is not None and answer_format != kind.answer_format:
        check.error(
            "answer_format",
            _("answer format %(format)s does not match scoring %(kind)s; the matching one is %(expected)s.")
            % {"format": repr(answer_format), "kind": repr(name), "expected": repr(kind.answer_format)},
        )

    area_codes = _validate_areas(check, data, kind)
    levels = _validate_levels(check, data, kind)
    _validate_scale(check, data, kind)
    item_numbers = _validate_items(check, data, kind, area_codes, levels)
    _validate_open_questions(check, data)
    _validate_targets(check, data, kind, area_codes, levels)
    _validate_bands(check, data)
    _validate_critical(check, data, item_numbers)
    return check.errors


def _validate_areas(check: _Checker, data: Mapping, kind: Kind | None) -> set[str]:
    codes: set[str] = set()
    needs_bidang = kind is not None and kind.requires_bidang
    for index, area in enumerate(check.array(data, "areas", "", required=True)):
        path = f"areas[{index}]"
        if not check.obj(area, path, _AREA_FIELDS, ("code", "name")):
            continue
        code = check.text(area, "code", path)
        check.text(area, "name", path)
        if code is not None:
            if code in codes:
                check.error(
                    f"{path}.code", _("area code %(code)s is already used by another area.") % {"code": repr(code)}
                )
            codes.add(code)
        bidang = area.get("bidang")
        if bidang is not None and bidang not in BIDANG:
            check.error(
                f"{path}.bidang",
                _("bidang %(bidang)s is unknown; choose from %(choices)s.")
                % {"bidang": repr(bidang), "choices": ", ".join(BIDANG)},
            )
        elif bidang is None and needs_bidang:
            check.error(f"{path}.bidang", _("is required for this scoring kind (results are summed up per bidang)."))
    return codes


def _validate_levels(check: _Checker, data: Mapping, kind: Kind | None) -> set[int]:
    uses_levels = kind is not None and kind.uses_levels
    raw = check.array(data, "levels", "", required=uses_levels)
    if uses_levels and "levels" not in data:
        check.error("levels", _("is required for developmental scoring (for example the 7 levels of the ITP)."))
    elif not uses_levels and raw:
        check.error("levels", _("is only used by developmental scoring (developmental)."))
    values: list[int] = []
    for index, level in enumerate(raw):
        path = f"levels[{index}]"
        if not check.obj(level, path, _LEVEL_FIELDS, ("value", "name")):
            continue
        check.text(level, "name", path)
        value = check.integer(level, "value", path, minimum=1)
        if value is not None:
            if value != index + 1:
                check.error(
                    f"{path}.value",
                    _("levels must be numbered in order from 1; %(expected)d is expected here.")
                    % {"expected": index + 1},
                )
            values.append(value)
    return set(values)


def _validate_scale(check: _Checker, data: Mapping, kind: Kind | None) -> None:
    uses_scale = kind is not None and kind.uses_scale
    raw = check.array(data, "scale", "", required=uses_scale)
    if uses_scale and "scale" not in data:
        check.error("scale", _("is required for a keyed frequency scale (for example J/K/SR/U/L)."))
        return
    if not uses_scale and raw:
        check.error("scale", _("is only used by keyed frequency scale scoring (keyed_frequency)."))
        return
    codes: set[str] = set()
    max_positive = max_negative = 0
    for index, option in enumerate(raw):
        path = f"scale[{index}]"
        if not check.obj(option, path, _SCALE_FIELDS, tuple(sorted(_SCALE_FIELDS))):
            continue
        code = check.text(option, "code", path)
        check.text(option, "label", path)
        if code is not None:
            if code in codes:
                check.error(f"{path}.code", _("scale code %(code)s is already used.") % {"code": repr(code)})
            codes.add(code)
        positive = check.integer(option, "score_positive", path, minimum=0)
        negative = check.integer(option, "score_negative", path, minimum=0)
        max_positive = max(max_positive, positive or 0)
        max_negative = max(max_negative, negative or 0)
        for name in ("problem_positive", "problem_negative"):
            if name in option and not isinstance(option[name], bool):
                check.error(f"{path}.{name}", _("must be true or false."))
    if raw and max_positive != max_negative:
        check.error(
            "scale", _("the highest score of positive and negative items must be the same (for example 2 and 2).")
        )
    elif raw and max_positive == 0:
        check.error("scale", _("at least one scale point must be worth more than 0."))


def _validate_items(
    check: _Checker, data: Mapping, kind: Kind | None, area_codes: set[str], levels: set[int]
) -> set[int]:
    uses_scale = kind is not None and kind.uses_scale
    uses_levels = kind is not None and kind.uses_levels
    numbers: set[int] = set()
    per_area: dict[str, int] = {}
    top_level = max(levels, default=0)
    for index, item in enumerate(check.array(data, "items", "", required=True)):
        path = f"items[{index}]"
        if not check.obj(item, path, _ITEM_FIELDS, ("number", "area", "text")):
            continue
        number = check.integer(item, "number", path, minimum=1)
        if number is not None:
            label = _("item number %(number)d") % {"number": number}
        else:
            label = _("item %(position)d in the list") % {"position": index + 1}
        if number is not None:
            if number in numbers:
                check.error(f"{path}.number", _("item number %(number)d is used more than once.") % {"number": number})
            numbers.add(number)
        check.text(item, "text", path)
        area = item.get("area")
        if area is not None:
            if area not in area_codes:
                check.error(
                    f"{path}.area",
                    _("%(item)s: area %(area)s is not in the list of areas.") % {"item": label, "area": repr(area)},
                )
            else:
                per_area[area] = per_area.get(area, 0) + 1

        key = item.get("key")
        if uses_scale:
            if key is None:
                check.error(
                    f"{path}.key",
                    _("%(item)s: the key is required ('+' or '-'), from the licensed manual.") % {"item": label},
                )
            elif key not in ITEM_KEYS:
                check.error(
                    f"{path}.key",
                    _("%(item)s: key %(key)s is unknown; use '+' or '-'.") % {"item": label, "key": repr(key)},
                )
        elif key is not None:
            check.error(f"{path}.key", _("%(item)s: a key is only used by a keyed frequency scale.") % {"item": label})

        options = check.array(item, "options", path)
        if uses_levels:
            if not options:
                check.error(
                    f"{path}.options", _("%(item)s: the statements (with their levels) are required.") % {"item": label}
                )
            codes: set[str] = set()
            for o_index, option in enumerate(options):
                o_path = f"{path}.options[{o_index}]"
                if not check.obj(option, o_path, _OPTION_FIELDS, ("code", "text", "level")):
                    continue
                code = check.text(option, "code", o_path)
                check.text(option, "text", o_path)
                if code is not None:
                    if code in codes:
                        check.error(
                            f"{o_path}.code",
                            _("%(item)s: choice code %(code)s is used more than once.")
                            % {"item": label, "code": repr(code)},
                        )
                    codes.add(code)
                level = check.integer(option, "level", o_path)
                if level is not None and levels and not 1 <= level <= top_level:
                    check.error(
                        f"{o_path}.level",
                        _("%(item)s: level %(level)d is outside the range 1–%(top)d.")
                        % {"item": label, "level": level, "top": top_level},
                    )
        elif options:
            check.error(
                f"{path}.options", _("%(item)s: statements are only used by developmental scoring.") % {"item": label}
            )

    # An area without items would make every percentage of it a division by zero.
    for index, area in enumerate(_listed(data, "areas")):
        if isinstance(area, Mapping) and isinstance(area.get("code"), str) and area["code"] not in per_area:
            check.error(f"areas[{index}]", _("area %(area)s has no items at all.") % {"area": repr(area["code"])})
    return numbers


def _validate_open_questions(check: _Checker, data: Mapping) -> None:
    codes: set[str] = set()
    for index, question in enumerate(check.array(data, "open_questions", "")):
        path = f"open_questions[{index}]"
        if not check.obj(question, path, _QUESTION_FIELDS, ("code", "text", "type")):
            continue
        code = check.text(question, "code", path)
        check.text(question, "text", path)
        if code is not None:
            if code in codes:
                check.error(f"{path}.code", _("question code %(code)s is used more than once.") % {"code": repr(code)})
            codes.add(code)
        kind = question.get("type")
        if kind is not None and kind not in OPEN_QUESTION_TYPES:
            check.error(
                f"{path}.type",
                _("type %(type)s is unknown; choose from %(choices)s.")
                % {"type": repr(kind), "choices": ", ".join(OPEN_QUESTION_TYPES)},
            )
        if "multiple" in question and not isinstance(question["multiple"], bool):
            check.error(f"{path}.multiple", _("must be true or false."))
        choices = check.array(question, "choices", path)
        if kind == "choice" and not choices:
            check.error(f"{path}.choices", _("a choice question must have a list of choices."))
        elif kind != "choice" and choices:
            check.error(f"{path}.choices", _("a list of choices is only for questions of type 'choice'."))
        choice_codes: set[str] = set()
        for c_index, choice in enumerate(choices):
            c_path = f"{path}.choices[{c_index}]"
            if not check.obj(choice, c_path, _CHOICE_FIELDS, ("code", "label")):
                continue
            c_code = check.text(choice, "code", c_path)
            check.text(choice, "label", c_path)
            if c_code is not None:
                if c_code in choice_codes:
                    check.error(
                        f"{c_path}.code", _("choice code %(code)s is used more than once.") % {"code": repr(c_code)}
                    )
                choice_codes.add(c_code)


def _validate_targets(
    check: _Checker, data: Mapping, kind: Kind | None, area_codes: set[str], levels: set[int]
) -> None:
    top_level = max(levels, default=0)
    if kind is None or not kind.uses_levels:
        for name in ("target_level", "targets"):
            if data.get(name) not in (None, []):
                check.error(name, _("target levels are only used by developmental scoring."))
        return
    default = check.integer(data, "target_level", "", minimum=1)
    if default is not None and levels and default > top_level:
        check.error("target_level", out_of_range(default, top_level))
    seen: set[str] = set()
    for index, target in enumerate(check.array(data, "targets", "")):
        path = f"targets[{index}]"
        if not check.obj(target, path, _TARGET_FIELDS, ("area", "level")):
            continue
        area = target.get("area")
        if area is not None:
            if not isinstance(area, str) or area not in area_codes:
                check.error(f"{path}.area", _("aspect %(area)s is not in the list of areas.") % {"area": repr(area)})
            elif area in seen:
                check.error(f"{path}.area", _("aspect %(area)s already has a target.") % {"area": repr(area)})
            seen.add(area)
        level = check.integer(target, "level", path, minimum=1)
        if level is not None and levels and level > top_level:
            check.error(f"{path}.level", out_of_range(level, top_level))
    if default is None:
        for index, area in enumerate(_listed(data, "areas")):
            code = area.get("code") if isinstance(area, Mapping) else None
            if isinstance(code, str) and code in area_codes and code not in seen:
                check.error(
                    f"areas[{index}]",
                    _("aspect %(area)s has no target level (fill in target_level or targets).")
                    % {"area": repr(area["code"])},
                )


def _validate_bands(check: _Checker, data: Mapping) -> None:
    """Bands must tile 0–100: no gap (a score without a category) and no overlap (two categories).

    Two notations are accepted for consecutive bands: continuous (``0–20``, ``20–40``) and the
    integer notation of the manuals (``0–20``, ``21–40``). Either way a value belongs to the first
    band whose upper bound it does not exceed.
    """
    bands = check.array(data, "bands", "")
    previous_upper: int | None = None
    for index, band in enumerate(bands):
        path = f"bands[{index}]"
        if not check.obj(band, path, _BAND_FIELDS, ("lower", "upper", "label")):
            previous_upper = None
            continue
        check.text(band, "label", path)
        if "description" in band and not isinstance(band["description"], str):
            check.error(f"{path}.description", _("must be text."))
        lower = check.integer(band, "lower", path, minimum=0)
        upper = check.integer(band, "upper", path, minimum=0)
        if lower is None or upper is None:
            previous_upper = None
            continue
        if upper > 100:
            check.error(f"{path}.upper", _("the upper bound may not be more than 100."))
        if lower > upper:
            check.error(
                f"{path}.lower",
                _("the lower bound %(lower)d is greater than the upper bound %(upper)d.")
                % {"lower": lower, "upper": upper},
            )
        if index == 0 and lower != 0:
            check.error(f"{path}.lower", _("the first band must start at 0."))
        if index > 0 and previous_upper is not None:
            if lower > previous_upper + 1:
                check.error(
                    f"{path}.lower",
                    _("there is a gap between %(upper)d and %(lower)d: values in between have no band.")
                    % {"upper": previous_upper, "lower": lower},
                )
            elif lower < previous_upper:
                check.error(
                    f"{path}.lower",
                    _("overlaps the previous band (which ends at %(upper)d).") % {"upper": previous_upper},
                )
        previous_upper = upper
    if bands and previous_upper is not None and previous_upper != 100:
        check.error(f"bands[{len(bands) - 1}].upper", _("the last band must end at 100."))


def _validate_critical(check: _Checker, data: Mapping, item_numbers: set[int]) -> None:
    seen: set[int] = set()
    for index, number in enumerate(check.array(data, "critical_items", "")):
        path = f"critical_items[{index}]"
        if not _is_int(number):
            check.error(path, _("must be an item number (a whole number)."))
        elif number not in item_numbers:
            check.error(path, _("item number %(number)s is not in the instrument.") % {"number": number})
        elif number in seen:
            check.error(path, _("item number %(number)s is listed twice.") % {"number": number})
        else:
            seen.add(number)


# --------------------------------------------------------------------------------------------------
# Loading and export
# --------------------------------------------------------------------------------------------------


def _position(line: int, column: int) -> str:
    return _("line %(line)d, column %(column)d") % {"line": line, "column": column}


def out_of_range(level: int, top: int) -> str:
    return _("level %(level)d is outside the range 1–%(top)d.") % {"level": level, "top": top}


log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 4 * 1024 * 1024  # well above the upload form's 2 MB
MAX_SOURCE_DEPTH = 16


def _parse(text_or_bytes: str | bytes, filename: str) -> Any:
    if isinstance(text_or_bytes, bytes):
        try:
            text = text_or_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            message = _("the file is not UTF-8 text (byte %(position)d).") % {"position": exc.start}
            raise DefinitionInvalid([DefinitionError("", message)]) from exc
    else:
        text = text_or_bytes
    lowered = filename.lower()
    if lowered.endswith((".yaml", ".yml")):
        try:
            import yaml  # optional: only when a YAML file is imported and PyYAML is present
        except ImportError as exc:
            raise DefinitionInvalid(
                [DefinitionError("", _("YAML files are not supported on this server; upload a JSON file."))]
            ) from exc
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _position(mark.line + 1, mark.column + 1) if mark else ""
            raise DefinitionInvalid([DefinitionError(where, _("the YAML cannot be read."))]) from exc
    if not lowered.endswith(".json"):
        raise DefinitionInvalid([DefinitionError("", _("the file name must end in .json (or .yaml where supported)."))])
    try:
        # Bounded: a definition nests a few levels; deeper, huge or non-finite numbers are hostile.
        return jsonsafe.loads(text, max_bytes=MAX_SOURCE_BYTES, max_depth=MAX_SOURCE_DEPTH, allow_nul=False)
    except jsonsafe.JSONRejected as exc:
        where = _position(exc.line, exc.column) if exc.line else ""
        raise DefinitionInvalid(
            [DefinitionError(where, _("the JSON cannot be read (%(reason)s).") % {"reason": exc})]
        ) from None


def load_definition(text_or_bytes: str | bytes, filename: str) -> Definition:
    """Parse, validate and build a definition; raise :class:`DefinitionInvalid` with every error."""
    data = _parse(text_or_bytes, filename)
    try:
        errors = validate(data)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # A shape the checks above did not foresee: refused as such, never a 500.
        log.warning("definition %r: unforeseen shape (%s)", filename[:80], type(exc).__name__)
        message = _("the file's structure does not fit the definition schema.")
        raise DefinitionInvalid([DefinitionError("", message)]) from None
    if errors:
        raise DefinitionInvalid(errors)
    return build(data)


def build(data: Mapping) -> Definition:
    """Turn *validated* data into a :class:`Definition`. Call :func:`validate` first."""
    return Definition(
        schema=data.get("schema", SCHEMA_VERSION),
        code=data["code"],
        version=data["version"],
        title=data["title"],
        notes=data.get("notes", ""),
        school_levels=tuple(data["school_levels"]),
        scoring=data["scoring"],
        answer_format=data["answer_format"],
        areas=tuple(Area(a["code"], a["name"], a.get("bidang")) for a in data["areas"]),
        items=tuple(
            Item(
                number=i["number"],
                area=i["area"],
                text=i["text"],
                key=i.get("key"),
                options=tuple(Option(o["code"], o["text"], o["level"]) for o in i.get("options") or ()),
            )
            for i in data["items"]
        ),
        open_questions=tuple(
            OpenQuestion(
                code=q["code"],
                text=q["text"],
                type=q["type"],
                choices=tuple(Choice(c["code"], c["label"]) for c in q.get("choices") or ()),
                multiple=q.get("multiple", False),
            )
            for q in data.get("open_questions") or ()
        ),
        scale=tuple(
            ScaleOption(
                s["code"],
                s["label"],
                s["score_positive"],
                s["score_negative"],
                s["problem_positive"],
                s["problem_negative"],
            )
            for s in data.get("scale") or ()
        ),
        levels=tuple(Level(v["value"], v["name"]) for v in data.get("levels") or ()),
        target_level=data.get("target_level"),
        targets=tuple(Target(t["area"], t["level"]) for t in data.get("targets") or ()),
        bands=tuple(
            Band(b["lower"], b["upper"], b["label"], b.get("description", "")) for b in data.get("bands") or ()
        ),
        critical_items=tuple(data.get("critical_items") or ()),
    )


def to_data(definition: Definition) -> dict[str, Any]:
    """The definition as plain JSON-ready data, in the documented field order; empty parts left out."""
    data: dict[str, Any] = {
        "schema": definition.schema,
        "code": definition.code,
        "version": definition.version,
        "title": definition.title,
    }
    if definition.notes:
        data["notes"] = definition.notes
    data["school_levels"] = list(definition.school_levels)
    data["scoring"] = definition.scoring
    data["answer_format"] = definition.answer_format
    data["areas"] = [_area_data(area) for area in definition.areas]
    if definition.scale:
        data["scale"] = [
            {
                "code": s.code,
                "label": s.label,
                "score_positive": s.score_positive,
                "score_negative": s.score_negative,
                "problem_positive": s.problem_positive,
                "problem_negative": s.problem_negative,
            }
            for s in definition.scale
        ]
    if definition.levels:
        data["levels"] = [{"value": v.value, "name": v.name} for v in definition.levels]
    if definition.target_level is not None:
        data["target_level"] = definition.target_level
    if definition.targets:
        data["targets"] = [{"area": t.area, "level": t.level} for t in definition.targets]
    data["items"] = [_item_data(item) for item in definition.items]
    if definition.open_questions:
        data["open_questions"] = [_question_data(q) for q in definition.open_questions]
    if definition.bands:
        data["bands"] = [_band_data(b) for b in definition.bands]
    if definition.critical_items:
        data["critical_items"] = list(definition.critical_items)
    return data


def _area_data(area: Area) -> dict[str, Any]:
    data: dict[str, Any] = {"code": area.code, "name": area.name}
    if area.bidang:
        data["bidang"] = area.bidang
    return data


def _item_data(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"number": item.number, "area": item.area, "text": item.text}
    if item.key is not None:
        data["key"] = item.key
    if item.options:
        data["options"] = [{"code": o.code, "text": o.text, "level": o.level} for o in item.options]
    return data


def _question_data(question: OpenQuestion) -> dict[str, Any]:
    data: dict[str, Any] = {"code": question.code, "text": question.text, "type": question.type}
    if question.choices:
        data["choices"] = [{"code": c.code, "label": c.label} for c in question.choices]
    if question.multiple:
        data["multiple"] = True
    return data


def _band_data(band: Band) -> dict[str, Any]:
    data: dict[str, Any] = {"lower": band.lower, "upper": band.upper, "label": band.label}
    if band.description:
        data["description"] = band.description
    return data


def to_json(definition: Definition) -> str:
    """Export for people: indented, UTF-8 text kept readable; :func:`load_definition` reads it back."""
    return json.dumps(to_data(definition), ensure_ascii=False, indent=2) + "\n"


def canonical_json(definition: Definition) -> str:
    """The one byte-exact form used for the fingerprint: sorted keys, no whitespace.

    Indentation or key order in the imported file must not count as a change; a changed item text,
    key, band or target must.
    """
    return json.dumps(to_data(definition), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
