"""The definition edit form: texts, bands and critical items of a version nobody has answered yet.

Pure: `form_rows(definition)` gives what the form shows, `edited(definition, post)` turns the
posted fields back into the definition's JSON data (validated by `definition.validate` in the
action, like an imported file). Only texts, bands and critical items change here; the structure
(areas, item numbers, keys, levels) comes from a file or the spreadsheet template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import definition as definitions
from .definition import Definition
from .text import gettext as _

EXTRA_BANDS = 2  # empty band rows offered below the existing ones
MAX_TEXT = 2000


def form_rows(definition: Definition) -> dict[str, Any]:
    bands = [
        {"index": i, "lower": b.lower, "upper": b.upper, "label": b.label, "description": b.description}
        for i, b in enumerate(definition.bands)
    ]
    start = len(bands)
    bands += [
        {"index": start + i, "lower": "", "upper": "", "label": "", "description": ""} for i in range(EXTRA_BANDS)
    ]
    return {
        "title": definition.title,
        "areas": [{"code": a.code, "name": a.name} for a in definition.areas],
        "items": [{"number": i.number, "area": i.area, "text": i.text} for i in definition.items],
        "questions": [{"code": q.code, "text": q.text} for q in definition.open_questions],
        "bands": bands,
        "critical": ", ".join(str(n) for n in definition.critical_items),
    }


def posted_rows(definition: Definition, post: Mapping) -> dict[str, Any]:
    """The form as it was posted, so correcting one band does not lose twenty edited item texts."""
    rows = form_rows(definition)
    rows["title"] = str(post.get("title", rows["title"]))
    rows["critical"] = str(post.get("critical", rows["critical"]))
    for area in rows["areas"]:
        area["name"] = str(post.get(f"area_{area['code']}", area["name"]))
    for item in rows["items"]:
        item["text"] = str(post.get(f"item_{item['number']}", item["text"]))
    for question in rows["questions"]:
        question["text"] = str(post.get(f"question_{question['code']}", question["text"]))
    for band in rows["bands"]:
        for name in ("lower", "upper", "label", "description"):
            band[name] = str(post.get(f"band_{band['index']}_{name}", ""))
    return rows


def _text(post: Mapping, name: str, default: str) -> str:
    value = post.get(name)
    if value is None:
        return default
    return " ".join(str(value).split())[:MAX_TEXT]


def edited(definition: Definition, post: Mapping) -> tuple[dict[str, Any], list[str]]:
    """(the definition's data with the posted texts, bands and critical items; field errors)."""
    data = definitions.to_data(definition)
    errors: list[str] = []
    data["title"] = _text(post, "title", definition.title)
    for area in data["areas"]:
        area["name"] = _text(post, f"area_{area['code']}", area["name"])
    for item in data["items"]:
        item["text"] = _text(post, f"item_{item['number']}", item["text"])
    for question in data.get("open_questions", []):
        question["text"] = _text(post, f"question_{question['code']}", question["text"])
    bands = []
    for index in range(len(definition.bands) + EXTRA_BANDS):
        fields = {name: _text(post, f"band_{index}_{name}", "") for name in ("lower", "upper", "label", "description")}
        if not any(fields.values()):
            continue
        band: dict[str, Any] = {"label": fields["label"]}
        for name in ("lower", "upper"):
            if re.fullmatch(r"\d{1,3}", fields[name]):
                band[name] = int(fields[name])
            else:
                errors.append(
                    _("Band %(number)d: %(field)s must be a whole number from 0 to 100.")
                    % {"number": index + 1, "field": _("from") if name == "lower" else _("to")}
                )
                band[name] = 0
        if fields["description"]:
            band["description"] = fields["description"]
        bands.append(band)
    if bands:
        data["bands"] = bands
    else:
        data.pop("bands", None)
    critical_text = _text(post, "critical", ", ".join(str(n) for n in definition.critical_items))
    numbers = []
    for part in re.split(r"[\s,;]+", critical_text):
        if not part:
            continue
        if re.fullmatch(r"\d{1,6}", part):
            numbers.append(int(part))
        else:
            errors.append(_("Critical items: %(value)s is not an item number.") % {"value": part[:20]})
    if numbers:
        data["critical_items"] = numbers
    else:
        data.pop("critical_items", None)
    return data, errors


def described(error: definitions.DefinitionError, definition: Definition) -> str:
    """A validation error in the form's words: "Butir 4: …" instead of items[3].text."""
    path = error.path
    match = re.match(r"items\[(\d+)\]", path)
    if match and int(match.group(1)) < len(definition.items):
        return _("Item %(number)d: %(message)s") % {
            "number": definition.items[int(match.group(1))].number,
            "message": error.message,
        }
    match = re.match(r"bands\[(\d+)\]", path)
    if match:
        return _("Band %(number)d: %(message)s") % {"number": int(match.group(1)) + 1, "message": error.message}
    if path.startswith("critical_items"):
        return _("Critical items: %(message)s") % {"message": error.message}
    return f"{path}: {error.message}" if path else error.message
