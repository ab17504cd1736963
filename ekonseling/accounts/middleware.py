"""Requests from a signed-in user who still owes a step (second factor, new password) go to that
step and nowhere else."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

# The PWA files (core/views_pwa.py) are the same for everyone and hold nothing of the user.
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/healthz", "/favicon", "/sw.js", "/manifest.webmanifest", "/offline/")


def _exempt(request, *names):
    path = request.path
    if path.startswith(EXEMPT_PREFIXES):
        return True
    return path in {reverse(name) for name in ("accounts:logout", *names)}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if user_has_device(user, confirmed=True):
                if not user.is_verified() and not _exempt(request, "accounts:otp_verify"):
                    return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
            elif user.requires_two_factor and not _exempt(request, "accounts:otp_setup"):
                return redirect("accounts:otp_setup")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and not _exempt(request, "accounts:password_change", "accounts:otp_verify")
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)
