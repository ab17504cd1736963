"""Forms of the student record, the year-end step and deletion decisions.

Which fields a form has is decided by the policy for the user in front of it, so a field the user
may not change is not merely hidden: it is not in the form and a forged POST cannot set it.
"""

import io
import uuid

from django import forms
from django.core.files.base import ContentFile
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ekonseling.accounts.forms import ConfirmPasswordForm
from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core import policy
from ekonseling.core.forms import id_formfield

from .models import Guardian, Rombel, Student

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_PIXELS = 40_000_000  # decoding more than this is a memory attack, not a portrait
PHOTO_BOX = (600, 800)


def _may_assign_counselors(user, student):
    # Individual assignments: whoever manages caseloads, and the student's own counselors (to
    # share a student with a colleague).
    return policy.can(user, "caseload.manage") or policy.can(user, "student.flag", student)


# (section title, fields, the policy action on the student that unlocks them, or a check of its own)
SECTIONS = [
    (
        _("Identity"),
        ["name", "nisn", "nipd", "sex", "birth_place", "birth_date", "religion", "previous_school"],
        "student.edit",
    ),
    # Class membership and leaving are the operator's, as in the administration.
    (_("Rombel and status"), ["rombel", "status", "left_on"], "admin.students"),
    (
        _("Contact and address"),
        ["address", "rt", "rw", "dusun", "kelurahan", "kecamatan", "postal_code", "phone", "mobile", "email"],
        "student.edit",
    ),
    (_("Living situation"), ["living_with", "transport", "distance_km", "siblings", "birth_order"], "student.edit"),
    (_("Development"), ["achievements", "aspirations", "hobbies", "extracurriculars"], "student.edit"),
    (_("Photo"), ["photo", "remove_photo"], "student.edit"),
    (_("Health and special needs"), ["health_notes", "special_needs"], "student.edit_health"),
    (_("Counseling"), ["needs_attention"], "student.flag"),
    (_("Counseling"), ["counselors"], _may_assign_counselors),
]

HEALTH_FIELDS = ("health_notes", "special_needs")


def _may(user, action, student):
    return action(user, student) if callable(action) else policy.can(user, action, student)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _numeric(mode="numeric"):
    # A text box with a numeric keyboard: styled like every other box, and no spinner on phones.
    return forms.TextInput(attrs={"inputmode": mode})


class StudentRecordForm(forms.ModelForm):
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Student
        formfield_callback = id_formfield
        fields = [name for _title, names, _action in SECTIONS for name in names if name != "remove_photo"]
        widgets = {
            "distance_km": _numeric("decimal"),
            "siblings": _numeric(),
            "birth_order": _numeric(),
            "birth_date": DateInput(),
            "left_on": DateInput(),
            "achievements": forms.Textarea(attrs={"rows": 3}),
            "health_notes": forms.Textarea(attrs={"rows": 3}),
            "special_needs": forms.Textarea(attrs={"rows": 2}),
            "counselors": forms.CheckboxSelectMultiple(),
            # Not ClearableFileInput: that links to the file's storage URL, and photos are served
            # only through the policy-checked photo view.
            "photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        student = self.instance
        # Validation puts the upload on the instance: the photo it replaces is known only now.
        self.initial_photo_name = student.photo.name if student.photo else ""
        allowed = set()
        self.sections = []
        for title, names, action in SECTIONS:
            if _may(user, action, student):
                allowed.update(names)
                self.sections.append((title, names))
        for name in list(self.fields):
            if name not in allowed or (name == "remove_photo" and not student.photo):
                del self.fields[name]
        if "rombel" in self.fields:
            self.fields["rombel"].queryset = Rombel.objects.filter(
                school_id=student.school_id, academic_year__is_current=True
            ) | Rombel.objects.filter(pk=student.rombel_id)
        if "counselors" in self.fields:
            self.fields["counselors"].queryset = User.objects.filter(
                school_id=student.school_id, role__in=COUNSELOR_ROLES, is_active=True
            ).order_by("full_name", "username")
            self.fields["counselors"].label_from_instance = lambda u: u.display_name

    def changed_fields(self):
        """The model fields this save changes, by name (the audit entry lists them, never values)."""
        return sorted({"photo" if name == "remove_photo" else name for name in self.changed_data})

    @property
    def includes_health(self):
        return any(name in self.fields for name in HEALTH_FIELDS)

    def field_sections(self):
        """[{title, fields, confidential}] in page order; sections with one title merge."""
        merged = {}
        for title, names in self.sections:
            section = merged.setdefault(title, {"title": title, "fields": [], "confidential": False})
            section["fields"].extend(self[name] for name in names if name in self.fields)
            section["confidential"] |= any(name in HEALTH_FIELDS for name in names)
        return list(merged.values())

    def clean_nisn(self):
        nisn = self.cleaned_data["nisn"].strip()
        if not (nisn.isdigit() and len(nisn) == 10):
            raise forms.ValidationError(_("An NISN has exactly 10 digits."))
        taken = Student.objects.filter(school_id=self.instance.school_id, nisn=nisn).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another student of this school has this NISN."))
        return nisn

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "image"):
            return photo  # unchanged (the stored file) or cleared (False)
        return _normalise_photo(photo)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_photo") and not hasattr(cleaned.get("photo"), "image"):
            cleaned["photo"] = False  # what the model field takes as "clear"
        status = cleaned.get("status")
        if "status" in self.fields and status != Student.Status.ACTIVE and not cleaned.get("left_on"):
            self.add_error("left_on", _("Give the date the student graduated or left."))
        return cleaned


def _normalise_photo(upload):
    """Re-encode the upload as a small JPEG under a random name.

    Re-encoding drops EXIF (a phone photo carries the place it was taken: a child's home) and any
    payload hidden after the image data; the random name keeps the student's name out of the path.
    """
    from PIL import Image, ImageOps

    if upload.size > PHOTO_MAX_BYTES:
        raise forms.ValidationError(_("The photo may be at most 2 MB."))
    if upload.image.format not in PHOTO_FORMATS:
        raise forms.ValidationError(_("Upload a JPEG, PNG or WebP photo."))
    width, height = upload.image.size
    if width * height > PHOTO_MAX_PIXELS:
        raise forms.ValidationError(_("The photo has too many pixels; make it smaller."))
    upload.seek(0)
    with Image.open(upload) as image:
        ImageOps.exif_transpose(image, in_place=True)  # no second copy of a large image
        image.thumbnail(PHOTO_BOX)
        if image.mode != "RGB":
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        # "student" is the inline formset's key: Django appends it to this list on the first
        # formset it builds (a class-level change), so naming it here keeps the page the same from
        # the first request on (tests/test_inference.py compares pages byte for byte).
        fields = ["relation", "name", "birth_year", "education", "occupation", "income", "phone", "student"]
        widgets = {"relation": forms.HiddenInput(), "birth_year": _numeric()}

    @property
    def relation_label(self):
        return dict(Guardian.Relation.choices).get(self["relation"].value(), "")


class BaseGuardianFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            relation = form.cleaned_data.get("relation")
            if relation in seen:
                raise forms.ValidationError(_("Each of father, mother and guardian can be given once."))
            seen.add(relation)


def guardian_formset(student, data=None):
    """One form per relation (father, mother, guardian), existing or blank, in that order."""
    existing = {g.relation for g in student.guardians.all()}
    missing = [r for r in Guardian.Relation.values if r not in existing]
    formset_class = inlineformset_factory(
        Student,
        Guardian,
        form=GuardianForm,
        formset=BaseGuardianFormSet,
        extra=len(missing),
        max_num=len(Guardian.Relation.values),
        absolute_max=len(Guardian.Relation.values),  # a forged TOTAL_FORMS builds no more forms
        validate_max=True,
        can_delete=True,
    )
    formset = formset_class(data, instance=student, prefix="guardians", initial=[{"relation": r} for r in missing])
    order = {r: i for i, r in enumerate(Guardian.Relation.values)}
    formset.ordered_forms_by_relation = sorted(formset.forms, key=lambda f: order.get(f["relation"].value(), 9))
    return formset


def guardian_changes(formset):
    """The relations added, changed or removed, for the audit entry (names of fields, no values)."""
    changed = []
    for form in formset.forms:
        removed = formset.can_delete and form.instance.pk and formset._should_delete_form(form)
        if removed or form.has_changed():
            relation = form.cleaned_data.get("relation") or form.instance.relation
            changed.append(f"guardian:{relation}")
    return changed


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason and who asked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: a written request by the student's parent, received on 3 March. The reason is kept "
            "after the erasure, so do not write the student's name."
        ),
        max_length=2000,
    )


class DeletionDecisionForm(ConfirmPasswordForm):
    decision = forms.ChoiceField(choices=[("carry_out", _("Carry out")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class YearEndForm(forms.Form):
    """The new year's dates and, per rombel of the closing year, the target name and who stays down."""

    name = forms.CharField(label=_("New academic year"), max_length=9, help_text=_("For example 2027/2028."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())

    def __init__(self, mapping, students, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        self.rows = []
        by_rombel = {}
        for student in students:
            by_rombel.setdefault(student.rombel_id, []).append(student)
        self.student_ids = {s.pk for s in students}
        for rombel, suggestion in mapping.items():
            field_name = f"target_{rombel.pk}"
            if suggestion is not None:
                self.fields[field_name] = forms.CharField(
                    label=_("New rombel for %(name)s") % {"name": rombel.name},
                    max_length=50,
                    required=False,
                    initial=suggestion,
                )
            self.rows.append(
                {
                    "rombel": rombel,
                    "final": suggestion is None,
                    "field": self[field_name] if suggestion is not None else None,
                    "students": by_rombel.get(rombel.pk, []),
                }
            )

    def clean(self):
        cleaned = super().clean()
        retained = set()
        for value in self.retained_ids():
            if not value.isdigit() or int(value) not in self.student_ids:
                raise forms.ValidationError(_("Only students of this year's rombel can be marked as not promoted."))
            retained.add(int(value))
        cleaned["retained"] = retained
        cleaned["mapping"] = {
            rombel: cleaned.get(f"target_{rombel.pk}", "")
            for rombel, suggestion in self.mapping.items()
            if suggestion is not None
        }
        return cleaned

    def retained_ids(self):
        """The ticked "not promoted" boxes as sent (strings), also for re-showing them after an error."""
        return set(self.data.getlist("retained")) if self.is_bound else set()
