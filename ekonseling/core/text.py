"""Text from users as it is stored: without the invisible characters that change how it reads.

Bidirectional controls (the RTL override U+202E and its kin) make "gnp.exe" read as "exe.png",
reorder a name in a list or a message in the counselor's inbox, and hide what was really written
("Trojan Source"); nobody types them on purpose in Indonesian. NUL cannot be stored in
PostgreSQL. Both are removed at input, in names and in messages.
"""

from __future__ import annotations

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM, ALM; and NUL.
INVISIBLE_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\x00"
_REMOVE = dict.fromkeys(map(ord, INVISIBLE_CONTROLS))


def clean(value: str) -> str:
    """The text without bidirectional controls and NUL."""
    return value.translate(_REMOVE)


def has_controls(value: str) -> bool:
    return any(char in INVISIBLE_CONTROLS for char in value)
