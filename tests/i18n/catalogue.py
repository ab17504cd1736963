"""A small reader of our .po files (no extra dependency): what the tests compare pages against."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@dataclass
class Entry:
    msgid: str = ""
    msgstr: str = ""
    msgctxt: str | None = None
    plural: str = ""
    fuzzy: bool = False
    refs: list[str] = field(default_factory=list)


def entries(language: str) -> list[Entry]:
    found, current, key = [], None, None
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if current is not None and current.msgid:
                found.append(current)
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        current = current or Entry()
        if line.startswith("#:"):
            current.refs += line[2:].split()
        elif line.startswith("#,"):
            current.fuzzy = current.fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d+\]) (\".*\")$", line):
            key = {"msgid_plural": "plural", "msgstr[0]": "msgstr"}.get(match[1], match[1])
            if key.startswith("msgstr["):
                key = None  # other plural forms: the first one is enough here
                continue
            setattr(current, key, ast.literal_eval(match[2]))
        elif line.startswith('"') and key:
            setattr(current, key, (getattr(current, key) or "") + ast.literal_eval(line))
    return found
