"""Forms of the appointments pages; rows are chosen through core.forms.IdField."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import User
from ekonseling.core import policy
from ekonseling.core.forms import IdField, IdsField
from ekonseling.students.models import Student

from .models import WEEKDAYS, Appointment, AvailabilityException, GroupMember, Medium, SchoolHoliday, WeeklySlot


def _slot_value(start):
    return timezone.localtime(start, timezone.get_default_timezone()).strftime("%Y-%m-%dT%H:%M")


def _slot_label(start, end):
    local = timezone.localtime(start, timezone.get_default_timezone())
    finish = timezone.localtime(end, timezone.get_default_timezone())
    return f"{date_format(local, 'D d/m')} {local:%H.%M}–{finish:%H.%M}"


class CounselorChoice(IdField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class RequestForm(forms.Form):
    counselor = CounselorChoice(label=_("Counselor"), queryset=User.objects.none(), widget=forms.HiddenInput)
    slot = forms.ChoiceField(label=_("Time"), choices=(), widget=forms.RadioSelect)
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices)
    topic = forms.CharField(
        label=_("Topic"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what you would like to talk about. Only your counselor sees it."),
    )

    def __init__(self, counselors, counselor, free, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.filter(pk__in=[c.pk for c in counselors])
        self.fields["counselor"].initial = counselor.pk if counselor else None
        self.free = {_slot_value(start): (start, end) for start, end in free}
        self.fields["slot"].choices = [(value, _slot_label(*pair)) for value, pair in self.free.items()]

    def clean_slot(self):
        return self.free[self.cleaned_data["slot"]][0]


class BookForm(forms.Form):
    student = IdField(label=_("Student"), queryset=Student.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=240, initial=30)
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices)
    topic = forms.CharField(label=_("Topic"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        students = Student.objects.filter(school_id=user.school_id, status=Student.Status.ACTIVE)
        self.fields["student"].queryset = policy.visible(user, "student.view", students).order_by("name")


class StudentChoices(IdsField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.rombel.name})" if obj.rombel_id else obj.name


class GroupAddForm(forms.Form):
    """Students of the counselor's caseload who are not yet in the group session."""

    students = StudentChoices(label=_("Students"), queryset=Student.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, user, appointment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        students = Student.objects.filter(school_id=user.school_id, status=Student.Status.ACTIVE)
        self.fields["students"].queryset = (
            policy.visible(user, "student.view", students)
            .exclude(pk=appointment.student_id)
            .exclude(group_appointments__appointment=appointment)
            .select_related("rombel")
            .order_by("name")
        )


class GroupRemoveForm(forms.Form):
    member = IdField(queryset=GroupMember.objects.none())

    def __init__(self, appointment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = GroupMember.objects.filter(appointment=appointment)


class ProposeForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Appointment.Status.DONE, _("Held")), (Appointment.Status.NO_SHOW, _("Student did not come"))],
    )


def _time(label):
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class WeeklySlotForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int)
    starts_at = _time(_("From"))
    ends_at = _time(_("Until"))
    session_minutes = forms.IntegerField(label=_("Session length (minutes)"), min_value=10, max_value=240, initial=30)


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AvailabilityException.Kind.choices)
    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    session_minutes = forms.IntegerField(label=_("Session length (minutes)"), min_value=10, max_value=240, initial=30)


class DeleteAvailabilityForm(forms.Form):
    slot = IdField(queryset=WeeklySlot.objects.none(), required=False)
    exception = IdField(queryset=AvailabilityException.objects.none(), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = WeeklySlot.objects.filter(counselor=user)
        self.fields["exception"].queryset = AvailabilityException.objects.filter(counselor=user)


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("Name"), max_length=120)


class DeleteHolidayForm(forms.Form):
    holiday = IdField(queryset=SchoolHoliday.objects.none())

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holiday"].queryset = SchoolHoliday.objects.filter(school_id=user.school_id)
