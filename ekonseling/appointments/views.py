"""Pages of the appointments (`/jadwal/`). Each view asks the policy, hands writes to `actions` and
renders; the rules are in `rules.py`."""

import hmac

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.accounts.models import Role
from ekonseling.core import audit, policy
from ekonseling.core.forms import plausible_id
from ekonseling.core.middleware import MEDIA_PERMISSIONS_POLICY
from ekonseling.counseling import office_hours
from ekonseling.students.models import Student

from . import actions, calendar, forms, group_chat, signalling, slots
from .models import (
    MAX_GROUP_MEMBERS,
    Appointment,
    AvailabilityException,
    CalendarFeed,
    CallSession,
    SchoolHoliday,
    WeeklySlot,
)


def _appointment(request, pk, action="appointment.view"):
    queryset = Appointment.objects.select_related("student__rombel", "student__user", "counselor")
    appointment = policy.get_object_or_404(request.user, "appointment.view", queryset, pk=pk)
    if action != "appointment.view" and not policy.can(request.user, action, appointment):
        raise Http404
    return appointment


def _student(user):
    return Student.objects.select_related("rombel").filter(user=user, school_id=user.school_id).first()


@require_GET
@policy.require("appointment.list")
def index(request):
    user = request.user
    visible = (
        policy.visible(user, "appointment.list", Appointment.objects.all())
        .select_related("student__rombel", "counselor")
        .annotate(member_count=Count("group_members"))
    )
    if user.role != Role.SISWA:  # a counselor's own list (the koordinator's too)
        visible = visible.filter(counselor=user)
    now = timezone.now()
    upcoming = visible.filter(status__in=Appointment.ACTIVE, ends_at__gte=now)
    past = visible.filter(Q(ends_at__lt=now) | ~Q(status__in=Appointment.ACTIVE)).order_by("-starts_at")[:30]
    return render(
        request,
        "appointments/index.html",
        {"upcoming": upcoming[:100], "past": past, "is_student": user.role == Role.SISWA},
    )


@require_http_methods(["GET", "POST"])
@policy.require("appointment.request")
def request_new(request):
    student = _student(request.user)
    if student is None:
        raise Http404
    counselors = actions.counselors_for(student)
    chosen = request.POST.get("counselor") or request.GET.get("konselor")
    counselor = next((c for c in counselors if plausible_id(chosen) and str(c.pk) == str(chosen)), None)
    counselor = counselor or (counselors[0] if counselors else None)
    free = slots.free(counselor) if counselor else []
    form = forms.RequestForm(counselors, counselor, free, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = actions.request_slot(
                student,
                request.user,
                form.cleaned_data["counselor"],
                form.cleaned_data["slot"],
                form.cleaned_data["medium"],
                form.cleaned_data["topic"],
                **audit.request_origin(request),
            )
        except actions.AppointmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request was sent. Your counselor will confirm it."))
            return redirect("appointments:detail", appointment.pk)
    hours = office_hours.describe(counselor.office_hours.all()) if counselor else ""
    return render(
        request,
        "appointments/request.html",
        {"form": form, "counselors": counselors, "counselor": counselor, "office_hours": hours},
    )


@require_http_methods(["GET", "POST"])
@policy.require("appointment.book_for")
def book(request):
    form = forms.BookForm(request.user, request.POST or None, initial={"student": request.GET.get("siswa")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = actions.book(
                request.user,
                data["student"],
                data["starts_at"],
                data["minutes"],
                data["medium"],
                data["topic"],
                **audit.request_origin(request),
            )
        except actions.AppointmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The appointment is booked."))
            return redirect("appointments:detail", appointment.pk)
    return render(request, "appointments/book.html", {"form": form})


@require_GET
@never_cache
@policy.require("appointment.list")
def detail(request, pk):
    appointment = _appointment(request, pk)
    user = request.user
    is_counselor = user.role != Role.SISWA
    is_member = not is_counselor and appointment.student.user_id != user.pk  # in another's group session
    if is_counselor:
        topic = audit.read_confidential(request, appointment, "topic")["topic"]
    else:  # a group session's topic is the counselor's note about the student who holds it
        topic = "" if is_member else appointment.topic
    may_manage = policy.can(user, "appointment.manage", appointment)
    may_group = (
        appointment.is_active
        and appointment.ends_at > timezone.now()
        and policy.can(user, "appointment.group", appointment)
    )
    members = list(appointment.group_members.select_related("student__rombel").order_by("student__name"))
    history = {}
    if is_counselor:  # the student's attendance: no-shows and late cancellations, all counselors
        of_student = Appointment.objects.filter(student_id=appointment.student_id)
        history = {
            "no_shows": of_student.filter(status=Appointment.Status.NO_SHOW).count(),
            "late_cancellations": of_student.filter(late_cancellation=True).count(),
        }
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "topic": topic,
            "history": history,
            "may_manage": may_manage,
            "may_cancel": appointment.is_active and policy.can(user, "appointment.cancel", appointment),
            "may_accept": appointment.status == Appointment.Status.PROPOSED
            and policy.can(user, "appointment.accept", appointment),
            "started": appointment.starts_at <= timezone.now(),
            "record_url": actions.record_url(appointment) if may_manage else "",
            "call_open": appointment.status == Appointment.Status.CONFIRMED
            and signalling.window(appointment)[1] >= timezone.now()
            and policy.can(user, "appointment.join_call", appointment),
            "is_member": is_member,
            "members": members,
            "may_group": may_group,
            "show_group": may_group or (is_counselor and bool(members)),
            # Where a group chat's alert leads: the session's chat for its counselor (audited).
            "chat_transcript": group_chat.transcript(user, appointment, **audit.request_origin(request))
            if is_counselor and members
            else [],
            "max_students": MAX_GROUP_MEMBERS + 1,
            "group_form": forms.GroupAddForm(user, appointment) if may_group else None,
            "propose_form": forms.ProposeForm(),
            "cancel_form": forms.CancelForm(),
            "outcome_form": forms.OutcomeForm(),
        },
    )


def _act(request, appointment, call):
    try:
        call()
    except actions.AppointmentError as error:
        messages.error(request, error.message)
    return redirect("appointments:detail", appointment.pk)


@require_POST
@policy.require("appointment.availability")
def confirm(request, pk):
    appointment = _appointment(request, pk, "appointment.manage")
    return _act(request, appointment, lambda: actions.confirm(appointment, request.user))


@require_POST
@policy.require("appointment.availability")
def propose(request, pk):
    appointment = _appointment(request, pk, "appointment.manage")
    form = forms.ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid time."))
        return redirect("appointments:detail", appointment.pk)
    return _act(
        request, appointment, lambda: actions.propose(appointment, request.user, form.cleaned_data["starts_at"])
    )


@require_POST
@policy.require("appointment.request")
def accept(request, pk):
    appointment = _appointment(request, pk, "appointment.accept")
    return _act(request, appointment, lambda: actions.accept(appointment, request.user))


@require_POST
@policy.require("appointment.list")
def cancel(request, pk):
    appointment = _appointment(request, pk, "appointment.cancel")
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("appointments:detail", appointment.pk)
    return _act(request, appointment, lambda: actions.cancel(appointment, request.user, form.cleaned_data["reason"]))


@require_POST
@policy.require("appointment.availability")
def outcome(request, pk):
    appointment = _appointment(request, pk, "appointment.manage")
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return redirect("appointments:detail", appointment.pk)
    try:
        actions.record_outcome(appointment, request.user, form.cleaned_data["outcome"])
    except actions.AppointmentError as error:
        messages.error(request, error.message)
        return redirect("appointments:detail", appointment.pk)
    if appointment.status == Appointment.Status.DONE:
        return redirect(actions.record_url(appointment))
    return redirect("appointments:detail", appointment.pk)


@require_POST
@policy.require("appointment.group")
def group_add(request, pk):
    """Put students of the counselor's caseload into a group session they booked."""
    appointment = _appointment(request, pk, "appointment.group")
    form = forms.GroupAddForm(request.user, appointment, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose students you serve."))
        return redirect("appointments:detail", appointment.pk)
    origin = audit.request_origin(request)
    students = list(form.cleaned_data["students"])
    return _act(request, appointment, lambda: actions.add_group_members(request.user, appointment, students, **origin))


@require_POST
@policy.require("appointment.group")
def group_remove(request, pk):
    appointment = _appointment(request, pk, "appointment.group")
    form = forms.GroupRemoveForm(appointment, request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was removed."))
        return redirect("appointments:detail", appointment.pk)
    origin = audit.request_origin(request)
    member = form.cleaned_data["member"]
    return _act(request, appointment, lambda: actions.remove_group_member(request.user, member, **origin))


@require_http_methods(["GET", "POST"])
@policy.require("appointment.availability")
def availability(request):
    user = request.user
    slot_form = forms.WeeklySlotForm(request.POST if request.POST.get("action") == "slot" else None)
    exception_form = forms.ExceptionForm(request.POST if request.POST.get("action") == "exception" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "slot" and slot_form.is_valid():
                d = slot_form.cleaned_data
                actions.add_weekly_slot(user, d["weekday"], d["starts_at"], d["ends_at"], d["session_minutes"])
                return redirect("appointments:availability")
            if action == "exception" and exception_form.is_valid():
                d = exception_form.cleaned_data
                actions.add_exception(user, d["date"], d["kind"], d["starts_at"], d["ends_at"], d["session_minutes"])
                return redirect("appointments:availability")
            if action == "delete":
                delete = forms.DeleteAvailabilityForm(user, request.POST)
                if delete.is_valid() and (delete.cleaned_data["slot"] or delete.cleaned_data["exception"]):
                    actions.delete_availability(user, delete.cleaned_data["slot"] or delete.cleaned_data["exception"])
                    return redirect("appointments:availability")
                messages.error(request, _("Nothing was removed."))
        except actions.AppointmentError as error:
            messages.error(request, error.message)
    return render(
        request,
        "appointments/availability.html",
        {
            "slot_form": slot_form,
            "exception_form": exception_form,
            "slots": WeeklySlot.objects.filter(counselor=user),
            "exceptions": AvailabilityException.objects.filter(counselor=user, date__gte=timezone.localdate()),
            "holidays": SchoolHoliday.objects.filter(school_id=user.school_id, date__gte=timezone.localdate())[:20],
            "office_hours": office_hours.describe(user.office_hours.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.require("appointment.holidays")
def holidays(request):
    user = request.user
    form = forms.HolidayForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "add" and form.is_valid():
            actions.add_holiday(user, form.cleaned_data["date"], form.cleaned_data["name"])
            return redirect("appointments:holidays")
        if request.POST.get("action") == "delete":
            delete = forms.DeleteHolidayForm(user, request.POST)
            if delete.is_valid():
                actions.delete_holiday(user, delete.cleaned_data["holiday"])
                return redirect("appointments:holidays")
            messages.error(request, _("Nothing was removed."))
    rows = SchoolHoliday.objects.filter(school_id=user.school_id, date__gte=timezone.localdate())
    return render(request, "appointments/holidays.html", {"form": form, "holidays": rows})


@require_http_methods(["GET", "POST"])
@policy.require("appointment.feed")
def feed_settings(request):
    user = request.user
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_feed(user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("appointments:feed_settings")
        if request.POST.get("action") == "regenerate":
            token = actions.regenerate_feed(user)
    url = request.build_absolute_uri(reverse("appointments:feed", args=[token])) if token else ""
    exists = CalendarFeed.objects.filter(counselor=user).exists()
    return render(request, "appointments/feed_settings.html", {"feed_url": url, "exists": exists})


@require_GET
def feed(request, token):
    """The counselor's calendar (ICS) at a secret address: no sign-in, the token is the key."""
    digest = actions.token_hash(token)
    row = CalendarFeed.objects.select_related("counselor").filter(token_hash=digest).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest) or not row.counselor.is_active:
        raise Http404
    body = calendar.ics_for(row.counselor)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@never_cache
@policy.require("appointment.join_call")
def call(request, pk):
    """The video or voice call of an appointment: the device check, the waiting room, the call and
    the chat beside it. Only its participants reach it (the socket checks again, with the window)."""
    queryset = Appointment.objects.select_related("student", "counselor")
    appointment = policy.get_object_or_404(request.user, "appointment.join_call", queryset, pk=pk)
    user = request.user
    is_host = appointment.counselor_id == user.pk
    opens, closes = signalling.window(appointment)
    now = timezone.now()
    # The chat beside a 1:1 call (started when the student has none open and the call is open).
    conversation = actions.call_chat(appointment, user, **audit.request_origin(request))
    call_session = CallSession.objects.filter(appointment=appointment).first()
    response = render(
        request,
        "appointments/call.html",
        {
            "appointment": appointment,
            "is_host": is_host,
            "audio_only": appointment.medium == "telepon",
            "opens": opens,
            "closes": closes,
            "is_open": appointment.status == Appointment.Status.CONFIRMED and opens <= now <= closes,
            "confirmed": appointment.status == Appointment.Status.CONFIRMED,
            "conversation": conversation,
            # A group session's chat is its own (group_chat.py), carried by the call's frames.
            "group_chat": policy.can(user, "appointment.group_chat", appointment),
            "call_session": call_session,
            "record_url": actions.record_url(appointment) if is_host else "",
            "strings": signalling.page_strings(),
        },
    )
    response["Permissions-Policy"] = MEDIA_PERMISSIONS_POLICY
    return response
