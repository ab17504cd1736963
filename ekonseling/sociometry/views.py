"""Sociometry's pages. Thin: the policy decides who, `services` stores and audits, `analysis`
computes, `sociogram` and `exports` draw.

Counselors (`sociometry.manage`: the rombel's guru BK and the koordinator BK) open surveys, key in
paper sheets, import spreadsheets and read analyses. A student (`sociometry.fill`) answers their
own survey and sees only their own choices; no page shows a student who chose them.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.accounts.models import Role
from ekonseling.core import audit, policy, windows
from ekonseling.safety import actions as safety
from ekonseling.safety import decisions
from ekonseling.safety.models import Alert
from ekonseling.students import caseload
from ekonseling.students.models import Rombel, Student

from . import alerts, analysis, exports, forms, importing, services, sociogram
from .models import Member, Response, Survey


def _survey(request, pk, action="sociometry.manage"):
    return policy.get_object_or_404(request.user, action, Survey.objects.select_related("rombel", "school"), pk=pk)


def _rombels(user):
    queryset = Rombel.objects.filter(school_id=user.school_id, academic_year__is_current=True)
    if user.role != Role.KOORDINATOR_BK:
        queryset = queryset.filter(pk__in=caseload.rombels_of(user))
    return queryset.order_by("grade", "name")


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- counselors -----------------------------------------------------------------------------------------


@require_GET
@policy.require("sociometry.manage")
def surveys(request):
    rows = list(
        policy.visible(request.user, "sociometry.manage", Survey.objects.select_related("rombel")).order_by(
            "-opens_at", "-pk"
        )[:200]
    )
    responded = dict(
        Response.objects.filter(survey__in=rows)
        .values("survey_id")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "n")
    )
    for survey in rows:
        survey.responded = responded.get(survey.pk, 0)
        survey.state = survey.window_state()
    return render(request, "sociometry/surveys.html", {"surveys": rows})


@require_http_methods(["GET", "POST"])
@policy.require("sociometry.create")
def survey_new(request):
    rombels = _rombels(request.user)
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"opens_at": now, "closes_at": now + timezone.timedelta(days=7), "title": _("Sociometry")}
    form = forms.SurveyForm(request.POST or None, rombels=rombels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.open_survey(
                rombel=data["rombel"],
                title=data["title"],
                criteria=form.criteria_pairs(),
                choices=data["choices"],
                rejections=data["rejections"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                created_by=request.user,
                **audit.request_origin(request),
            )
        except services.SociometryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The survey is open for the students of %(rombel)s.") % {"rombel": survey.rombel}
            )
            return redirect("sociometry:survey", pk=survey.pk)
    return render(request, "sociometry/survey_new.html", {"form": form})


@require_GET
@policy.require("sociometry.manage")
def survey_detail(request, pk):
    survey = _survey(request, pk)
    members = list(survey.members.select_related("student").order_by("number"))
    responses = {r.student_id: r for r in survey.responses.all()}
    for member in members:
        member.response = responses.get(member.student_id)
    others = policy.visible(
        request.user, "sociometry.manage", Survey.objects.filter(rombel_id=survey.rombel_id).exclude(pk=survey.pk)
    ).order_by("-opens_at")
    return render(
        request,
        "sociometry/survey.html",
        {
            "survey": survey,
            "state": survey.window_state(),
            "criteria": list(survey.criteria.all()),
            "members": members,
            "responded": len(responses),
            "others": others,
        },
    )


@require_POST
@policy.require("sociometry.manage")
def survey_window(request, pk):
    survey = _survey(request, pk)
    now = timezone.now()
    action = request.POST.get("action")
    try:
        if action == "close":
            services.set_window(
                survey,
                min(survey.opens_at, now - timezone.timedelta(minutes=1)),
                now,
                by=request.user,
                **audit.request_origin(request),
            )
            messages.success(request, _("The survey is closed."))
        elif action == "reopen":
            services.set_window(
                survey,
                survey.opens_at if survey.opens_at < now else now,
                now + timezone.timedelta(days=3),
                by=request.user,
                **audit.request_origin(request),
            )
            messages.success(request, _("The survey is open for three more days."))
        else:
            messages.error(request, _("Nothing was changed."))
    except services.SociometryError as error:
        messages.error(request, str(error))
    return redirect("sociometry:survey", pk=survey.pk)


def _ranks(request):
    value = request.GET.get("pilihan", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= 5 else None


def _criterion_id(request):
    value = request.GET.get("k", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@require_GET
@policy.require("sociometry.manage")
def analysis_page(request, pk):
    survey = _survey(request, pk)
    data = services.read_analysis(survey, request.user, "analysis", **audit.request_origin(request))
    criterion, result = data.result_for(_criterion_id(request))
    ranks = _ranks(request)
    show_rejections = request.GET.get("tolak", "1") != "0"
    drawn = sociogram.layout(result, ranks=ranks, rejections=show_rejections)
    svg = mark_safe(sociogram.svg(drawn, title=f"{survey.title} — {criterion.question}"))  # noqa: S308  (escaped)
    by_id = result.by_id()

    def names(ids):
        return [by_id[i] for i in ids]

    matrix = [
        {"member": row, "cells": [exports.matrix_cell(result, row.id, col.id) for col in result.members]}
        for row in result.members
    ]
    compared = None
    if len(data.criteria) > 1:
        compared = analysis.compare_criteria(data.results)
    return render(
        request,
        "sociometry/analysis.html",
        {
            "survey": survey,
            "data": data,
            "criterion": criterion,
            "result": result,
            "svg": svg,
            "ranks": ranks,
            "show_rejections": show_rejections,
            "matrix": matrix,
            "mutual_pairs": [names(p) for p in result.mutual_pairs],
            "mutual_rejections": [names(p) for p in result.mutual_rejections],
            "contradictory": [names(p) for p in result.contradictory],
            "triangles": [names(t) for t in result.triangles],
            "cliques": [names(c) for c in result.cliques],
            "chains": [names(c) for c in result.chains],
            "categories": [
                (code, exports.category_label(code), result.in_category(code)) for code in analysis.CATEGORIES
            ],
            "flags": services.flags(data),
            "compared": compared,
            "others": policy.visible(
                request.user,
                "sociometry.manage",
                Survey.objects.filter(rombel_id=survey.rombel_id).exclude(pk=survey.pk),
            ).order_by("-opens_at"),
        },
    )


@require_GET
@policy.require("sociometry.manage")
def sociomatrix_xlsx(request, pk):
    survey = _survey(request, pk)
    data = services.read_analysis(survey, request.user, "sociomatrix xlsx", **audit.request_origin(request))
    return _file(
        exports.sociomatrix_xlsx(data),
        f"sosiomatriks-{survey.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@policy.require("sociometry.manage")
def sociogram_svg(request, pk):
    survey = _survey(request, pk)
    data = services.read_analysis(survey, request.user, "sociogram svg", **audit.request_origin(request))
    criterion, result = data.result_for(_criterion_id(request))
    drawn = sociogram.layout(result, ranks=_ranks(request), rejections=request.GET.get("tolak", "1") != "0")
    response = HttpResponse(
        sociogram.svg(drawn, title=f"{survey.title} — {criterion.question}"), content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="sosiogram-{survey.pk}-{criterion.pk}.svg"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_GET
@policy.require("sociometry.manage")
def report_pdf(request, pk):
    survey = _survey(request, pk)
    data = services.read_analysis(survey, request.user, "report pdf", **audit.request_origin(request))
    return _file(
        exports.analysis_pdf(data, request.user, ranks=_ranks(request)),
        f"sosiometri-{survey.pk}.pdf",
        "application/pdf",
    )


@require_GET
@policy.require("sociometry.manage")
def template_xlsx(request, pk):
    survey = _survey(request, pk)
    return _file(
        exports.template_xlsx(survey),
        f"templat-sosiometri-{survey.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_http_methods(["GET", "POST"])
@policy.require("sociometry.manage")
def paper_entry(request, pk):
    survey = _survey(request, pk)
    members = list(survey.members.select_related("student").order_by("number"))
    student_id = request.POST.get("siswa") or request.GET.get("siswa") or ""
    member = next((m for m in members if str(m.student_id) == student_id), None)
    context = {"survey": survey, "members": members, "member": member}
    if member is None:
        if request.method == "POST":
            messages.error(request, _("Choose the student whose sheet you are typing."))
        return render(request, "sociometry/paper_pick.html", context)
    criteria = list(survey.criteria.all())
    classmates = [m for m in members if m.student_id != member.student_id]
    errors: list[str] = []
    if request.method == "POST":
        answers, errors = forms.read_sheet(request.POST, survey, criteria, [m.student_id for m in classmates])
        if not errors:
            try:
                services.submit(
                    survey,
                    member.student,
                    answers,
                    by=request.user,
                    source=Response.Source.PAPER,
                    **audit.request_origin(request),
                )
            except services.SociometryError as error:
                errors = [str(error)]
            else:
                messages.success(request, _("The sheet of %(name)s is saved.") % {"name": member.student.name})
                return redirect(reverse("sociometry:paper_entry", kwargs={"pk": survey.pk}))
        current = _posted(request.POST)
    else:
        current = _current(
            services.read_response(survey, member.student, request.user, **audit.request_origin(request))
        )
    context.update(_sheet_context(survey, criteria, classmates, current, errors, photos=False))
    return render(request, "sociometry/paper_form.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@policy.require("sociometry.manage")
def spreadsheet_import(request, pk):
    survey = _survey(request, pk)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = importing.parse(survey, upload.read(), upload.name)
            count = services.submit_many(survey, parsed.rows, by=request.user, **audit.request_origin(request))
        except importing.ImportError_ as error:
            errors = error.errors
        except services.SociometryError as error:
            errors = [str(error)]
        else:
            messages.success(request, _("%(count)d responses imported.") % {"count": count})
            return redirect("sociometry:survey", pk=survey.pk)
    return render(
        request,
        "sociometry/import.html",
        {"survey": survey, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@require_GET
@policy.require("sociometry.manage")
def compare(request):
    visible = policy.visible(request.user, "sociometry.manage", Survey.objects.select_related("rombel"))
    before_id, after_id = request.GET.get("a", ""), request.GET.get("b", "")
    context = {"surveys": visible.order_by("rombel__name", "-opens_at")[:300]}
    if before_id.isdigit() and after_id.isdigit() and len(before_id) < 12 and len(after_id) < 12:
        before = policy.get_object_or_404(request.user, "sociometry.manage", visible, pk=int(before_id))
        after = policy.get_object_or_404(request.user, "sociometry.manage", visible, pk=int(after_id))
        if before.rombel_id != after.rombel_id:
            messages.error(request, _("Compare two surveys of the same rombel."))
        else:
            if before.opens_at > after.opens_at:
                before, after = after, before
            a = services.read_analysis(before, request.user, "comparison", **audit.request_origin(request))
            b = services.read_analysis(after, request.user, "comparison", **audit.request_origin(request))
            pairs = []
            for ca, ra in zip(a.criteria, a.results, strict=True):
                match = next((rb for cb, rb in zip(b.criteria, b.results, strict=True) if cb.kind == ca.kind), None)
                if match is not None:
                    pairs.append((ca, analysis.compare_over_time(ra, match)))
            context.update({"before": before, "after": after, "pairs": pairs})
    return render(request, "sociometry/compare.html", context)


# --- students -------------------------------------------------------------------------------------------


def _own_student(request):
    student = Student.objects.filter(user=request.user).first()
    if student is None:
        raise Http404
    return student


@require_GET
@policy.require("sociometry.fill")
def my_surveys(request):
    student = _own_student(request)
    rows = list(
        policy.visible(request.user, "sociometry.fill", Survey.objects.select_related("rombel")).order_by("-opens_at")[
            :50
        ]
    )
    answered = set(Response.objects.filter(student=student, survey__in=rows).values_list("survey_id", flat=True))
    for survey in rows:
        survey.state = survey.window_state()
        survey.answered = survey.pk in answered
    return render(request, "sociometry/my.html", {"surveys": rows})


@require_http_methods(["GET", "POST"])
@policy.require("sociometry.fill")
def fill(request, pk):
    survey = _survey(request, pk, "sociometry.fill")
    student = _own_student(request)
    criteria = list(survey.criteria.all())
    members = list(survey.members.select_related("student").order_by("student__name"))
    classmates = [m for m in members if m.student_id != student.pk]
    own = services.own_response(survey, student)
    state = survey.window_state()
    errors: list[str] = []
    current = _current(own)
    if request.method == "POST":
        if own is not None:
            errors = [_("You have already sent your answers.")]
        else:
            answers, errors = forms.read_sheet(request.POST, survey, criteria, [m.student_id for m in classmates])
            current = _posted(request.POST)
            if not errors:
                try:
                    services.submit(survey, student, answers, by=request.user, **audit.request_origin(request))
                except services.SociometryError as error:
                    errors = [str(error)]
                else:
                    messages.success(request, _("Thank you. Your answers are sent and stay confidential."))
                    return redirect("sociometry:fill", pk=survey.pk)
    context = {"survey": survey, "state": state, "answered": own is not None, "open": state == windows.OPEN}
    context.update(_sheet_context(survey, criteria, classmates, current, errors, photos=True))
    return render(request, "sociometry/fill.html", context, status=400 if errors else 200)


@require_GET
@policy.require("sociometry.fill")
def classmate_photo(request, pk, student_pk):
    """A classmate's photo on the survey's sheet: only members of the survey, to members, while it
    is open (the sheet shows photos only then)."""
    survey = _survey(request, pk, "sociometry.fill")
    if not survey.is_open():
        raise Http404
    member = Member.objects.filter(survey=survey, student_id=student_pk).select_related("student").first()
    if member is None or not member.student.photo:
        raise Http404
    try:
        handle = member.student.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    return response


# --- the sheet, shared by the student's form and the paper entry -----------------------------------------


def _current(own):
    """{(criterion id, student id): "p1"} from a stored response."""
    values = {}
    for criterion_id, answer in (own or {}).items():
        for rank, pk in enumerate(answer.chosen, start=1):
            values[(criterion_id, pk)] = f"p{rank}"
        for rank, pk in enumerate(answer.rejected, start=1):
            values[(criterion_id, pk)] = f"t{rank}"
    return values


def _posted(data):
    values = {}
    for key, value in data.items():
        if key.startswith("k") and "_s" in key:
            head, _sep, tail = key[1:].partition("_s")
            if head.isdigit() and tail.isdigit() and len(head) < 12 and len(tail) < 12:
                values[(int(head), int(tail))] = str(value)[:4]
    return values


def _sheet_context(survey, criteria, classmates, current, errors, *, photos):
    options = forms.slot_options(survey.choices, survey.rejections)
    blocks = []
    for criterion in criteria:
        rows = []
        for m in classmates:
            value = current.get((criterion.pk, m.student_id), "")
            rows.append(
                {
                    "member": m,
                    "name": forms.field_name(criterion.pk, m.student_id),
                    "value": value,
                    "photo": photos and bool(m.student.photo),
                }
            )
        blocks.append({"criterion": criterion, "rows": rows})
    return {"blocks": blocks, "options": options, "errors": errors}


# --- alerts ---------------------------------------------------------------------------------------------


@policy.require(safety.DECIDE)
@require_http_methods(["GET", "POST"])
def alert(request, pk):
    """One sociometry alert (a student several classmates reject): the student's indices under
    every criterion of the survey, the rule, suggested services, and the decision."""
    alert = policy.get_object_or_404(
        request.user,
        safety.DECIDE,
        Alert.objects.filter(source=Alert.Source.SOCIOMETRY).select_related("student__rombel", "decided_by"),
        pk=pk,
    )
    decision = decisions.step(request, alert, reverse("sociometry:alert", args=[alert.pk]))
    if decision.done:
        return decision.done
    member, rows = alerts.read_alert(alert, request.user, **audit.request_origin(request))
    categories = {c for _criterion, index in rows for c in index.categories}
    suggestions = [str(s) for c in services.FLAGGED if c in categories for s in services.SUGGESTIONS[c]]
    context = {
        "alert": alert,
        "student": alert.student,
        "survey": member.survey,
        "rows": rows,
        "suggestions": list(dict.fromkeys(suggestions)),
        "may_manage": policy.can(request.user, "sociometry.manage", member.survey),
        "may_view_student": policy.can(request.user, "student.view", alert.student),
        **decision.context,
    }
    return render(request, "sociometry/alert.html", context)
