"""Account actions a user takes on their own account; each writes its audit line. Views keep the
session work (sign-out, the session hash) and pass the actor and where the request came from."""

import base64

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit

from .models import User


def end_all_sessions(user: User, *, ip: str | None = None, user_agent: str = "") -> None:
    """Sign the user out on every device (the caller then signs out the current session)."""
    user.end_all_sessions()
    audit.record_for(user, audit.Action.LOGOUT_ALL, user, "", ip, user_agent)


def change_own_password(form, *, ip: str | None = None, user_agent: str = "") -> User:
    """Save a valid password-change form: the new password, no more forced change, the audit line."""
    with transaction.atomic():
        user = form.save()
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit.record_for(user, audit.Action.PASSWORD, user, "changed own password", ip, user_agent)
    return user


def pending_totp_device(user):
    """The unconfirmed device being set up; reused across page loads so the QR code stays put."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def confirm_totp_device(device: TOTPDevice, *, ip: str | None = None, user_agent: str = "") -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit.record_for(device.user, audit.Action.TWO_FACTOR, device.user, "enabled TOTP", ip, user_agent)


def disable_totp(user: User, *, ip: str | None = None, user_agent: str = "") -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit.record_for(user, audit.Action.TWO_FACTOR, user, "disabled TOTP", ip, user_agent)


def totp_secret_b32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device):
    """An inline SVG QR code: no external QR service ever sees the secret."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111")
