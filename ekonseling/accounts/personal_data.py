"""The account's part of the UU PDP export (registered in AccountsConfig.ready()).

The student's sign-in account without its secrets: no password hash, no session salt. The
student's sign-ins and sign-outs are in the students app's `audit_events`. Erasing the account
is part of the students app's erasure (it deletes a siswa account with the record).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import personal_data

from .models import User


def account(student: Any, viewer: User | None) -> dict | None:
    user = student.user
    if user is None:
        return None
    return {
        "username": user.username,
        "full_name": user.full_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "active": user.is_active,
        "created": user.date_joined,
        "last_sign_in": user.last_login,
    }


def register() -> None:
    personal_data.register_export("account", account, models=[User], order=50)
    personal_data.register_not_exported(
        [TOTPDevice],
        "Two-factor devices are for staff only (User.may_use_two_factor): a student has none, and a "
        "device's key is a secret.",
    )
    personal_data.register_not_exported(
        [LogEntry],
        "The admin's change history, written by staff; a student cannot use the admin, and what the "
        "admin changed about the student is in the exported record itself.",
    )
