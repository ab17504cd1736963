"""Answers from elsewhere: typing paper sheets, and importing a spreadsheet of answers.

Thin on purpose: reading typed text is `entry`, reading a file and writing it is `answer_import`,
and every sheet is stored by `services.record_sheet`, so paper, spreadsheet and phone agree.
Who may: the counselors who manage the administration (`administration.manage`), and for each
student only those who serve them (`assignment.view`).
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ekonseling.core import audit, policy, text
from ekonseling.core.forms import SpreadsheetUploadForm

from . import answer_import, entry, kinds, services
from .models import Administration, AnswerImport, Assignment
from .scoring import AnswersInvalid

MAX_MATCHES = 20


def _administration(request, pk):
    return policy.get_object_or_404(
        request.user, "administration.manage", Administration.objects.select_related("instrument"), pk=pk
    )


def _sheets(request, administration):
    """The sheets of this administration the user may write: students they serve."""
    queryset = administration.assignments.select_related("student__rombel").order_by("student__name", "pk")
    return policy.visible(request.user, "assignment.view", queryset)


def _entry_url(administration, sheet=None, layout=None, **extra):
    query = {**({"siswa": sheet.pk} if sheet else {}), **({"layout": layout} if layout else {}), **extra}
    url = reverse("instruments:paper_entry", kwargs={"pk": administration.pk})
    return f"{url}?{urlencode(query)}" if query else url


def _next_unentered(sheets, after=None):
    """The next sheet not yet submitted, in name order after `after` (wrapping), or None."""
    pending = list(sheets.exclude(status=Assignment.Status.SUBMITTED))
    if after is not None:
        order = list(sheets.values_list("pk", flat=True))
        position = {pk: i for i, pk in enumerate(order)}
        here = position.get(after.pk, -1)
        pending.sort(key=lambda s: (position.get(s.pk, 0) <= here, position.get(s.pk, 0)))
        pending = [s for s in pending if s.pk != after.pk]
    return pending[0] if pending else None


def _find(sheets, query):
    query = text.clean(query).strip()[:100]  # NUL cannot reach PostgreSQL
    if not query:
        return sheets.none()
    if query.isdigit():
        return sheets.filter(student__nisn__startswith=query)
    return sheets.filter(Q(student__name__istartswith=query) | Q(student__name__icontains=f" {query}"))


@policy.require("administration.manage")
@require_http_methods(["GET", "POST"])
def paper_entry(request, pk):
    administration = _administration(request, pk)
    definition = administration.instrument.definition
    sheets = _sheets(request, administration)
    layout = entry.WHOLE_SHEET if request.GET.get("layout") == entry.WHOLE_SHEET else "area"
    context = {
        "administration": administration,
        "definition": definition,
        "total": sheets.count(),
        "entered": sheets.filter(status=Assignment.Status.SUBMITTED).count(),
        "layout": layout,
        "ordered": entry.is_ordered(definition),
        "hint": entry.choices_hint(definition),
        "number_range": entry.number_range(definition),
    }
    chosen = request.GET.get("siswa", "")
    if not chosen.isdigit():
        query = request.GET.get("q", "")
        matches = list(_find(sheets, query)[: MAX_MATCHES + 1]) if query else []
        if len(matches) == 1:
            return redirect(_entry_url(administration, matches[0], layout if layout != "area" else None))
        context.update(
            {
                "query": query,
                "matches": matches[:MAX_MATCHES],
                "more_matches": len(matches) > MAX_MATCHES,
                "next_sheet": _next_unentered(sheets),
            }
        )
        return render(request, "instruments/entry/pick.html", context)

    sheet = policy.get_object_or_404(request.user, "assignment.view", sheets, pk=chosen)
    parts = entry.parts(definition, layout)
    names = [part["name"] for part in parts] + [f"open.{q.code}" for q in definition.open_questions]
    values = {name: request.POST.get(name, "") for name in names}
    context.update({"sheet": sheet, "values": values, "errors": {}})
    action = request.POST.get("action") if request.method == "POST" else None
    doc = None
    if action in ("check", "save"):
        try:
            doc = entry.parse_sheet(definition, values, layout)
        except entry.EntryInvalid as exc:
            context["errors"] = exc.by_field()
            action = "edit"
    if action == "save":
        if sheet.status == Assignment.Status.SUBMITTED and request.POST.get("confirm_replace") != "1":
            context["replace_error"] = True
            action = "check"
        else:
            try:
                services.enter_paper_sheet(sheet, doc, request.user, **audit.request_origin(request))
            except AnswersInvalid as exc:
                context["errors"] = {"": [str(error) for error in exc.errors]}
                action = "edit"
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": sheet.student.name})
                following = _next_unentered(sheets, after=sheet)
                if following is None:
                    messages.info(request, _("Every sheet of your students in this administration is entered."))
                return HttpResponseRedirect(_entry_url(administration, following, layout if layout != "area" else None))
    context["parts"] = [
        {
            **part,
            "value": values[part["name"]],
            "errors": context["errors"].get(part["name"], []),
            "first": part["items"][0].number if part["items"] else None,
            "last": part["items"][-1].number if part["items"] else None,
        }
        for part in parts
    ]
    context["open_fields"] = [
        {
            "name": f"open.{q.code}",
            "question": q,
            "value": values[f"open.{q.code}"],
            "errors": context["errors"].get(f"open.{q.code}", []),
        }
        for q in definition.open_questions
    ]
    context["other_errors"] = context["errors"].get("", [])
    with_errors = [name for name in names if name in context["errors"]]
    context["focus"] = with_errors[0] if with_errors else names[0]
    context["other_layout"] = "area" if layout == entry.WHOLE_SHEET else entry.WHOLE_SHEET
    if action == "check":
        context["summary"] = entry.summarize(definition, doc)
        context["total_answered"] = sum(row["answered"] for row in context["summary"])
        context["total_heavy"] = len(doc.get("heavy") or [])
        context["doc"] = doc
        return render(request, "instruments/entry/paper_preview.html", context)
    return render(request, "instruments/entry/paper_form.html", context)


# --- spreadsheet import ---------------------------------------------------------------------------------------


class UploadForm(SpreadsheetUploadForm):
    check_size = staticmethod(answer_import.check_size)


@policy.require("administration.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    administration = _administration(request, pk)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = answer_import.preview(administration, upload.read(), upload.name, request.user)
        except answer_import.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("instruments:answer_import_preview", pk=pending.pk)
    definition = administration.instrument.definition
    waiting = [
        pending
        for pending in policy.visible(
            request.user,
            "answer_import.use",
            administration.answer_imports.defer("payload").select_related("uploaded_by"),
        )[:20]
        if policy.can(request.user, "answer_import.use", pending)
    ]
    context = {
        "administration": administration,
        "definition": definition,
        "form": form,
        "waiting": waiting[:5],
        "max_mb": answer_import.max_bytes() // (1024 * 1024),
        "max_rows": answer_import.MAX_DATA_ROWS,
        "kind": kinds.of(definition),
        "ordered": entry.is_ordered(definition),
        "hint": entry.choices_hint(definition),
        "number_range": entry.number_range(definition),
    }
    return render(request, "instruments/entry/import_upload.html", context)


@policy.require("answer_import.use")
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    pending = policy.get_object_or_404(
        request.user, "answer_import.use", AnswerImport.objects.select_related("administration__instrument"), pk=pk
    )
    administration = pending.administration
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            try:
                result = answer_import.apply(
                    pending,
                    request.user,
                    replace_confirmed=request.POST.get("confirm_replace") == "1",
                    blank_confirmed=request.POST.get("confirm_blank") == "1",
                    **audit.request_origin(request),
                )
            except answer_import.ImportRefused as exc:
                messages.error(request, str(exc))
                if AnswerImport.objects.filter(pk=pending.pk).exists():
                    return redirect("instruments:answer_import_preview", pk=pending.pk)
                return redirect("instruments:answer_import", pk=administration.pk)
            messages.success(
                request,
                ngettext(
                    "Import applied: %(written)d answer sheet stored (%(new)d new, %(replace)d replaced).",
                    "Import applied: %(written)d answer sheets stored (%(new)d new, %(replace)d replaced).",
                    result["written"],
                )
                % result,
            )
            return redirect("instruments:answer_import", pk=administration.pk)
        if action == "cancel":
            answer_import.cancel(pending)
            messages.success(request, _("Import cancelled: nothing was written."))
            return redirect("instruments:answer_import", pk=administration.pk)
        messages.error(request, _("Choose Confirm or Cancel."))
        return redirect("instruments:answer_import_preview", pk=pending.pk)
    context = {
        "pending": pending,
        "administration": administration,
        "definition": administration.instrument.definition,
        **answer_import.show_preview(pending, request.user, **audit.request_origin(request)),
    }
    return render(request, "instruments/entry/import_preview.html", context)
