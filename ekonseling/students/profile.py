"""What a student may correct in their own record, and the trail the counselor reads.

Students keep their contact details and their own hopes and interests current; identity, family
and anything a counselor wrote stay with the school. Every change a student makes is kept as a
`ProfileChange` so the counselor notices a new phone number or a changed cita-cita instead of
finding out months later.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import User
from ekonseling.core import audit

from .models import ProfileChange, Student

SELF_EDITABLE_FIELDS = [
    "phone",
    "mobile",
    "email",
    "address",
    "aspirations",
    "hobbies",
    "extracurriculars",
    "achievements",
]

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ().-]+$")


class OwnProfileForm(forms.ModelForm):
    """The student's form: only `SELF_EDITABLE_FIELDS`, whatever else a crafted POST carries."""

    class Meta:
        model = Student
        fields = SELF_EDITABLE_FIELDS
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "achievements": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("phone", "mobile"):
            # A text input with the phone keypad: the stylesheet styles text inputs, not type=tel.
            self.fields[name].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        # The one address student notices go to (counseling/letters.student_address).
        self.fields["email"].help_text = _(
            "We e-mail you here when your guru BK answers a letter (a link only, never the letter)."
        )

    def _clean_phone(self, name: str) -> str:
        # Light on purpose: schools write "0812-3456-7890", "+62 812 3456 7890" or "(0274) 512345".
        value = " ".join(self.cleaned_data[name].split())
        if value and (not PHONE_CHARACTERS.match(value) or not 6 <= sum(c.isdigit() for c in value) <= 15):
            raise forms.ValidationError(_("Enter a phone number of 6 to 15 digits, for example 0812-3456-7890."))
        return value

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_mobile(self) -> str:
        return self._clean_phone("mobile")


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def update_own_profile(
    student: Student, data: dict, actor: User | None, *, ip: str | None = None, user_agent: str = ""
) -> list[ProfileChange]:
    """Write the self-editable fields found in `data` and return one change per field that moved.

    Anything else in `data` is ignored on purpose: the list above, not the form, is the boundary.
    """
    changes = []
    for field in SELF_EDITABLE_FIELDS:
        if field not in data:
            continue
        old, new = _as_text(getattr(student, field)), _as_text(data[field])
        if old == new:
            continue
        setattr(student, field, new)
        changes.append(ProfileChange(student=student, field=field, old_value=old, new_value=new))
    if not changes:
        return []
    with transaction.atomic():
        student.save(update_fields=[change.field for change in changes] + ["updated_at"])
        ProfileChange.objects.bulk_create(changes)
        audit.record_for(
            actor, audit.Action.CHANGE, student, "own profile: " + ", ".join(c.field for c in changes), ip, user_agent
        )
    return changes


def unseen_changes(student: Student) -> QuerySet[ProfileChange]:
    return student.profile_changes.filter(seen_at__isnull=True)


def mark_seen(student: Student, counselor: User, *, ip: str | None = None, user_agent: str = "") -> int:
    """The model keeps when, not who; the audit line keeps who acknowledged the changes."""
    with transaction.atomic():
        count = unseen_changes(student).update(seen_at=timezone.now())
        if count:
            audit.record_for(
                counselor, audit.Action.CHANGE, student, f"profile changes marked seen: {count}", ip, user_agent
            )
    return count


def field_label(field: str) -> str:
    """The field's own verbose name, so the change list reads like the record does; a change to a
    field the record no longer has keeps its old name rather than hiding the history."""
    try:
        return Student._meta.get_field(field).verbose_name
    except FieldDoesNotExist:
        return field
