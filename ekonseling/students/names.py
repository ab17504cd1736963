"""People's names as stored, and passwords that are not them.

A name with an RTL override (U+202E) or another bidirectional control reads differently from what
it is in every list, search and export; nobody types one in an Indonesian name, so they are removed
wherever a name is saved (`core.text`). And a student's own name is the first password a classmate
tries, so it is refused as one.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ekonseling.core.text import clean as clean_text

NAME_FIELDS = {"accounts.user": ("full_name", "first_name", "last_name"), "students.student": ("name",)}
MIN_PART = 3  # "Al", "Bin" alone do not make a password guessable


def clean_names(sender, instance, **kwargs) -> None:
    """pre_save: the name fields of a user or a student without bidirectional controls."""
    for field in NAME_FIELDS.get(sender._meta.label_lower, ()):
        value = getattr(instance, field, None)
        if isinstance(value, str):
            setattr(instance, field, clean_text(value))


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", clean_text(text).casefold())


def _is_made_of(guess: str, name: str) -> bool:
    """Whether the password's letters hold the whole name, or are nothing but parts of it
    ("budi", "santosobudi"; digits and symbols were dropped before)."""
    whole = _letters(name)
    if len(whole) >= MIN_PART and whole in guess:
        return True
    rest = guess
    for part in sorted({_letters(p) for p in clean_text(name).split()}, key=len, reverse=True):
        if len(part) >= MIN_PART:
            rest = rest.replace(part, "")
    return rest == "" and rest != guess


class NotOwnNameValidator:
    """Refuses a password that is the user's name, or one part of it with digits and symbols
    around ("budi2025!", "Santoso.123"), whether the name is on the account or on the student
    record it belongs to."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        names = [getattr(user, field, "") or "" for field in ("full_name", "first_name", "last_name")]
        if user.pk:
            from .models import Student

            names += Student.objects.filter(user_id=user.pk).values_list("name", flat=True)
        guess = _letters(password)
        if not guess:
            return
        for name in filter(None, names):
            if _is_made_of(guess, name):
                raise ValidationError(_("The password must not be your name or a part of it."), code="password_is_name")

    def get_help_text(self) -> str:
        return _("Your password must not be your name or a part of it.")
