"""Student import pages: upload, preview, confirm. Thin on purpose: reading the file is `importing`,
comparing and writing is `imports`, and the management command shares both, so the two agree."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ekonseling.core import audit, policy
from ekonseling.core.forms import SpreadsheetUploadForm

from . import imports
from .importing import DROPPED_COLUMNS, MAX_DATA_ROWS
from .models import ImportBatch


class UploadForm(SpreadsheetUploadForm):
    check_size = staticmethod(imports.check_size)


def _school(request):
    # "student.import" is the operator's; an operator always belongs to a school, but never assume it.
    if request.user.school_id is None:
        raise PermissionDenied
    return request.user.school


@policy.require("student.import")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    school = _school(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.preview(school, upload.read(), upload.name, request.user)
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("students:import_preview", pk=batch.pk)
    waiting = (
        ImportBatch.objects.filter(school=school, status=ImportBatch.Status.PREVIEW)
        .select_related("uploaded_by")
        .defer("payload")[:5]
    )
    context = {
        "form": form,
        "waiting": waiting,
        "dropped_columns": DROPPED_COLUMNS,
        "max_mb": imports.max_bytes() / (1024 * 1024),
        "max_rows": MAX_DATA_ROWS,
    }
    return render(request, "students/import/upload.html", context)


@policy.require("student.import")
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    batch = policy.get_object_or_404(request.user, "student.import", ImportBatch.objects.all(), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            try:
                applied = imports.apply(batch, request.user, **audit.request_origin(request))
            except imports.ImportRefused as exc:
                messages.error(request, str(exc))
                return redirect("students:import_preview", pk=batch.pk)
            messages.success(
                request,
                _(
                    "Import applied: %(created)d new, %(updated)d updated and %(unchanged)d unchanged students; "
                    "%(rombels)d new rombel; %(errors)d rows with errors skipped."
                )
                % {
                    "created": applied["created"],
                    "updated": applied["updated"],
                    "unchanged": applied["unchanged"],
                    "rombels": applied["rombels_created"],
                    "errors": applied["error_rows"],
                },
            )
            return redirect("students:list")
        if action == "cancel":
            try:
                imports.cancel(batch)
            except imports.ImportRefused as exc:
                messages.error(request, str(exc))
                return redirect("students:import_preview", pk=batch.pk)
            messages.success(request, _("Import cancelled: nothing was written."))
            return redirect("students:import")
        messages.error(request, _("Choose Confirm or Cancel."))
        return redirect("students:import_preview", pk=batch.pk)
    context = {"batch": batch, **imports.describe(batch)}
    context["can_confirm"] = batch.status == ImportBatch.Status.PREVIEW and not context["needs_year"]
    return render(request, "students/import/preview.html", context)
