"""Forms of the chat pages. They check shape only; who may do what is the policy's business and
what happens is the services'."""

import uuid

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core.forms import IdField

from .models import OfficeHours
from .services import PostError, validate_body


class ChatStartForm(forms.Form):
    """Starting a chat: an optional first message. The client key is made when the form is shown,
    so submitting it twice (a double tap, a resend after a timeout) stores the message once."""

    body = forms.CharField(
        label=_("Your first message (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if body.strip():
            try:
                validate_body(body)  # the store's own words for "too long"
            except PostError as exc:
                raise forms.ValidationError(str(exc)) from None
        return body


class TransferForm(forms.Form):
    to = IdField(label=_("Transfer to"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note for the counselor"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, conversation, **kwargs):
        super().__init__(*args, **kwargs)
        # Only counselors of the conversation's school; the service checks again.
        self.fields["to"].queryset = (
            User.objects.filter(school_id=conversation.school_id, role__in=COUNSELOR_ROLES, is_active=True)
            .exclude(pk=conversation.counselor_id)
            .order_by("full_name", "username")
        )
        self.fields["to"].label_from_instance = lambda user: user.display_name


class AlertDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("handled", _("Handled")), ("false", _("False alarm"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


MAX_OFFICE_HOURS_ROWS = 21  # three stretches a day


class OfficeHoursForm(forms.ModelForm):
    class Meta:
        model = OfficeHours
        fields = ["weekday", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        labels = {"weekday": _("Day"), "starts_at": _("From"), "ends_at": _("Until")}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            # Hours across midnight would need two rows; nobody runs a BK office overnight.
            self.add_error("ends_at", _("The end must be after the start (hours cannot cross midnight)."))
        return cleaned


class BaseOfficeHoursFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("starts_at"):
                continue
            row = (data["weekday"], data["starts_at"], data["ends_at"])
            for weekday, starts, ends in seen:
                if weekday == row[0] and starts < row[2] and row[1] < ends:
                    raise forms.ValidationError(_("Two rows of the same day overlap."))
            seen.append(row)


OfficeHoursFormSet = modelformset_factory(
    OfficeHours,
    form=OfficeHoursForm,
    formset=BaseOfficeHoursFormSet,
    extra=2,
    can_delete=True,
    # A forged TOTAL_FORMS builds at most this many forms (Django's own cap is a thousand more).
    max_num=MAX_OFFICE_HOURS_ROWS,
    absolute_max=MAX_OFFICE_HOURS_ROWS,
    validate_max=True,
)
