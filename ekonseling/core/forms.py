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
