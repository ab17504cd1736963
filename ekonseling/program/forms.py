"""Forms of the BK program: draft from a needs assessment, an item, an RPL, a realisation link."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ekonseling.core import policy
from ekonseling.core.forms import IdField
from ekonseling.instruments import reports as instrument_reports
from ekonseling.instruments.models import Administration
from ekonseling.records.models import Bidang, ServiceRecord, ServiceType
from ekonseling.students.models import AcademicYear, Rombel

from . import services
from .models import MONTH_CHOICES, WEEK_CHOICES, Rpl


def needs_administrations(user):
    """The administrations the user may plan from: their kind ranks needs (AKPD/IKMS) or problems
    (DCM, AUM Umum)."""
    rows = Administration.objects.filter(
        school_id=user.school_id, instrument__scoring__in=instrument_reports.needs_kinds()
    )
    return policy.visible(user, "administration.manage", rows).select_related("instrument").order_by("-opens_at")


class NumbersField(forms.Field):
    """Item numbers sent as repeated fields (the ticked checkboxes of a proposal)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        numbers = []
        for part in list(value)[:1000]:
            part = str(part)
            if not part.isdigit() or len(part) > 6:
                raise forms.ValidationError(_("Choose from the proposed topics."))
            numbers.append(int(part))
        return numbers


class DraftForm(forms.Form):
    administration = IdField(
        label=_("Needs assessment (AKPD/IKMS) or problem checklist (DCM, AUM)"), queryset=Administration.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    per_bidang = forms.IntegerField(
        label=_("Topics per bidang"), min_value=1, max_value=services.MAX_PER_BIDANG, initial=3
    )
    # The second step: the proposal was shown and the counselor ticked the topics to keep.
    accept = NumbersField(required=False)
    step = forms.ChoiceField(choices=[("propose", "propose"), ("accept", "accept")], required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = needs_administrations(user)


class EmptyProgramForm(forms.Form):
    academic_year = IdField(label=_("Academic year"), queryset=AcademicYear.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = AcademicYear.objects.filter(school_id=user.school_id)


class ItemForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    bidang = forms.ChoiceField(label=_("Field (bidang)"), choices=Bidang.choices)
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12, required=False)
    rombel = IdField(label=_("Rombel"), queryset=Rombel.objects.none(), required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int)
    week = forms.TypedChoiceField(
        label=_("Week"), choices=[("", "—"), *WEEK_CHOICES], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rombel"].queryset = Rombel.objects.filter(
            school_id=user.school_id, academic_year__is_current=True
        ).order_by("grade", "name")

    def data_(self):
        d = self.cleaned_data
        return services.ItemData(
            bidang=d["bidang"],
            topic=d["topic"],
            service_type=d["service_type"],
            month=d["month"],
            week=d["week"],
            grade=d["grade"],
            rombel=d["rombel"],
        )


class RplForm(forms.ModelForm):
    class Meta:
        model = Rpl
        fields = list(Rpl.FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in Rpl.FIELDS if name != "waktu"}


class LinkForm(forms.Form):
    record = IdField(label=_("Service record"), queryset=ServiceRecord.objects.none())
    action = forms.ChoiceField(choices=[("link", "link"), ("unlink", "unlink")])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = policy.visible(user, "service_record.view", ServiceRecord.objects.all())


class VersionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SessionForm(forms.Form):
    """The classical session of an item given now: the rombel (when the item names a grade) and
    the duration; the students are asked for a Laiseg."""

    rombel = IdField(label=_("Rombel"), queryset=Rombel.objects.none(), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, initial=45)

    def __init__(self, *args, user, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        rombels = Rombel.objects.filter(school_id=user.school_id, academic_year__is_current=True)
        if item is not None and item.grade:
            rombels = rombels.filter(grade=item.grade)
        self.fields["rombel"].queryset = rombels.order_by("grade", "name")
