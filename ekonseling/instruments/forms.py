"""Forms of the counselor's instrument pages: importing a definition, opening an administration,
per-student deadlines and deciding a critical-item alert. Access is decided by the views (policy)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekonseling.core.forms import IdField, IdsField

MAX_DEFINITION_BYTES = 2 * 1024 * 1024
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A phone's native date-and-time picker; the value is the school's local time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_INPUT_FORMAT)


def local_datetime_field(label, **kwargs):
    # Naive input is read in the current time zone (settings.TIME_ZONE, the school's).
    return forms.DateTimeField(
        label=label, widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT_FORMAT, "%Y-%m-%d %H:%M"], **kwargs
    )


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Definition file"),
        widget=forms.FileInput(
            attrs={
                "accept": ".json,.xlsx,application/json,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        help_text=_("The spreadsheet template (.xlsx) filled in, or a JSON file in the E-Konseling instrument format."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DEFINITION_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload


class AdministrationForm(forms.Form):
    instrument = IdField(label=_("Instrument"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_at = local_datetime_field(_("Opens at"))
    closes_at = local_datetime_field(_("Closes at"))
    rombels = IdsField(label=_("Rombel"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    students = IdsField(
        label=_("Individual students"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    attention_percent = forms.IntegerField(
        label=_("Needs individual attention from (%)"),
        min_value=1,
        max_value=100,
        initial=50,
        help_text=_("A student whose percentage reaches this in enough areas is listed for individual follow-up."),
    )
    attention_min_areas = forms.IntegerField(label=_("In at least this many areas"), min_value=1, initial=1)

    def __init__(self, *args, instruments, rombels, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: f"{i.code} v{i.version} — {i.title}"[:90]
        self.fields["rombels"].queryset = rombels
        self.fields["rombels"].label_from_instance = lambda r: f"{r.name} ({r.student_count})"
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda s: f"{s.name} · {s.rombel.name if s.rombel else '–'}"

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        if closes_at and closes_at <= timezone.now():
            self.add_error("closes_at", _("The closing time has already passed."))
        if not data.get("rombels") and not data.get("students"):
            self.add_error(None, _("Choose at least one rombel or student."))
        return data


class ExtendForm(forms.Form):
    until = local_datetime_field(_("New deadline"))


class ReopenForm(forms.Form):
    until = local_datetime_field(_("Deadline for the changes (optional)"), required=False)


class ReleaseForm(forms.Form):
    released = forms.BooleanField(required=False)


class ArchiveForm(forms.Form):
    archived = forms.BooleanField(required=False)
