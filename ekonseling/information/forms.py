from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekonseling.core.forms import IdField, IdsField
from ekonseling.students.models import Rombel, Student

from . import services
from .models import Article

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text or simple formatting: **bold**, *italic*, # Heading, - list item, 1. numbered item, "
            "> quote, [text](https://…). A blank line starts a new paragraph; web addresses become links."
        ),
    )
    audience = forms.ChoiceField(label=_("For"), choices=Article.Audience.choices, widget=forms.RadioSelect)
    grade = forms.IntegerField(label=_("Grade"), min_value=1, max_value=12, required=False)
    rombels = IdsField(label=_("Rombel"), queryset=Rombel.objects.none(), required=False)
    students = IdsField(
        label=_("Students"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("For chosen students: only the students you serve are listed."),
    )
    publish_at = forms.DateTimeField(label=_("Published from"), widget=DATETIME, initial=timezone.now)
    expires_at = forms.DateTimeField(label=_("Shown until"), widget=DATETIME, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rombels"].queryset = Rombel.objects.filter(
            school_id=user.school_id, academic_year__is_current=True
        ).order_by("grade", "name")
        self.fields["students"].queryset = (
            services.servable_students(user).select_related("rombel").order_by("rombel__grade", "rombel__name", "name")
        )
        self.fields["students"].label_from_instance = lambda s: f"{s.name} ({s.rombel.name})" if s.rombel else s.name

    def data_(self):
        d = self.cleaned_data
        return services.ArticleData(
            title=d["title"],
            body=d["body"],
            audience=d["audience"],
            publish_at=d["publish_at"],
            expires_at=d["expires_at"],
            grade=d["grade"],
            rombels=list(d["rombels"] or []),
            students=list(d["students"] or []),
        )


ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm"


class MediaForm(forms.Form):
    file = forms.FileField(
        label=_("Image, PDF or video"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm"}
        ),
        help_text=_("JPEG, PNG or WebP up to 8 MB, PDF up to 10 MB, MP4 or WebM video up to 50 MB."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class PollForm(forms.Form):
    rombel = IdField(label=_("Rombel"), queryset=Rombel.objects.none())
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Options (one a line, 2 to 6)"), max_length=800, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ekonseling.accounts.models import Role
        from ekonseling.students import caseload

        rombels = Rombel.objects.filter(school_id=user.school_id, academic_year__is_current=True)
        if user.role != Role.KOORDINATOR_BK:
            rombels = rombels.filter(pk__in=caseload.rombels_of(user))
        self.fields["rombel"].queryset = rombels.order_by("grade", "name")

    def clean_options(self):
        options = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if not 2 <= len(options) <= 6 or any(len(o) > 100 for o in options):
            raise forms.ValidationError(_("Write 2 to 6 options, one a line, each at most 100 characters."))
        return options


class AnswerForm(forms.Form):
    choice = forms.IntegerField(min_value=0, max_value=5)
