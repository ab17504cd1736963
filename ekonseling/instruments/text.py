"""gettext for the pure instrument modules (definitions, scoring, kinds, entry, filling).

Those modules must import without Django (management scripts, the purity test), yet their
messages reach the user and must follow the active language. These wrappers call Django's
gettext when Django is configured and return the English msgid otherwise. They are named like
Django's functions, so `makemessages` extracts their msgids as usual.
"""

from __future__ import annotations


def _django():
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is always installed with the project
        return None
    if not settings.configured:
        return None
    from django.utils import translation

    return translation


def gettext(message: str) -> str:
    translation = _django()
    return translation.gettext(message) if translation else message


def ngettext(singular: str, plural: str, number: int) -> str:
    translation = _django()
    if translation:
        return translation.ngettext(singular, plural, number)
    return singular if number == 1 else plural


def gettext_noop(message: str) -> str:
    """Marks a msgid kept in data for makemessages; translated later with :func:`gettext`."""
    return message


_ = gettext
