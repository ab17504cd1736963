"""Every message of the case book, in its code and its templates, has its Indonesian translation."""

import ast
import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import trans_real

ROOT = Path(__file__).parents[2]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy", "ngettext_lazy"}


def _code_msgids():
    for path in sorted((ROOT / "ekonseling" / "cases").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in GETTEXT_NAMES:
                continue
            contextual = name.startswith("pgettext")
            args = node.args[1:] if contextual else node.args
            if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                yield path.name, args[0].value, node.args[0].value if contextual else None


def _template_msgids():
    for path in sorted((ROOT / "templates" / "cases").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for msgid in re.findall(r'{% translate "([^"]+)" %}', text) + re.findall(r"{% translate '([^']+)' %}", text):
            yield path.name, msgid, None
        for body in re.findall(r"{% blocktranslate[^%]*%}(.*?){% (?:plural|endblocktranslate) %}", text, re.S):
            yield path.name, re.sub(r"{{ (\w+) }}", r"%(\1)s", body), None


def _in_catalog(catalog, msgid, context):
    key = f"{context}\x04{msgid}" if context else msgid
    return key in catalog or (key, 0) in catalog


def test_every_case_book_message_has_an_indonesian_translation():
    msgids = list(_code_msgids()) + list(_template_msgids())
    assert len(msgids) > 150  # the scan sees the messages
    translation.activate("id")
    catalog = trans_real.translation("id")._catalog
    assert not _in_catalog(catalog, "no such message, surely", None)
    untranslated = sorted({f"{path}: {msgid!r}" for path, msgid, ctx in msgids if not _in_catalog(catalog, msgid, ctx)})
    assert untranslated == []
