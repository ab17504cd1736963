"""The service-record form, its filters and the Laiseg form. The choices of students and rombel
are what the counselor may record for (their caseload; the koordinator: the school)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.models import Role
from ekonseling.core import policy
from ekonseling.core.forms import IdField, IdsField
from ekonseling.students.models import Rombel, Student

from . import services
from .models import Bidang, Laiseg, Medium, Scope, ServiceType


def _students(user):
    students = Student.objects.filter(school_id=user.school_id, status=Student.Status.ACTIVE)
    return policy.visible(user, "student.view", students).select_related("rombel").order_by("rombel__name", "name")


def _rombels(user):
    rombels = Rombel.objects.filter(school_id=user.school_id, academic_year__is_current=True)
    if user.role != Role.KOORDINATOR_BK:
        from ekonseling.students import caseload

        rombels = rombels.filter(pk__in=caseload.rombels_of(user))
    return rombels.order_by("grade", "name")


class StudentChoice(IdField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.rombel.name})" if obj.rombel_id else obj.name


class StudentsChoice(IdsField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.rombel.name})" if obj.rombel_id else obj.name


class RecordForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    bidang = forms.ChoiceField(label=_("Field (bidang)"), choices=Bidang.choices)
    medium = forms.ChoiceField(label=_("Medium"), choices=Medium.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=services.MAX_DURATION)
    scope = forms.ChoiceField(label=_("Who took part"), choices=Scope.choices, widget=forms.RadioSelect)
    student = StudentChoice(label=_("Student"), queryset=Student.objects.none(), required=False)
    group = StudentsChoice(
        label=_("Students of the group"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    rombel = IdField(label=_("Rombel"), queryset=Rombel.objects.none(), required=False)
    topic = forms.CharField(
        label=_("Topic"), max_length=200, help_text=_("A short title, shown in lists and reports; keep details below.")
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    ask_laiseg = forms.BooleanField(
        label=_("Ask the students for a Laiseg (immediate evaluation) on their phone"), required=False
    )

    def __init__(self, user, *args, extra_students=(), **kwargs):
        super().__init__(*args, **kwargs)
        students = _students(user)
        if extra_students:  # students already on a record stay choosable
            students = (students | Student.objects.filter(pk__in=[s.pk for s in extra_students])).distinct()
        self.fields["student"].queryset = students
        self.fields["group"].queryset = students
        self.fields["rombel"].queryset = _rombels(user)
        for name in ("description", "result", "follow_up", "topic"):
            self.fields[name].widget.attrs["maxlength"] = 20000 if name != "topic" else 200

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Scope.STUDENT and not data.get("student"):
            self.add_error("student", _("Choose the student."))
        if scope == Scope.GROUP and len(data.get("group") or []) < 2:
            self.add_error("group", _("Choose at least two students."))
        if scope == Scope.ROMBEL and not data.get("rombel"):
            self.add_error("rombel", _("Choose the rombel."))
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("A service is recorded once it has taken place: the date is in the future."))
        for name in ("description", "result", "follow_up"):
            if len(data.get(name) or "") > 20000:
                self.add_error(name, _("At most 20,000 characters."))
        return data

    def record_data(self, conversation=None):
        data = self.cleaned_data
        scope = data["scope"]
        students = [data["student"]] if scope == Scope.STUDENT else list(data.get("group") or [])
        return services.RecordData(
            service_type=data["service_type"],
            bidang=data["bidang"],
            medium=data["medium"],
            date=data["date"],
            duration_minutes=data["duration_minutes"],
            scope=scope,
            topic=data["topic"].strip(),
            description=data["description"],
            result=data["result"],
            follow_up=data["follow_up"],
            students=students if scope != Scope.ROMBEL else [],
            rombel=data.get("rombel") if scope == Scope.ROMBEL else None,
            conversation=conversation,
            ask_laiseg=data["ask_laiseg"],
        )


SCALE_CHOICES = [(str(value), label) for value, label in Laiseg.SCALE]


class LaisegForm(forms.Form):
    understanding = forms.ChoiceField(
        label=_("I understand what was discussed and what I learned from it."),
        choices=SCALE_CHOICES,
        widget=forms.RadioSelect,
    )
    comfort = forms.ChoiceField(
        label=_("I felt comfortable and safe during the session."), choices=SCALE_CHOICES, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label=_("I know what I will do next and I am ready to do it."),
        choices=SCALE_CHOICES,
        widget=forms.RadioSelect,
    )
    plan = forms.CharField(
        label=_("What will you do after this session?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        max_length=2000,
        required=False,
    )
