from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ekonseling.core import audit, policy

from . import services
from .forms import ConfirmPasswordForm, LoginForm, PreviousPasswordForm, TokenForm
from .models import COUNSELOR_ROLES, Role, User


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
        "%(minutes)d minutes; try again later. A new one-time password also lifts the lock (see below who "
        "gives one)."
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

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.request.user.must_change_password:
            # The first sign-in (or after a reset): the "old" password is the one-time password on the
            # student's login card, or the one a staff member was given; not a password of their own.
            field = form.fields["old_password"]
            field.label = _("One-time password")
            if self.request.user.role == Role.SISWA:
                field.help_text = _("The password printed on your login card.")
            else:
                field.help_text = _("The one-time password you were given.")
        return form

    def form_valid(self, form):
        user = services.change_own_password(form, **audit.request_origin(self.request))
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        if user.has_withheld_counseling:
            return redirect("accounts:restore_counseling")
        return redirect("core:home")


@policy.require("account.manage_own")
@require_http_methods(["GET", "POST"])
def restore_counseling(request):
    """After someone else gave this account a password, its earlier conversations are hidden: the
    owner shows them again with the password they had before (docs/anonymity.md)."""
    if not request.user.has_withheld_counseling:
        return redirect("accounts:account")
    form = PreviousPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restored = services.restore_withheld_counseling(
                request.user, form.cleaned_data["password"], **audit.request_origin(request)
            )
        except services.TooManyAttempts as refused:
            form.add_error(None, str(refused))
        else:
            if restored:
                messages.success(request, _("Your earlier conversations are shown again."))
                return redirect("core:home")
            form.add_error("password", _("That is not your previous password."))
    return render(request, "accounts/restore_counseling.html", {"form": form})


def _awaiting_activation(user):
    return (
        User.objects.filter(school_id=user.school_id, role__in=COUNSELOR_ROLES, is_active=True, last_login__isnull=True)
        .exclude(pk=user.pk)
        .order_by("full_name", "username")
    )


@policy.require("account.activate_staff")
@require_GET
def staff_activation(request):
    """The koordinator BK's list of counselor accounts nobody has signed in to yet: the operator
    creates them, the koordinator gives their owners a one-time password."""
    accounts = [a for a in _awaiting_activation(request.user) if policy.can(request.user, "account.issue_password", a)]
    return render(request, "accounts/staff_activation.html", {"accounts": accounts})


@policy.require("account.activate_staff")
@require_POST
def staff_issue_password(request, pk):
    target = policy.get_object_or_404(request.user, "account.issue_password", User.objects.all(), pk=pk)
    password = services.issue_one_time_password(target, request.user, **audit.request_origin(request))
    # Rendered, not redirected: the password is on this one response and nowhere else.
    response = render(request, "accounts/staff_issued.html", {"target": target, "password": password})
    add_never_cache_headers(response)
    return response


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


def _to_next(next_url):
    """The checked `next` address as an address: redirect() would first try it as a URL name, and
    `next=1e400` (no slash, no dot) raised NoReverseMatch, a 500 (issue 11)."""
    return HttpResponseRedirect(next_url) if next_url else redirect("core:home")


@policy.require("account.manage_own")
def otp_verify(request):
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if device is None or request.user.is_verified():
        return _to_next(next_url)
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return _to_next(next_url)
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


def set_language(request):
    """Django's language switch (the cookie), which also remembers a signed-in user's choice on
    their account: it follows them to every device, and no browser setting overrides it."""
    response = i18n_views.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.choose_language(request.user, request.POST.get("language", ""))
    return response
