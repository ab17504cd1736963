import base64

import segno
from django.contrib.auth import logout
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit


def end_all_sessions(request):
    user = request.user
    user.end_all_sessions()
    audit.record(request, audit.Action.LOGOUT_ALL, user, user=user)
    logout(request)


def pending_totp_device(user):
    """The unconfirmed device being set up; reused across page loads so the QR code stays put."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def confirm_totp_device(request, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    audit.record(request, audit.Action.TWO_FACTOR, device.user, detail="enabled TOTP")


def disable_totp(request):
    TOTPDevice.objects.filter(user=request.user).delete()
    audit.record(request, audit.Action.TWO_FACTOR, request.user, detail="disabled TOTP")


def totp_secret_b32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device):
    """An inline SVG QR code: no external QR service ever sees the secret."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111")
