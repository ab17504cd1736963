"""The one JSON loader for what arrives from outside: request bodies, WebSocket frames, uploaded
definitions, a koordinator's lexicon text.

`json.loads` alone lets a client choose the server's work: a few kilobytes of `[[[[…` raise
RecursionError deep in the decoder (and deeper still in any code that walks the result), `1e400`
becomes an infinite float that `int()` refuses with OverflowError, a 5000-digit integer costs
quadratic time, and nothing caps the size. `loads` refuses each of these before or while parsing
with a `JSONRejected` that carries a stable code and a translated message, so every caller can
answer a clear 400 (or an error frame) and nothing half-done follows.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_BYTES = 256 * 1024  # default cap; callers with larger documents pass their own
MAX_DEPTH = 32  # nothing the app reads nests deeper than a handful of levels
MAX_INT_DIGITS = 18  # every integer the app reads fits a 64-bit column
MAX_ID = 2**63 - 1

# Strings cannot hold brackets that count, so they are skipped before counting depth.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _(message: str) -> str:
    """gettext, imported when a message is needed: the instrument definitions (which use this
    loader) import without Django (`instruments.scoring`)."""
    from django.utils.translation import gettext

    return gettext(message)


class JSONRejected(ValueError):
    """A document refused before it reached the app. `code` is stable (for clients and tests):
    too_large, too_deep, bad_number, bad_encoding, malformed, not_object."""

    def __init__(self, code: str, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.code = code
        self.line = line
        self.column = column


def _reject_constant(name: str) -> Any:
    raise JSONRejected("bad_number", _("Numbers such as NaN or Infinity are not accepted."))


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONRejected("bad_number", _("A number in the data is too large."))
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 64:
        raise JSONRejected("bad_number", _("A number in the data is too long."))
    value = float(text)
    if not math.isfinite(value):
        raise JSONRejected("bad_number", _("A number in the data is too large."))
    return value


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings ignored); linear time."""
    deepest = level = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def _encodable(value: Any, allow_nul: bool = True) -> bool:
    """False when a string holds a lone surrogate (`"\\ud800"`): no database or page can take it;
    or, unless `allow_nul`, a NUL character, which PostgreSQL refuses in text and JSON columns.
    Recursive, but only as deep as `max_depth` allowed."""
    if isinstance(value, str):
        if not allow_nul and "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k, allow_nul) and _encodable(v, allow_nul) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v, allow_nul) for v in value)
    return True


def loads(
    data: str | bytes | bytearray,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    want_object: bool = False,
    allow_nul: bool = True,
) -> Any:
    """Parse JSON within the limits, or raise `JSONRejected`. `want_object` also refuses a top
    level that is not an object (what every request body and frame must be); `allow_nul=False`
    refuses NUL characters, for JSON stored as it is in a JSON column (a lexicon, a definition)."""
    if len(data) > max_bytes or (isinstance(data, str) and len(data.encode("utf-8", "surrogatepass")) > max_bytes):
        raise JSONRejected("too_large", _("The data is larger than %(size)d kB.") % {"size": max(1, max_bytes // 1000)})
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONRejected("bad_encoding", _("The data is not UTF-8 text.")) from None
    else:
        text = data
    # Nesting never exceeds the number of opening brackets: a flat frame (a chat message, a read
    # mark: one `{`) skips the scan, which was most of the cost of loading one.
    if text.count("{") + text.count("[") > max_depth and depth(text) > max_depth:
        raise JSONRejected("too_deep", _("The data is nested too deeply."))
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_reject_constant)
    except JSONRejected:
        raise
    except json.JSONDecodeError as error:
        raise JSONRejected(
            "malformed",
            _("Line %(line)d, column %(column)d: this is not valid JSON (%(error)s).")
            % {"line": error.lineno, "column": error.colno, "error": error.msg},
            line=error.lineno,
            column=error.colno,
        ) from None
    except (ValueError, RecursionError):  # a lone surrogate, or a nesting the depth count missed
        raise JSONRejected("malformed", _("This is not valid JSON.")) from None
    if not _encodable(value):
        raise JSONRejected("bad_encoding", _("The data holds text that is not valid Unicode."))
    if not allow_nul and not _encodable(value, allow_nul=False):
        raise JSONRejected("nul", _("The data holds a NUL character (\\u0000), which cannot be stored."))
    if want_object and not isinstance(value, dict):
        raise JSONRejected("not_object", _("The data must be a JSON object."))
    return value


def bounded_int(value: Any, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """An integer from a parsed value (an int or a string of digits) within [minimum, maximum],
    else None: booleans, floats, huge and negative numbers name no row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit() or len(value) > MAX_INT_DIGITS + 1 or not value.isascii():
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if minimum <= value <= maximum else None
