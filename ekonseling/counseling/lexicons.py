"""Each school's risk lexicon: the shipped one, extended by what the school's koordinator BK adds.

Students write the slang of their region ("pupus", "koit"), and a phrase that is harmless in one
school is a warning sign in another; so a school extends the shipped lexicon (`risk.py`, same
schema, every key optional) without touching the code or the other schools of a deployment.

The message store screens every student's message with `for_school(school_id)`. A compiled
lexicon is kept per process and looked up again at most every RECHECK_SECONDS, so a change made on
one server process reaches the others within that time, and storing a message costs no query for
it. An extension that no longer validates (the shipped file changed under it) is logged and the
shipped lexicon screens instead: screening never stops because of a school's file.
"""

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ekonseling.accounts.models import User
from ekonseling.core import audit, jsonsafe
from ekonseling.core.models import School

from . import risk
from .models import CounselingSettings

log = logging.getLogger(__name__)

RECHECK_SECONDS = 60
MAX_EXTENSION_BYTES = 200_000
MAX_EXTENSION_DEPTH = 8  # categories → name → phrases → a phrase
# Phrases, negatives, removals, normalisations and crisis terms together. A school adds dozens;
# each new word is stemmed when the lexicon is built, and 200 kB of distinct phrases took over 10 s
# of one request (bench/bench_hostile_files.py).
MAX_EXTENSION_ENTRIES = 1000

_lock = threading.Lock()
_cache = {}  # school id -> (fingerprint, Lexicon, checked at)


def fingerprint(extension):
    return hashlib.sha256(json.dumps(extension, sort_keys=True).encode()).hexdigest()


def compile_extension(extension):
    """The shipped lexicon with the extension merged; raises risk.LexiconError naming the place."""
    return risk.load_lexicon(extra=extension) if extension else risk.default_lexicon()


def for_school(school_id):
    """The lexicon that screens the school's messages (thread-safe; the writer thread calls it)."""
    now = time.monotonic()
    cached = _cache.get(school_id)
    if cached is not None and now - cached[2] < RECHECK_SECONDS:
        return cached[1]
    extension = (
        CounselingSettings.objects.filter(school_id=school_id).values_list("risk_lexicon_extension", flat=True).first()
        or {}
    )
    mark = fingerprint(extension)
    if cached is not None and cached[0] == mark:
        lexicon = cached[1]
    else:
        try:
            lexicon = compile_extension(extension)
        except risk.LexiconError:
            log.exception(
                "the risk lexicon extension of school %s does not validate; screening with the shipped one", school_id
            )
            lexicon = risk.default_lexicon()
    with _lock:
        _cache[school_id] = (mark, lexicon, now)
    return lexicon


def forget(school_id=None):
    """Drop the cached lexicon of a school (after a change) or of all (tests)."""
    with _lock:
        if school_id is None:
            _cache.clear()
        else:
            _cache.pop(school_id, None)


class ExtensionError(ValueError):
    """An extension that cannot be saved; the message says where the problem is."""


def parse(text):
    """The extension document of a koordinator's text: {} for an empty text, else checked JSON."""
    text = text or ""
    if not text.strip():
        return {}
    if len(text.encode()) > MAX_EXTENSION_BYTES:
        raise ExtensionError(_("The extension is larger than %(size)d kB.") % {"size": MAX_EXTENSION_BYTES // 1000})
    try:
        extension = jsonsafe.loads(text, max_bytes=MAX_EXTENSION_BYTES, max_depth=MAX_EXTENSION_DEPTH, allow_nul=False)
    except jsonsafe.JSONRejected as error:
        raise ExtensionError(str(error)) from None
    if not isinstance(extension, dict):  # `[]` too, which the schema check would take for "nothing"
        raise ExtensionError(
            _("The extension does not fit the lexicon schema: %(error)s") % {"error": "lexicon: must be a JSON object"}
        )
    entries = _entries(extension)
    if entries > MAX_EXTENSION_ENTRIES:
        raise ExtensionError(
            _("The extension has %(count)d entries; at most %(max)d are accepted.")
            % {"count": entries, "max": MAX_EXTENSION_ENTRIES}
        )
    try:
        compile_extension(extension)
    except risk.LexiconError as error:
        # risk.py names the place in the schema's own (English) words: keys and values as written.
        raise ExtensionError(_("The extension does not fit the lexicon schema: %(error)s") % {"error": error}) from None
    return extension


def _entries(extension: dict) -> int:
    """Entries of every list and mapping the lexicon reads, whatever their shape (checked later)."""
    count = 0
    categories = extension.get("categories")
    for category in categories.values() if isinstance(categories, dict) else []:
        if isinstance(category, dict):
            count += sum(len(value) for value in category.values() if isinstance(value, (list, dict)))
    for key in ("normalisation", "crisis"):
        value = extension.get(key)
        count += len(value) if isinstance(value, (list, dict)) else 0
    return count


def extension_of(school: School) -> dict:
    """The school's saved extension ({} when it has none)."""
    return (
        CounselingSettings.objects.filter(school=school).values_list("risk_lexicon_extension", flat=True).first() or {}
    )


def save(school: School, extension: dict, actor: User, ip: str | None = None, user_agent: str = "") -> None:
    """Store a checked extension (creating the school's counseling settings on first use); the change
    and who made it go to the audit log."""
    with transaction.atomic():
        CounselingSettings.objects.update_or_create(school=school, defaults={"risk_lexicon_extension": extension})
        audit.record_for(
            actor,
            audit.Action.CHANGE,
            school,
            f"risk lexicon extension {fingerprint(extension)[:12]} ({summary(extension).phrases} phrases)",
            ip,
            user_agent,
        )
    transaction.on_commit(lambda: forget(school.pk))


@dataclass(frozen=True)
class Summary:
    phrases: int
    negatives: int
    removed: int
    normalisation: int
    crisis: int
    categories: tuple  # names the extension touches


def summary(extension):
    categories = {
        name: category for name, category in (extension.get("categories") or {}).items() if not name.startswith("_")
    }
    return Summary(
        phrases=sum(len(c.get("phrases", [])) for c in categories.values()),
        negatives=sum(len(c.get("negatives", [])) for c in categories.values()),
        removed=sum(len(c.get("remove", [])) for c in categories.values()),
        normalisation=len([k for k in (extension.get("normalisation") or {}) if not k.startswith("_")]),
        crisis=len(extension.get("crisis", [])),
        categories=tuple(sorted(categories)),
    )


def measure(extension):
    """Precision and recall on the held-out part of the labelled corpus, shipped lexicon against the
    school's: what a change does to messages the rules were not tuned on, before it screens real ones."""
    examples = risk.load_labelled(split="heldout")
    return {
        "shipped": risk.evaluate(examples, risk.default_lexicon()),
        "school": risk.evaluate(examples, compile_extension(extension)),
    }


def changes(extension):
    """The held-out messages the extension screens differently from the shipped lexicon: newly
    caught, newly missed, new false alarms and false alarms gone, each a sorted list of texts."""
    measured = measure(extension)
    shipped, school = measured["shipped"], measured["school"]
    shipped_fp, school_fp = {t for t, _c in shipped.false_positives}, {t for t, _c in school.false_positives}
    shipped_fn, school_fn = {t for t, _c in shipped.false_negatives}, {t for t, _c in school.false_negatives}
    return {
        **measured,
        "caught": sorted(shipped_fn - school_fn),
        "missed": sorted(school_fn - shipped_fn),
        "new_false_alarms": sorted(school_fp - shipped_fp),
        "false_alarms_gone": sorted(shipped_fp - school_fp),
    }
