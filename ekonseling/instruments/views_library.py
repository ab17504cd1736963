"""The school's instrument library: the stored definition versions, samples, import and export.

Definitions hold item texts and keys, not counseling content, so reading them is not audited;
importing and exporting are (they change or carry out a licensed text a school typed).
"""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.core import audit, policy

from . import authoring, kinds, services, workbook
from . import definition as definitions
from .forms import ArchiveForm, DefinitionUploadForm
from .models import Instrument


def _kind_label(scoring: str) -> str:
    """The kind's name in the library; the raw name for a kind this version no longer has."""
    try:
        return kinds.get(scoring).label
    except KeyError:
        return scoring


BIDANG_LABELS = {
    "pribadi": gettext_lazy("personal"),
    "sosial": gettext_lazy("social"),
    "belajar": gettext_lazy("learning"),
    "karier": gettext_lazy("career"),
}
OUTCOME_MESSAGES = {
    "created": gettext_lazy("%(name)s was added to the library."),
    "unchanged": gettext_lazy("%(name)s is already in the library with exactly this content; nothing changed."),
    "replaced": gettext_lazy("%(name)s was replaced with the new content (it had no answers yet)."),
}


def _instruments(user):
    return Instrument.objects.filter(school_id=user.school_id)


def _school_instrument(request, pk):
    return policy.get_object_or_404(request.user, "instrument.library", Instrument.objects.all(), pk=pk)


@policy.require("instrument.library")
@require_GET
def library(request):
    instruments = list(_instruments(request.user).annotate(administration_count=Count("administrations")))
    frozen = set(
        Instrument.objects.filter(
            pk__in=[i.pk for i in instruments], administrations__assignments__saved_at__isnull=False
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for instrument in instruments:
        instrument.is_frozen = instrument.pk in frozen
        instrument.kind_label = _kind_label(instrument.scoring)
    context = {
        "instruments": instruments,
        "has_samples": any(i.sample for i in instruments),
    }
    return render(request, "instruments/library/list.html", context)


@policy.require("instrument.library")
@require_POST
def install_samples(request):
    services.install_samples(request.user.school, user=request.user, **audit.request_origin(request))
    messages.success(
        request,
        _("The sample instruments are in the library. They are for trying the system, not licensed instruments."),
    )
    return redirect("instruments:library")


@policy.require("instrument.library")
@require_http_methods(["GET", "POST"])
def import_definition(request):
    form = DefinitionUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            instrument, outcome = services.import_definition(
                request.user.school, upload.read(), upload.name, user=request.user, **audit.request_origin(request)
            )
        except definitions.DefinitionInvalid as exc:
            errors = exc.errors
        except services.InstrumentError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, OUTCOME_MESSAGES[outcome] % {"name": str(instrument)}, extra_tags=f"outcome-{outcome}"
            )
            return redirect("instruments:instrument", pk=instrument.pk)
    context = {"form": form, "errors": errors, "kinds": [kinds.get(name) for name in kinds.NAMES]}
    return render(request, "instruments/library/import.html", context)


@policy.require("instrument.library")
@require_GET
def detail(request, pk):
    instrument = _school_instrument(request, pk)
    definition = instrument.definition
    areas = [
        {
            "area": area,
            "bidang": BIDANG_LABELS.get(area.bidang, area.bidang or ""),
            "items": definition.items_by_area[area.code],
        }
        for area in definition.areas
    ]
    context = {
        "instrument": instrument,
        "definition": definition,
        "kind_label": _kind_label(instrument.scoring),
        "areas": areas,
        "critical": [definition.items_by_number[n] for n in definition.critical_items],
        "frozen": instrument.frozen,
        "administration_count": instrument.administrations.count(),
    }
    return render(request, "instruments/library/detail.html", context)


@policy.require("instrument.library")
@require_GET
def export(request, pk):
    instrument = _school_instrument(request, pk)
    content = services.export_definition(instrument, request.user, **audit.request_origin(request))
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{instrument.code}-v{instrument.version}.json")
    return response


@policy.require("instrument.library")
@require_POST
def archive(request, pk):
    instrument = _school_instrument(request, pk)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        services.set_archived(instrument, form.cleaned_data["archived"], request.user, **audit.request_origin(request))
        if instrument.archived:
            messages.success(
                request,
                _("%(name)s is archived: it is no longer offered for new administrations.") % {"name": str(instrument)},
            )
        else:
            messages.success(request, _("%(name)s is back in use.") % {"name": str(instrument)})
    return redirect("instruments:instrument", pk=instrument.pk)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@policy.require("instrument.library")
@require_GET
def definition_template(request, kind):
    """The spreadsheet template of a scoring kind: its sample (our own texts) in the workbook."""
    if kind not in kinds.NAMES:
        raise Http404
    response = HttpResponse(workbook.template(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"templat-{kind}.xlsx")
    return response


@policy.require("instrument.library")
@require_GET
def export_xlsx(request, pk):
    instrument = _school_instrument(request, pk)
    content = services.export_definition_xlsx(instrument, request.user, **audit.request_origin(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{instrument.code}-v{instrument.version}.xlsx")
    return response


@policy.require("instrument.library")
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Texts, bands and critical items of a version nobody has answered yet."""
    instrument = _school_instrument(request, pk)
    definition = instrument.definition
    if instrument.frozen:
        messages.error(
            request,
            _(
                "Students have answered this version, so its content cannot change. Export it, raise its version and "
                "import it again."
            ),
        )
        return redirect("instruments:instrument", pk=instrument.pk)
    errors = []
    rows = authoring.form_rows(definition)
    if request.method == "POST":
        data, errors = authoring.edited(definition, request.POST)
        if not errors:
            try:
                services.edit_definition(instrument, data, request.user, **audit.request_origin(request))
            except definitions.DefinitionInvalid as exc:
                errors = [authoring.described(error, definition) for error in exc.errors]
            except services.InstrumentError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, _("%(name)s was saved.") % {"name": str(instrument)})
                return redirect("instruments:instrument", pk=instrument.pk)
        rows = authoring.posted_rows(definition, request.POST)
    context = {"instrument": instrument, "definition": definition, "rows": rows, "errors": errors}
    return render(request, "instruments/library/edit.html", context, status=400 if errors else 200)
