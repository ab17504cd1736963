from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit, policy

from . import services
from .forms import ConfirmPasswordForm, LoginForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout(request, credentials, *args, **kwargs):
    """django-axes calls this when a sign-in is locked out."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    # Lockouts are per username and address, so say "from this device", not "this account".
    form.lockout_message = _(
        "Too many failed sign-in attempts. Signing in to this account from this device is locked for "
        "%(minutes)d minutes; try again later or ask the school operator."
    ) % {"minutes": minutes}
    return render(request, "accounts/login.html", {"form": form, "locked_out": True}, status=429)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@policy.require("account.manage_own")
def account(request):
    devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
    return render(request, "accounts/account.html", {"has_totp": devices.exists()})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    @method_decorator(policy.require("account.manage_own"))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = services.change_own_password(form, **audit.request_origin(self.request))
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect("core:home")


@require_POST
@policy.require("account.manage_own")
def logout_everywhere(request):
    form = ConfirmPasswordForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["password"][0])
        return redirect("accounts:account")
    services.end_all_sessions(request.user, **audit.request_origin(request))
    logout(request)
    messages.info(request, _("You have been signed out on every device."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@policy.require("account.manage_own")
def otp_setup(request):
    if not request.user.may_use_two_factor:
        # Two-factor sign-in is offered to staff; students sign in with a password.
        return redirect("accounts:account")
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("accounts:account")
    device = services.pending_totp_device(request.user)
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.confirm_totp_device(device, **audit.request_origin(request))
        otp_login(request, device)
        messages.success(request, _("Two-factor sign-in is now on."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": services.totp_qr_svg(device),
            "secret": services.totp_secret_b32(device),
            "required": request.user.requires_two_factor,
        },
    )


@policy.require("account.manage_own")
def otp_verify(request):
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if device is None or request.user.is_verified():
        return redirect(next_url or "core:home")
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(next_url or "core:home")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@policy.require("account.manage_own")
def otp_disable(request):
    if request.user.requires_two_factor:
        messages.error(request, _("Your school requires two-factor sign-in for staff; it cannot be turned off."))
        return redirect("accounts:account")
    form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.disable_totp(request.user, **audit.request_origin(request))
        messages.success(request, _("Two-factor sign-in is now off."))
        return redirect("accounts:account")
    return render(request, "accounts/otp_disable.html", {"form": form})
