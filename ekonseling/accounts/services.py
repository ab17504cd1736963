"""Account actions: sessions, one's own password, one-time passwords, role changes, two-factor
devices. Each writes its own audit event. Views keep the session work (sign-out, the session hash)
and pass the actor and where the request came from."""

import base64

import segno
from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit, ratelimit
from ekonseling.core.errors import ActionError

from .models import User


def end_all_sessions(user: User, *, ip: str | None = None, user_agent: str = "") -> None:
    """Sign the user out on every device (the caller then signs out the current session)."""
    user.end_all_sessions()
    audit.record_for(user, audit.Action.LOGOUT_ALL, user, "", ip, user_agent)


def change_own_password(form: PasswordChangeForm, *, ip: str | None = None, user_agent: str = "") -> User:
    """Save a valid password-change form: the new password, no more forced change, the audit line."""
    with transaction.atomic():
        user = form.save()
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit.record_for(user, audit.Action.PASSWORD, user, "changed own password", ip, user_agent)
    return user


def issue_one_time_password(target: User, actor: User, *, ip: str | None = None, user_agent: str = "") -> str:
    """A one-time password for `target`, issued by `actor` (who must hold `account.issue_password`
    for it: the caller checks). Every session of `target` ends; its lockouts are lifted so the owner
    can sign in with it at once. Returns the password; it is stored only as a hash."""
    with transaction.atomic():
        password = target.issue_one_time_password()
        audit.record_for(actor, audit.Action.PASSWORD, target, "one-time password issued", ip, user_agent)
    reset_lockouts(username=target.username)
    return password


def withdraw_credentials(
    target: User, actor: User, *, detail: str, ip: str | None = None, user_agent: str = ""
) -> None:
    """The role of `target` changed: its password stops working and its sessions end, so nobody who
    held them for the old role keeps them for the new one."""
    with transaction.atomic():
        target.withdraw_credentials()
        audit.record_for(actor, audit.Action.CHANGE, target, f"{detail}; password withdrawn", ip, user_agent)


def deactivated(target: User, actor: User, *, ip: str | None = None, user_agent: str = "") -> None:
    """`target` was deactivated: every session ends at once, and with them the open sockets (the
    chat, a live poll), which would otherwise outlive the account until their session idled out."""
    with transaction.atomic():
        target.end_all_sessions()
        audit.record_for(actor, audit.Action.CHANGE, target, "deactivated; sessions ended", ip, user_agent)


def account_created(user: User, actor: User, *, ip: str | None = None, user_agent: str = "") -> None:
    """Audit a new account (the administration form saved it, with no password anyone knows)."""
    audit.record_for(actor, audit.Action.CREATE, user, f"account, role={user.role}", ip, user_agent)


def reset_two_factor(user: User, actor: User, *, ip: str | None = None, user_agent: str = "") -> bool:
    """Remove `user`'s two-factor devices (a lost phone); whether there were any. Audited when so."""
    with transaction.atomic():
        deleted, _ignored = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            audit.record_for(actor, audit.Action.TWO_FACTOR, user, "reset by administrator", ip, user_agent)
    return bool(deleted)


# Guessing the password from before a reset is the one way a counselor who reset a student's
# password could reopen what was withheld: a few tries a day, each failure audited.
RESTORE_LIMIT = 5
RESTORE_WINDOW_SECONDS = 24 * 3600


class TooManyAttempts(ActionError):
    code = "accounts.too_many_attempts"


def restore_withheld_counseling(user: User, raw_password: str, *, ip: str | None = None, user_agent: str = "") -> bool:
    """Reopen the counseling content withheld from `user` since the last issued password, if
    `raw_password` is the owner's own password from before it; raises TooManyAttempts past the daily
    limit."""
    if not ratelimit.allow(f"restore-counseling:{user.pk}", RESTORE_LIMIT, RESTORE_WINDOW_SECONDS):
        raise TooManyAttempts(_("Too many wrong attempts today. Try again tomorrow or ask your guru BK."))
    restored = user.restore_withheld_counseling(raw_password)
    detail = "earlier counseling shown again (previous password)" if restored else "previous password wrong"
    audit.record_for(user, audit.Action.PASSWORD, user, detail, ip, user_agent)
    return restored


def pending_totp_device(user: User) -> TOTPDevice:
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


def totp_secret_b32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code: no external QR service ever sees the secret."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111")


def choose_language(user: User, code: str) -> None:
    """Remembers the language the user chose with the footer switch (empty: the school's again)."""
    if code in {c for c, _name in settings.LANGUAGES} and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
