"""The case book's forms. Writes happen in `actions`; these only check input."""

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core.forms import IdField
from ekonseling.instruments.models import Assignment
from ekonseling.safety.models import Alert

from .models import Bidang, Case, CaseConference, HomeVisit, ParentCallIn, ReferralOut, Source


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def _clean_text(value):
    return (value or "").replace("\x00", "").strip()


class _AlertChoice(IdField):
    def label_from_instance(self, alert):
        day = date_format(localtime(alert.created_at), "j M Y")
        return f"{day} · {alert.get_source_display()} · {alert.get_status_display()}"


class _SheetChoice(IdField):
    def label_from_instance(self, sheet):
        return f"{sheet.administration.title} · {date_format(localtime(sheet.submitted_at), 'j M Y')}"


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label=_("Problem"), max_length=300, help_text=_("A short description; details go in the notes.")
    )
    bidang = forms.ChoiceField(label=_("Bidang"), choices=Bidang.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.COUNSELOR)
    alert = _AlertChoice(label=_("From a safety alert"), queryset=Alert.objects.none(), required=False)
    sheet = _SheetChoice(label=_("From an instrument answer sheet"), queryset=Assignment.objects.none(), required=False)

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        # The student's own alerts and submitted sheets: the counselor who serves them may see these.
        self.fields["alert"].queryset = Alert.objects.filter(student=student, school_id=student.school_id).order_by(
            "-created_at"
        )
        self.fields["sheet"].queryset = (
            Assignment.objects.filter(student=student, school_id=student.school_id, submitted_at__isnull=False)
            .select_related("administration")
            .order_by("-submitted_at")
        )

    def clean_title(self):
        value = _clean_text(self.cleaned_data["title"])
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class EditCaseForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=300)
    bidang = forms.ChoiceField(label=_("Bidang"), choices=Bidang.choices)


class AcceptReferralForm(forms.Form):
    case = IdField(label=_("Add to an open case"), queryset=Case.objects.none(), required=False)
    title = forms.CharField(label=_("Problem (for a new case)"), max_length=300, required=False)
    bidang = forms.ChoiceField(label=_("Bidang"), choices=Bidang.choices, required=False)

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cases is not None:
            self.fields["case"].queryset = cases

    def clean(self):
        data = super().clean()
        if not data.get("case"):
            data["title"] = _clean_text(data.get("title"))
            if not data["title"] or not data.get("bidang"):
                raise forms.ValidationError(
                    _("Choose an open case, or write the problem and the bidang of a new case.")
                )
        return data


class ReferralForm(forms.Form):
    student = IdField(label=_("Student"), queryset=None)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    source = forms.ChoiceField(label=_("Referred by"), choices=Source.choices)
    referrer_name = forms.CharField(
        label=_("Name of the person who referred"),
        max_length=200,
        required=False,
        help_text=_("A teacher or parent without an account: write their name."),
    )

    def __init__(self, *args, students, counselor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        if not counselor:
            # A wali kelas refers as themselves.
            del self.fields["source"]
            del self.fields["referrer_name"]

    def clean_reason(self):
        value = _clean_text(self.cleaned_data["reason"])
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Private note"),
        widget=forms.Textarea(attrs={"rows": 4, "aria-label": _("Private note")}),
        max_length=20_000,
    )


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label=_("What to do"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("What to do"), "aria-label": _("What to do")}),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DateInput(attrs={"aria-label": _("Due date")}))


class AccessForm(forms.Form):
    ACTIONS = [
        ("share", _("Share")),
        ("unshare", _("Stop sharing")),
        ("handle", _("Handle the case")),
        ("release", _("Stop handling the case")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.Select(attrs={"aria-label": _("What to do")}))
    counselor = IdField(
        label=_("Counselor"), queryset=User.objects.none(), widget=forms.Select(attrs={"aria-label": _("Counselor")})
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.filter(
            school=school, role__in=COUNSELOR_ROLES, is_active=True
        ).order_by("full_name", "username")


class _RecordForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _clean_text(value)
        return data


class ReferralOutForm(_RecordForm):
    class Meta:
        model = ReferralOut
        fields = ["to_kind", "to_name", "to_address", "referred_on", "reason", "result"]
        widgets = {
            "referred_on": DateInput,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 3}),
        }


class HomeVisitForm(_RecordForm):
    class Meta:
        model = HomeVisit
        fields = ["visit_on", "address", "met_with", "purpose", "findings"]
        widgets = {
            "visit_on": DateInput,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }


class CaseConferenceForm(_RecordForm):
    class Meta:
        model = CaseConference
        fields = ["held_on", "place", "participants", "agenda", "outcome"]
        widgets = {
            "held_on": DateInput,
            "participants": forms.Textarea(attrs={"rows": 4, "placeholder": _("One a line: name — role")}),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_participants(self):
        value = _clean_text(self.cleaned_data["participants"])
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class ParentCallInForm(_RecordForm):
    class Meta:
        model = ParentCallIn
        fields = ["parent_name", "meet_on", "meet_at", "place", "purpose", "attended", "outcome"]
        widgets = {
            "meet_on": DateInput,
            "meet_at": TimeInput,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "attended": forms.NullBooleanSelect,
        }


RECORD_FORMS = {
    "alih-tangan": ReferralOutForm,
    "kunjungan-rumah": HomeVisitForm,
    "konferensi": CaseConferenceForm,
    "panggilan-ortu": ParentCallInForm,
}
