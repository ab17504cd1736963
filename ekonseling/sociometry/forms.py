"""Forms of sociometry: opening a survey, the response sheet (phone and paper), the upload.
Access is the views' (policy); what a response may hold is `services.check_answers`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ekonseling.core.forms import IdField, SpreadsheetUploadForm
from ekonseling.instruments.forms import local_datetime_field

from . import importing
from .models import MAX_CHOICES, Criterion
from .services import DEFAULT_QUESTIONS, CriterionAnswer


class SurveyForm(forms.Form):
    rombel = IdField(label=_("Rombel"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    criteria = forms.MultipleChoiceField(
        label=_("Criteria"),
        choices=[(k, label) for k, label in Criterion.Kind.choices if k != Criterion.Kind.OWN],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Criterion.Kind.STUDY],
    )
    own_question = forms.CharField(
        label=_("Your own criterion (optional)"),
        max_length=300,
        required=False,
        help_text=_("E.g. “Who would you like to sit next to?”"),
    )
    choices = forms.TypedChoiceField(
        label=_("Choices per criterion"),
        choices=[(n, str(n)) for n in range(1, MAX_CHOICES + 1)],
        coerce=int,
        initial=3,
        help_text=_("Weighted from this number down to 1: with 3, a first choice weighs 3, a second 2, a third 1."),
    )
    rejections = forms.TypedChoiceField(
        label=_("Rejections per criterion"),
        choices=[(n, str(n)) for n in range(0, MAX_CHOICES + 1)],
        coerce=int,
        initial=0,
        help_text=_("0: students are not asked whom they would rather not choose."),
    )
    opens_at = local_datetime_field(_("Opens at"))
    closes_at = local_datetime_field(_("Closes at"))

    def __init__(self, *args, rombels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rombel"].queryset = rombels

    def clean(self):
        data = super().clean()
        if not data.get("criteria") and not (data.get("own_question") or "").strip():
            raise forms.ValidationError(_("Choose at least one criterion or write your own."))
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        if closes_at and closes_at <= timezone.now():
            self.add_error("closes_at", _("The closing time has already passed."))
        return data

    def criteria_pairs(self) -> list[tuple[str, str]]:
        pairs = [(kind, DEFAULT_QUESTIONS[kind]) for kind in self.cleaned_data["criteria"]]
        own = (self.cleaned_data.get("own_question") or "").strip()
        if own:
            pairs.append((Criterion.Kind.OWN, own))
        return pairs


class UploadForm(SpreadsheetUploadForm):
    @staticmethod
    def check_size(size):
        if size > importing.MAX_BYTES:
            raise ValueError(gettext("The file is larger than 5 MB."))


def field_name(criterion_id: int, student_id: int) -> str:
    return f"k{criterion_id}_s{student_id}"


def slot_options(choices: int, rejections: int) -> list[tuple[str, str]]:
    options = [("", "—")]
    options += [(f"p{r}", gettext("Choice %(rank)d") % {"rank": r}) for r in range(1, choices + 1)]
    options += [(f"t{r}", gettext("Rejection %(rank)d") % {"rank": r}) for r in range(1, rejections + 1)]
    return options


def read_sheet(
    data: Mapping[str, str], survey, criteria: Sequence, classmates: Sequence[int]
) -> tuple[dict[int, CriterionAnswer], list[str]]:
    """The posted sheet: one select per criterion and classmate, valued "p<rank>" or "t<rank>".
    Returns the answers and what is wrong with the form itself (a rank given twice, gaps)."""
    answers: dict[int, CriterionAnswer] = {}
    errors: list[str] = []
    for criterion in criteria:
        slots: dict[bool, dict[int, int]] = {True: {}, False: {}}
        for student_id in classmates:
            value = str(data.get(field_name(criterion.pk, student_id), "") or "")
            if not value:
                continue
            kind, digits = value[:1], value[1:]
            if kind not in ("p", "t") or not digits.isdigit() or len(digits) > 2:
                errors.append(gettext("%(criterion)s: an unknown choice.") % {"criterion": criterion.question})
                continue
            rank, positive = int(digits), kind == "p"
            limit = survey.choices if positive else survey.rejections
            if not 1 <= rank <= limit:
                errors.append(gettext("%(criterion)s: an unknown choice.") % {"criterion": criterion.question})
                continue
            if rank in slots[positive]:
                errors.append(
                    gettext("%(criterion)s: %(slot)s is given to two classmates.")
                    % {
                        "criterion": criterion.question,
                        "slot": (gettext("Choice %(rank)d") if positive else gettext("Rejection %(rank)d"))
                        % {"rank": rank},
                    }
                )
                continue
            slots[positive][rank] = student_id
        for positive in (True, False):
            ranks = sorted(slots[positive])
            if ranks != list(range(1, len(ranks) + 1)):
                errors.append(
                    gettext("%(criterion)s: fill the choices from the first without a gap.")
                    % {"criterion": criterion.question}
                )
        answers[criterion.pk] = CriterionAnswer(
            [slots[True][r] for r in sorted(slots[True])], [slots[False][r] for r in sorted(slots[False])]
        )
    return answers, list(dict.fromkeys(errors))
