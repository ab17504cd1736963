"""Forms more than one app uses."""

from django import forms
from django.utils.translation import gettext_lazy


class SpreadsheetUploadForm(forms.Form):
    """A spreadsheet upload refused by size before it is read into memory. `check_size` is the
    importer's own check, which raises a ValueError carrying the message to show."""

    check_size = None  # set by the subclass: a callable taking the size in bytes

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        allow_empty_file=True,  # an empty file gets the import's own, clearer message
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.check_size(upload.size)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


MAX_ID_DIGITS = 18  # every id fits a 64-bit column; SQLite refuses a larger int with OverflowError


def plausible_id(value) -> bool:
    """Could this be a row id: ASCII digits that fit a 64-bit column."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses, with the field's own message, any value that
    cannot be an id — a 400-digit number, `1e400`, `-1`, text — before it reaches the database.
    Django's field lets SQLite's OverflowError through as a 500 (issue 11).

    Used for every multiple choice of rows in the app's forms and, through `SchoolScopedAdmin`, for
    the admin's many-to-many widgets."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        if field.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
            for pk in value:
                if not plausible_id(pk):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:20]}
                    )
        return super()._check_values(value)


class IdField(forms.ModelChoiceField):
    """One row by id, refusing what cannot be an id before the query (see IdsField)."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and not plausible_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def id_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: relations get IdField and IdsField."""
    from django.db import models

    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdsField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdField)
    return db_field.formfield(**kwargs)
