"""Report pages: a class profile, one student's profile, comparisons, and their PDF/xlsx exports.

Each view asks the policy (`administration.manage` for group reports, `assignment.view` for one
student's), hands the work to `reports` and `charts`, and shows or downloads through `report_actions`, which
writes one audit event: READ for a page, EXPORT for a download. Student-level rows in a group report are limited to the
students the viewer may see individually; the aggregate figures cover the whole group.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ekonseling.core import audit, policy
from ekonseling.students.models import Rombel

from . import charts, cohorts, report_actions, reports, tables
from .models import Administration, Assignment

# A class fits on the page; a whole year group's rows go to the spreadsheet (rendering 1,000 rows of
# figures with their formulas takes seconds on the server and on a cheap phone).
STUDENTS_ON_PAGE = 120


def _administrations():
    return Administration.objects.select_related("instrument", "school", "created_by")


def _assignments():
    return Assignment.objects.select_related(
        "administration__instrument", "administration__school", "student__rombel", "school"
    )


def _ids(values):
    return [int(v) for v in values if str(v).isdigit()]


def _rombel_filter(request, administration):
    """The rombel chosen with ?rombel=… among the administration's own; None for all of them."""
    chosen = _ids(request.GET.getlist("rombel"))
    if not chosen:
        return None
    return list(administration.rombels.filter(pk__in=chosen).values_list("pk", flat=True))


def _visible_sheets(user, administration):
    """Assignment ids whose student the viewer may see one by one (names, rows, answers)."""
    mine = Assignment.objects.filter(administration=administration)
    return set(policy.visible(user, "assignment.view", mine).values_list("pk", flat=True))


def _group(request, pk):
    administration = policy.get_object_or_404(request.user, "administration.manage", _administrations(), pk=pk)
    rombel_ids = _rombel_filter(request, administration)
    report = reports.group_report(
        administration, rombel_ids=rombel_ids, visible=_visible_sheets(request.user, administration)
    )
    return administration, report


@policy.require("administration.manage")
@require_GET
def group_report(request, pk):
    administration, report = _group(request, pk)
    report_actions.show_group(request.user, administration, report, **audit.request_origin(request))
    context = {
        "administration": administration,
        "report": report,
        "charts": report.kind.group_charts(report),
        "band_legend": tables.band_legend(report.definition),
        "rombels": list(administration.rombels.order_by("name")),
        "chosen_rombels": report.rombel_ids or [],
        "query": request.GET.urlencode(),
        "students_on_page": STUDENTS_ON_PAGE,
    }
    return render(request, "instruments/reports/group.html", context)


def _download(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@policy.require("administration.manage")
@require_GET
def group_report_xlsx(request, pk):
    administration, report = _group(request, pk)
    data = report_actions.export_group(request.user, administration, report, "xlsx", **audit.request_origin(request))
    return _download(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"laporan-{administration.instrument.code.lower()}-{administration.pk}.xlsx",
    )


@policy.require("administration.manage")
@require_GET
def group_report_pdf(request, pk):
    administration, report = _group(request, pk)
    data = report_actions.export_group(request.user, administration, report, "pdf", **audit.request_origin(request))
    return _download(
        data, "application/pdf", f"laporan-{administration.instrument.code.lower()}-{administration.pk}.pdf"
    )


def _individual(request, pk):
    assignment = policy.get_object_or_404(request.user, "assignment.view", _assignments(), pk=pk)
    return assignment, reports.individual_report(assignment)


@policy.require("assignment.view")
@require_GET
def individual_report(request, pk):
    assignment, report = _individual(request, pk)
    report_actions.show_individual(request.user, assignment, **audit.request_origin(request))
    chart = charts.bar_chart(report.bars, _("Profile per area")) if report.bars else ""
    context = {
        "assignment": assignment,
        "administration": assignment.administration,
        "student": assignment.student,
        "report": report,
        "chart": chart,
        "band_legend": tables.band_legend(report.definition) if report.sheet else [],
        "may_group": policy.can(request.user, "administration.manage", assignment.administration),
    }
    return render(request, "instruments/reports/individual.html", context)


@policy.require("assignment.view")
@require_GET
def individual_report_pdf(request, pk):
    assignment, report = _individual(request, pk)
    data = report_actions.export_individual(request.user, assignment, report, "pdf", **audit.request_origin(request))
    return _download(data, "application/pdf", f"profil-{assignment.student.nisn}-{assignment.administration_id}.pdf")


@policy.require("assignment.view")
@require_GET
def individual_report_xlsx(request, pk):
    assignment, report = _individual(request, pk)
    data = report_actions.export_individual(request.user, assignment, report, "xlsx", **audit.request_origin(request))
    return _download(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"profil-{assignment.student.nisn}-{assignment.administration_id}.xlsx",
    )


def _comparison(request):
    """The comparison that the GET parameters ask for: ?a=…&a=… (administrations of one instrument)
    or ?a=…&rombel=…&rombel=… (rombel of one administration)."""
    user = request.user
    choices = list(
        policy.visible(user, "administration.manage", _administrations()).order_by("instrument__code", "-opens_at")
    )
    chosen = [
        policy.get_object_or_404(user, "administration.manage", _administrations(), pk=pk)
        for pk in dict.fromkeys(_ids(request.GET.getlist("a")))
    ]
    context = {"choices": choices, "chosen": [a.pk for a in chosen], "comparison": None, "error": ""}
    rombel_ids = _ids(request.GET.getlist("rombel"))
    if len(chosen) == 1:
        administration = chosen[0]
        context["rombels"] = list(administration.rombels.order_by("name"))
        context["chosen_rombels"] = rombel_ids
        rombels = [r for r in context["rombels"] if r.pk in rombel_ids]
        if len(rombels) >= 2:
            context["comparison"] = reports.compare_rombels(administration, rombels)
    elif len(chosen) > 1:
        try:
            context["comparison"] = reports.compare_administrations(chosen)
        except reports.ComparisonRefused as refused:
            context["error"] = str(refused)
    return chosen, context


@policy.require("administration.manage")
@require_GET
def compare(request):
    chosen, context = _comparison(request)
    comparison = context["comparison"]
    if comparison is not None:
        report_actions.show_comparison(request.user, chosen, comparison, **audit.request_origin(request))
        context["chart"] = charts.comparison_chart(
            [label for label, _cells in comparison.rows],
            [
                (f"{name} (N={n})", [cells[i].value if cells[i] else None for _label, cells in comparison.rows])
                for i, (name, n) in enumerate(zip(comparison.series, comparison.ns, strict=True))
            ],
            _("Comparison: %(metric)s per area") % {"metric": comparison.metric},
        )
        context["query"] = request.GET.urlencode()
    return render(request, "instruments/reports/compare.html", context)


def _comparison_export(request, kind):
    chosen, context = _comparison(request)
    comparison = context["comparison"]
    if comparison is None:
        messages.error(request, context["error"] or _("Choose what to compare first."))
        return redirect(reverse("instruments:compare") + (f"?{request.GET.urlencode()}" if request.GET else ""))
    data = report_actions.export_comparison(
        request.user, chosen, comparison, request.user.school, kind, **audit.request_origin(request)
    )
    if kind == "xlsx":
        return _download(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "perbandingan.xlsx")
    return _download(data, "application/pdf", "perbandingan.pdf")


@policy.require("administration.manage")
@require_GET
def compare_xlsx(request):
    return _comparison_export(request, "xlsx")


@policy.require("administration.manage")
@require_GET
def compare_pdf(request):
    return _comparison_export(request, "pdf")


@policy.require("administration.manage")
@require_GET
def cohort(request):
    """One rombel's students across years: ?rombel=…&code=…[&complete=1]."""
    user = request.user
    rombels = list(
        Rombel.objects.filter(school_id=user.school_id)
        .select_related("academic_year")
        .order_by("-academic_year__starts_on", "grade", "name")
    )
    context = {"rombels": rombels, "codes": cohorts.codes_for(user), "cohort": None}
    rombel_ids = _ids(request.GET.getlist("rombel"))
    code = request.GET.get("code", "")
    complete = request.GET.get("complete") == "1"
    context.update({"chosen_rombel": rombel_ids[0] if rombel_ids else None, "chosen_code": code, "complete": complete})
    rombel = next((r for r in rombels if rombel_ids and r.pk == rombel_ids[0]), None)
    if rombel is not None and code in context["codes"]:
        result = cohorts.build(user, rombel, code, complete=complete)
        context["cohort"] = result
        if result.columns:
            detail = f"cohort of {rombel.name} ({rombel.academic_year.name}), {code}"
            report_actions.show_cohort(user, result.administrations, detail, **audit.request_origin(request))
            context["chart"] = charts.comparison_chart(
                [label for label, _cells, _steps, _total in result.rows],
                [
                    (
                        f"{column.label} (N={column.n})",
                        [cells[i].value if cells[i] else None for _l, cells, _s, _t in result.rows],
                    )
                    for i, column in enumerate(result.columns)
                ],
                _("Cohort: %(metric)s per area") % {"metric": result.metric},
            )
    return render(request, "instruments/reports/cohort.html", context)
