"""The decision form of an alert's page: one for every source that has a page (an instrument
sheet, a sociometric survey), so the choices, the note's bound and its wording stay one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Alert


class AlertDecisionForm(forms.Form):
    """Handled or a false alarm, with a note that is kept encrypted (`Alert.note`)."""

    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Alert.Status.HANDLED, _("Handled")), (Alert.Status.FALSE, _("False alarm"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("What you did or why it was a false alarm. Kept encrypted."),
    )
