"""Administrations as the counselor runs them: opening one, its live status, per-student deadlines,
reopening, releasing results, and critical-item alerts.

The status page shows each sheet's status, save count and times, never the answers, so it does
not decrypt and is not audited; an alert shows the critical items a student marked, so it is.
"""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.core import audit, policy
from ekonseling.safety import actions as safety
from ekonseling.safety import decisions
from ekonseling.safety.models import Alert
from ekonseling.students.models import Rombel, Student

from . import alerts, picker, services
from .forms import AdministrationForm, ExtendForm, ReleaseForm, ReopenForm
from .models import Administration, Assignment, Instrument

POLL_SECONDS = 10


def _administrations(user):
    return policy.visible(
        user, "administration.manage", Administration.objects.select_related("instrument", "created_by")
    )


def _administration(request, pk):
    return policy.get_object_or_404(
        request.user,
        "administration.manage",
        Administration.objects.select_related("instrument", "created_by"),
        pk=pk,
    )


@policy.require("administration.manage")
@require_GET
def administration_list(request):
    now = timezone.now()
    administrations = list(
        services.with_status_counts(_administrations(request.user)).prefetch_related("rombels").order_by("-opens_at")
    )
    for administration in administrations:
        administration.state = services.window_state(administration, now)
    return render(
        request,
        "instruments/manage/list.html",
        {
            "administrations": administrations,
            "alerts": services.open_alerts(request.user),
            "may_create": policy.can(request.user, "administration.create"),
        },
    )


def _choices(user):
    """What this user may give an instrument to: rombel they serve (all, for the coordinator) this year,
    and students of their caseload."""
    instruments = Instrument.objects.filter(school_id=user.school_id, archived=False).order_by("code", "version")
    rombels = policy.visible(
        user,
        "rombel.manage_accounts",
        Rombel.objects.filter(academic_year__is_current=True).annotate(
            student_count=Count("students", filter=Q(students__status=Student.Status.ACTIVE))
        ),
    ).order_by("grade", "name")
    students = policy.visible(
        user, "student.view", Student.objects.filter(status=Student.Status.ACTIVE).select_related("rombel")
    ).order_by("rombel__name", "name")
    return instruments, rombels, students


@policy.require("administration.create")
@require_http_methods(["GET", "POST"])
def administration_new(request):
    """The form. Individual students come from the picker (a search with one page of matches), not
    one checkbox per student: a page of matches alone is answered to the picker's script
    (`?picker=1`), and a POST with `find` (the search without JavaScript) shows the form again
    with the matches, creating nothing."""
    instruments, rombels, students = _choices(request.user)
    params = request.POST if request.method == "POST" else request.GET
    chosen = picker.chosen_ids(params.getlist("students"))
    found = picker.student_picker(students, params, chosen)
    if request.method == "GET" and request.GET.get("picker"):
        return render(request, "instruments/manage/_student_picker.html", {"picker": found})
    # Now, to the minute: a counselor who presses "Open" in class wants the sheets open at once, not
    # "not yet open" until the next full hour. Planning ahead means changing the field.
    start = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "attention_percent": 50,
        "attention_min_areas": 1,
        "opens_at": start,
        "closes_at": start + timedelta(days=7),
    }
    chosen_instrument = request.GET.get("instrument")
    if chosen_instrument and (chosen_instrument := instruments.filter(pk=chosen_instrument).first()):
        initial.update(instrument=chosen_instrument, title=chosen_instrument.title.split(" — ")[0])
    searching = request.method == "POST" and "find" in request.POST
    if searching:  # the values as typed, not yet checked: nothing is refused while searching
        typed = AdministrationForm.base_fields.keys() & request.POST.keys()
        initial.update({name: request.POST.get(name) for name in typed})
        initial["rombels"] = request.POST.getlist("rombels")
    data = request.POST if request.method == "POST" and not searching else None
    form = AdministrationForm(data, initial=initial, instruments=instruments, rombels=rombels, students=students)
    if data is not None and form.is_valid():
        data = form.cleaned_data
        try:
            administration = services.open_administration(
                instrument=data["instrument"],
                title=data["title"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                created_by=request.user,
                rombels=data["rombels"],
                students=data["students"],
                attention_percent=data["attention_percent"],
                attention_min_areas=data["attention_min_areas"],
                **audit.request_origin(request),
            )
        except services.InstrumentError as exc:
            form.add_error(None, str(exc))
        else:
            count = administration.assignments.count()
            messages.success(
                request,
                ngettext(
                    "The administration is ready for %(count)s student.",
                    "The administration is ready for %(count)s students.",
                    count,
                )
                % {"count": count},
            )
            return redirect("instruments:administration", pk=administration.pk)
    return render(
        request,
        "instruments/manage/new.html",
        {
            "form": form,
            "picker": found,
            "searching": searching or bool(found.query or found.rombel_id or chosen),
            "has_instruments": instruments.exists(),
            "has_rombels": rombels.exists(),
        },
    )


def _status_context(request, administration):
    """Everything the live status fragment shows; reads status columns only, never the answers."""
    now = timezone.now()
    status_filter = request.GET.get("status", "")
    if status_filter not in Assignment.Status.values:
        status_filter = ""
    visible = policy.visible(
        request.user,
        "assignment.view",
        administration.assignments.select_related("student__rombel").defer("answers"),
    ).order_by("student__rombel__name", "student__name")
    visible = list(visible)
    counts = dict.fromkeys(Assignment.Status.values, 0)
    for sheet in visible:
        counts[sheet.status] += 1
        sheet.extended = sheet.closes_at is not None
        sheet.open_for_student = sheet.status != Assignment.Status.SUBMITTED and sheet.window_open(now)
    total = administration.assignments.count()
    state = services.window_state(administration, now)
    return {
        "administration": administration,
        "sheets": [s for s in visible if not status_filter or s.status == status_filter],
        "status_filter": status_filter,
        "counts": counts,
        "shown": len(visible),
        "hidden": total - len(visible),
        "percent_submitted": round(100 * counts["submitted"] / len(visible)) if visible else 0,
        "state": state,
        "now": now,
        # Poll while anyone may still be writing: the window or an extended deadline is open.
        "live": state != "closed" or any(s.closes_at and s.closes_at > now for s in visible),
        "poll_seconds": POLL_SECONDS,
        "item_total": len(administration.instrument.definition.items),
        "default_deadline": timezone.localtime(now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }


@policy.require("administration.manage")
@require_GET
def administration_detail(request, pk):
    administration = _administration(request, pk)
    context = _status_context(request, administration)
    context.update(
        rombels=administration.rombels.order_by("name"),
        alerts=services.open_alerts(request.user, administration=administration),
    )
    return render(request, "instruments/manage/detail.html", context)


@policy.require("administration.manage")
@require_GET
def administration_status(request, pk):
    """The live part of the detail page, polled by HTMX."""
    administration = _administration(request, pk)
    return render(request, "instruments/manage/_status.html", _status_context(request, administration))


@policy.require("administration.manage")
@require_POST
def administration_release(request, pk):
    administration = _administration(request, pk)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        released = form.cleaned_data["released"]
        services.release_results(administration, by=request.user, released=released, **audit.request_origin(request))
        if released:
            messages.success(request, _("Students who submitted can now see their own results."))
        else:
            messages.success(request, _("The results are hidden from the students again."))
    return redirect("instruments:administration", pk=administration.pk)


def _managed_sheet(request, pk):
    """A student's sheet: the counselor must serve the student and manage the administration."""
    sheet = policy.get_object_or_404(
        request.user,
        "assignment.view",
        Assignment.objects.select_related("administration", "student__rombel").defer("answers"),
        pk=pk,
    )
    if not policy.can(request.user, "administration.manage", sheet.administration):
        raise Http404
    return sheet


@policy.require("administration.manage")
@require_POST
def assignment_extend(request, pk):
    sheet = _managed_sheet(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new deadline as a date and time."))
    else:
        try:
            services.extend(sheet, form.cleaned_data["until"], by=request.user, **audit.request_origin(request))
        except services.InstrumentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s may fill in until %(until)s.")
                % {
                    "name": sheet.student.name,
                    "until": timezone.localtime(form.cleaned_data["until"]).strftime("%d-%m-%Y %H:%M"),
                },
            )
    return redirect("instruments:administration", pk=sheet.administration_id)


@policy.require("administration.manage")
@require_POST
def assignment_reopen(request, pk):
    sheet = _managed_sheet(request, pk)
    form = ReopenForm(request.POST)
    until = form.cleaned_data.get("until") if form.is_valid() else None
    if until is not None and until <= timezone.now():
        messages.error(request, _("The new deadline must be in the future."))
        return redirect("instruments:administration", pk=sheet.administration_id)
    try:
        sheet = services.reopen(sheet, by=request.user, until=until, **audit.request_origin(request))
    except services.InstrumentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s can change their answers until %(until)s, then must submit again.")
            % {"name": sheet.student.name, "until": timezone.localtime(sheet.deadline).strftime("%d-%m-%Y %H:%M")},
        )
    return redirect("instruments:administration", pk=sheet.administration_id)


@policy.require(safety.DECIDE)
@require_http_methods(["GET", "POST"])
def alert(request, pk):
    """One critical-item alert: who, which items (their texts), when, and the decision."""
    alert = policy.get_object_or_404(
        request.user,
        safety.DECIDE,
        Alert.objects.filter(source=Alert.Source.SHEET).select_related("student__rombel", "decided_by"),
        pk=pk,
    )
    decision = decisions.step(request, alert, reverse("instruments:alert", args=[alert.pk]))
    if decision.done:
        return decision.done
    sheet, items = alerts.read_alert(alert, request.user, **audit.request_origin(request))
    context = {
        "alert": alert,
        "sheet": sheet,
        "student": alert.student,
        "administration": sheet.administration,
        "items": items,
        "may_manage": policy.can(request.user, "administration.manage", sheet.administration),
        "may_view_student": policy.can(request.user, "student.view", alert.student),
        **decision.context,
    }
    return render(request, "instruments/manage/alert.html", context)


def home_card(user):
    """The counselor's home card: administrations open now with filled/total counts, and open alerts."""
    now = timezone.now()
    if not policy.can(user, "administration.manage"):
        return {"administrations": [], "alerts": [], "may_manage": False}
    # Only what a row shows (its title, counts and closing time): neither the instrument nor the
    # creator is joined, read or grouped by.
    visible = policy.visible(user, "administration.manage", Administration.objects.all())
    administrations = (
        services.with_status_counts(visible.filter(opens_at__lte=now, closes_at__gt=now))
        .only("id", "title", "closes_at")
        .order_by("closes_at")
    )
    return {
        "administrations": list(administrations[:10]),
        "alerts": services.open_alerts(user, limit=10),
        "may_manage": True,
    }
