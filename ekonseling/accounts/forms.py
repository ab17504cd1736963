from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Check both and try again."),
        "inactive": _("This account is not active. Ask the school operator."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self):
        # AuthenticationForm sets max_length after the field is built, so nothing checks it: a
        # 20,000-character name reached authenticate() and the lockout table (varchar 255), a 500 on
        # PostgreSQL (issue 11). No account has such a name: the usual wrong-login answer.
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.fields["username"].max_length or 150) or "\x00" in username:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*", "autofocus": True}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("That code is not valid. Enter the current 6-digit code."))
        return token


class ConfirmPasswordForm(forms.Form):
    """Sensitive actions ask for the password again."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class PreviousPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password from before the reset"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        max_length=4096,
    )
