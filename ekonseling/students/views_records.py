"""Views of the student record: edit, photo, UU PDP export and erasure, rombel export, the year-end
step and caseloads. Each one asks the policy, calls an action (`records`, `caseload`) with the user
and where the request came from, and renders; the actions write and audit, the rules live in the
apps' rules.py."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ekonseling.accounts.models import COUNSELOR_ROLES, User
from ekonseling.core import audit, policy

from . import caseload as caseloads
from . import records
from .forms_records import (
    DeletionDecisionForm,
    DeletionRequestForm,
    StudentRecordForm,
    YearEndForm,
    guardian_formset,
)
from .models import AcademicYear, DeletionRequest, Rombel, Student

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# --- the record -----------------------------------------------------------------------------------------


@policy.require("student.edit")
def student_edit(request, pk):
    student = policy.get_object_or_404(
        request.user, "student.edit", Student.objects.select_related("rombel", "school"), pk=pk
    )
    posted = request.method == "POST"
    form = StudentRecordForm(request.user, request.POST if posted else None, request.FILES or None, instance=student)
    guardians = guardian_formset(student, request.POST if posted else None)
    if posted and all([form.is_valid(), guardians.is_valid()]):
        changed = records.save_record(student, form, guardians, request.user, **audit.request_origin(request))
        messages.success(request, _("The record has been saved.") if changed else _("Nothing was changed."))
        if policy.can(request.user, "student.view", student):
            return redirect("students:detail", pk=student.pk)
        return redirect("students:list")
    if form.includes_health:
        # The form shows the decrypted health notes: that is a read of specific personal data.
        audit.read_confidential(request, student, *[n for n in ("health_notes", "special_needs") if n in form.fields])
    return render(request, "students/records/edit.html", {"student": student, "form": form, "guardians": guardians})


@require_GET
@policy.require("student.view")
def student_photo(request, pk):
    student = policy.get_object_or_404(request.user, "student.view", Student.objects.select_related("rombel"), pk=pk)
    if not student.photo:
        raise Http404
    try:
        fh = student.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(fh, content_type="image/jpeg")
    # A child's photo: the browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=600"
    return response


@require_GET
@policy.require("student.export_personal_data")
def student_personal_data(request, pk):
    student = policy.get_object_or_404(
        request.user,
        "student.export_personal_data",
        Student.objects.select_related("school", "user", "rombel__academic_year"),
        pk=pk,
    )
    # The file is what the student may see of their own data, gathered from every app; a requester
    # who may not read part of it (the operator: health and counseling) gets it without, and says so.
    export = records.export_personal_data(student, request.user, **audit.request_origin(request))
    return _attachment(export.content, "application/json; charset=utf-8", f"data-pribadi-{student.nisn}.json")


# --- erasure (UU PDP) -------------------------------------------------------------------------------------


@policy.require("student.request_deletion")
def student_request_deletion(request, pk):
    student = policy.get_object_or_404(request.user, "student.request_deletion", Student.objects.all(), pk=pk)
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.request_deletion(
                student, request.user, form.cleaned_data["reason"], **audit.request_origin(request)
            )
        except records.DeletionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The deletion request has been sent to the operator."))
        if policy.can(request.user, "student.carry_out_deletion"):
            return redirect("students:deletion_requests")
        return redirect("students:detail", pk=student.pk)
    pending = DeletionRequest.objects.filter(student=student, status=DeletionRequest.Status.PENDING).exists()
    return render(
        request, "students/records/deletion_request.html", {"student": student, "form": form, "pending": pending}
    )


@policy.require("student.carry_out_deletion")
def deletion_requests(request):
    rows = DeletionRequest.objects.filter(school_id=request.user.school_id).select_related(
        "student__rombel", "requested_by", "decided_by"
    )
    pending = [r for r in rows if r.status == DeletionRequest.Status.PENDING]
    decided = [r for r in rows if r.status != DeletionRequest.Status.PENDING]
    return render(request, "students/records/deletion_requests.html", {"pending": pending, "decided": decided})


@require_POST
@policy.require("student.carry_out_deletion")
def deletion_decide(request, pk):
    deletion = policy.get_object_or_404(
        request.user, "student.carry_out_deletion", DeletionRequest.objects.select_related("school"), pk=pk
    )
    form = DeletionDecisionForm(request.user, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("students:deletion_requests")
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "carry_out":
            deletion = records.carry_out_deletion(deletion, request.user, note=note, **audit.request_origin(request))
            messages.success(
                request, _("The student's data has been erased (%(label)s).") % {"label": deletion.student_label}
            )
        else:
            records.reject_deletion(deletion, request.user, note=note, **audit.request_origin(request))
            messages.success(request, _("The deletion request has been rejected."))
    except records.DeletionError as exc:
        messages.error(request, str(exc))
    return redirect("students:deletion_requests")


# --- rombel: export, year-end step, caseloads --------------------------------------------------------------


@require_GET
@policy.require("rombel.export")
def rombel_export(request, pk):
    rombel = policy.get_object_or_404(
        request.user, "rombel.export", Rombel.objects.select_related("school", "academic_year"), pk=pk
    )
    content = records.export_rombel(rombel, request.user, **audit.request_origin(request))
    filename = f"rombel-{slugify(rombel.name) or rombel.pk}-{slugify(rombel.academic_year.name)}.xlsx"
    return _attachment(content, XLSX, filename)


def _current_year(user):
    return AcademicYear.objects.filter(school_id=user.school_id, is_current=True).select_related("school").first()


@policy.require("rombel.promote")
def year_end(request):
    year = _current_year(request.user)
    if year is None:
        return render(request, "students/records/year_end.html", {"year": None})
    mapping = records.suggest_mapping(year)
    students = list(
        Student.objects.filter(rombel__academic_year=year, status=Student.Status.ACTIVE).only("pk", "name", "rombel_id")
    )
    initial = {
        "name": records.next_year_name(year.name),
        "starts_on": records.shift_year(year.starts_on),
        "ends_on": records.shift_year(year.ends_on),
    }
    form = YearEndForm(mapping, students, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = records.promote_year(
                request.user.school,
                year,
                data["name"],
                data["starts_on"],
                data["ends_on"],
                data["mapping"],
                request.user,
                retained=data["retained"],
                **audit.request_origin(request),
            )
        except records.PromotionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Academic year %(year)s has started: %(promoted)d students promoted, %(retained)d not "
                    "promoted, %(graduated)d graduated; %(rombels)d rombel created. Assign their homeroom "
                    "teachers in the administration."
                )
                % {
                    "year": result.year.name,
                    "promoted": result.promoted,
                    "retained": result.retained,
                    "graduated": result.graduated,
                    "rombels": result.rombels_created,
                },
            )
            return redirect("students:list")
    return render(
        request,
        "students/records/year_end.html",
        {"year": year, "form": form, "retained": form.retained_ids(), "final_grade": records.final_grade(year.school)},
    )


@policy.require("caseload.manage")
def caseload(request):
    """Which guru BK serves which rombel of the current year: a grid of checkboxes."""
    year = _current_year(request.user)
    rombels = list(
        Rombel.objects.filter(school_id=request.user.school_id, academic_year=year)
        .annotate(active=Count("students", filter=Q(students__status=Student.Status.ACTIVE)))
        .order_by("grade", "name")
    )
    counselors = list(
        User.objects.filter(school_id=request.user.school_id, role__in=COUNSELOR_ROLES, is_active=True).order_by(
            "full_name", "username"
        )
    )
    through = Rombel.counselors.through
    current = set(through.objects.filter(rombel__in=rombels, user__in=counselors).values_list("rombel_id", "user_id"))
    if request.method == "POST":
        rombel_ids, counselor_ids = {r.pk for r in rombels}, {c.pk for c in counselors}
        wanted = set()
        for value in request.POST.getlist("assign"):
            rombel_id, _sep, user_id = value.partition(":")
            pair = (int(rombel_id), int(user_id)) if rombel_id.isdigit() and user_id.isdigit() else None
            if pair is None or pair[0] not in rombel_ids or pair[1] not in counselor_ids:
                messages.error(request, _("The form was out of date; nothing was changed. Try again."))
                return redirect("students:caseload")
            wanted.add(pair)
        caseloads.set_rombel_assignments(year, current, wanted, request.user, **audit.request_origin(request))
        messages.success(request, _("The caseloads have been saved."))
        return redirect("students:caseload")
    return render(
        request,
        "students/records/caseload.html",
        {
            "year": year,
            "counselors": counselors,
            "rows": [{"rombel": r, "cells": [(c, (r.pk, c.pk) in current) for c in counselors]} for r in rombels],
            "sizes": _caseload_sizes(counselors, rombels, current),
        },
    )


def _caseload_sizes(counselors, rombels, assigned):
    """Active students each counselor serves (by rombel or individually), to weigh against the
    regulation's one guru BK per about 150 students."""
    per_rombel = {r.pk: r.active for r in rombels}
    rombels_of = {c.pk: {r for r, u in assigned if u == c.pk} for c in counselors}
    individual = Student.counselors.through.objects.filter(
        user__in=counselors, student__status=Student.Status.ACTIVE
    ).values_list("user_id", "student__rombel_id")
    extra = {c.pk: 0 for c in counselors}
    for user_id, rombel_id in individual:
        if rombel_id not in rombels_of[user_id]:
            extra[user_id] += 1
    return [sum(per_rombel[r] for r in rombels_of[c.pk]) + extra[c.pk] for c in counselors]
