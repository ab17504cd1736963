"""Thin views of service records: check the policy, call an action or a report, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ekonseling.accounts.models import COUNSELOR_ROLES, Role, User
from ekonseling.core import audit, policy, text
from ekonseling.counseling.models import Conversation
from ekonseling.students.models import Student

from . import reports, services
from .forms import LaisegForm, RecordForm
from .models import Bidang, Laiseg, Medium, Scope, ServiceRecord, ServiceType

PAGE_SIZE = 30


def _records():
    return ServiceRecord.objects.select_related("counselor", "rombel", "conversation")


def _counselors(user):
    return User.objects.filter(school_id=user.school_id, role__in=COUNSELOR_ROLES, is_active=True).order_by(
        "full_name", "pk"
    )


@policy.require("service_record.list")
def record_list(request):
    user = request.user
    records = policy.visible(user, "service_record.view", _records())
    params = request.GET
    chosen = {}
    for name, choices in (("jenis", ServiceType), ("bidang", Bidang), ("media", Medium)):
        if params.get(name) in choices.values:
            chosen[name] = params[name]
    if "jenis" in chosen:
        records = records.filter(service_type=chosen["jenis"])
    if "bidang" in chosen:
        records = records.filter(bidang=chosen["bidang"])
    if "media" in chosen:
        records = records.filter(medium=chosen["media"])
    period = None
    if params.get("bulan"):
        period = reports.period_from(user.school_id, {"bulan": params["bulan"]})
        records = records.filter(date__range=(period.start, period.end))
    if reports.as_id(params.get("konselor")) is not None:
        records = records.filter(counselor_id=reports.as_id(params["konselor"]))
    if params.get("saya"):
        records = records.filter(counselor=user)
    q = text.clean(params.get("q") or "").strip()[:100]  # NUL cannot reach PostgreSQL
    if q:
        records = records.filter(topic__icontains=q)
    page = Paginator(records.order_by("-date", "-pk"), PAGE_SIZE).get_page(params.get("page"))
    query = {k: v for k, v in params.items() if k != "page"}
    return render(
        request,
        "records/list.html",
        {
            "page": page,
            "types": ServiceType.choices,
            "bidangs": Bidang.choices,
            "media": Medium.choices,
            "counselors": _counselors(user) if user.role == Role.KOORDINATOR_BK else [],
            "chosen": chosen,
            "params": params,
            "query": query,
            "period": period,
        },
    )


def _conversation_from(request):
    number = reports.as_id(request.GET.get("percakapan") or request.POST.get("percakapan"))
    if number is None:
        return None
    conversation = policy.get_object_or_404(
        request.user,
        "conversation.manage",
        Conversation.objects.select_related("student", "student__rombel"),
        pk=number,
    )
    try:
        return services.conversation_for_record(request.user, conversation)
    except services.RecordError:
        raise Http404 from None


def _prefill_from_conversation(conversation):
    """The medium, the student, the date and (for a chat) the length of the conversation."""
    initial = {
        "service_type": ServiceType.KONSELING_PERORANGAN,
        "medium": services.CONVERSATION_MEDIUM[conversation.kind],
        "scope": Scope.STUDENT,
        "student": conversation.student_id,
        "date": timezone.localdate(conversation.last_message_at) if conversation.last_message_at else None,
        "duration_minutes": 30,
    }
    first = conversation.messages.order_by("seq").values_list("created_at", flat=True).first()
    if conversation.kind == Conversation.Kind.CHAT and first and conversation.last_message_at:
        minutes = round((conversation.last_message_at - first).total_seconds() / 60)
        initial["duration_minutes"] = min(max(minutes, 5), services.MAX_DURATION)
    return initial


def _prefill_from_query(params):
    """The medium, date and length another page (an appointment's outcome) passes in the address:
    `?medium=`, `?tanggal=` (YYYY-MM-DD), `?durasi=` (minutes). Anything not valid is ignored."""
    import contextlib
    import datetime

    initial = {}
    if params.get("medium") in Medium.values:
        initial["medium"] = params["medium"]
    with contextlib.suppress(ValueError):
        initial["date"] = datetime.date.fromisoformat(params.get("tanggal", "")[:10])
    minutes = reports.as_id(params.get("durasi"))
    if minutes is not None:
        initial["duration_minutes"] = min(max(minutes, 5), services.MAX_DURATION)
    if initial:
        initial["service_type"] = ServiceType.KONSELING_PERORANGAN
    return initial


@policy.require("service_record.create")
def record_new(request):
    user = request.user
    conversation = _conversation_from(request)
    initial = {"date": timezone.localdate(), "duration_minutes": 45, "scope": Scope.STUDENT}
    if conversation is not None:
        initial.update({k: v for k, v in _prefill_from_conversation(conversation).items() if v is not None})
    elif reports.as_id(request.GET.get("siswa")) is not None:
        student = policy.get_object_or_404(
            user, "student.view", Student.objects.all(), pk=reports.as_id(request.GET["siswa"])
        )
        initial["student"] = student.pk
        initial.update(_prefill_from_query(request.GET))
    extra = [conversation.student] if conversation is not None else []
    form = RecordForm(user, request.POST or None, initial=initial, extra_students=extra)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.create_record(user, form.record_data(conversation), **audit.request_origin(request))
        except services.RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The service is recorded."))
            return redirect("records:detail", pk=record.pk)
    return render(request, "records/form.html", {"form": form, "conversation": conversation, "record": None})


def _record(request, pk, action="service_record.view"):
    return policy.get_object_or_404(request.user, action, _records(), pk=pk)


@policy.require("service_record.list")
def record_detail(request, pk):
    user = request.user
    record = _record(request, pk)
    notes = services.read_record(user, record, **audit.request_origin(request))
    participants = list(record.participations.select_related("student", "rombel").order_by("student__name"))
    laisegs = list(record.laisegs.select_related("student").order_by("student__name"))
    services.read_plans(user, laisegs, **audit.request_origin(request))
    may_open_conversation = record.conversation_id and policy.can(user, "conversation.view", record.conversation)
    return render(
        request,
        "records/detail.html",
        {
            "record": record,
            "notes": notes,
            "participants": participants,
            "laisegs": laisegs,
            "answered": [laiseg for laiseg in laisegs if laiseg.answered_at],
            "may_edit": policy.can(user, "service_record.edit", record),
            "may_open_conversation": may_open_conversation,
        },
    )


@policy.require("service_record.list")
def record_edit(request, pk):
    user = request.user
    record = _record(request, pk)
    if not policy.can(user, "service_record.edit", record):
        raise Http404
    current = [p.student for p in record.participations.select_related("student")]
    initial = {
        "service_type": record.service_type,
        "bidang": record.bidang,
        "medium": record.medium,
        "date": record.date,
        "duration_minutes": record.duration_minutes,
        "scope": record.scope,
        "student": current[0].pk if record.scope == Scope.STUDENT and current else None,
        "group": [s.pk for s in current] if record.scope == Scope.GROUP else [],
        "rombel": record.rombel_id,
        "topic": record.topic,
        **services.read_record(user, record, **audit.request_origin(request)),
    }
    form = RecordForm(user, request.POST or None, initial=initial, extra_students=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_record(user, record, form.record_data(), **audit.request_origin(request))
        except services.RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The record is saved."))
            return redirect("records:detail", pk=record.pk)
    return render(request, "records/form.html", {"form": form, "conversation": record.conversation, "record": record})


@policy.require("service_record.list")
@require_POST
def laiseg_request(request, pk):
    record = _record(request, pk)
    try:
        asked = services.request_laiseg(request.user, record, **audit.request_origin(request))
    except services.RecordError as exc:
        raise Http404 from exc
    if asked:
        messages.success(request, _("%(n)d students were asked for a Laiseg.") % {"n": asked})
    else:
        messages.info(request, _("Nobody new to ask: every student with an account was asked already."))
    return redirect("records:detail", pk=record.pk)


@policy.require("laiseg.answer")
def laiseg_answer(request, pk):
    laiseg = policy.get_object_or_404(
        request.user, "laiseg.answer", Laiseg.objects.select_related("record", "record__counselor", "student"), pk=pk
    )
    form = LaisegForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_laiseg(
                request.user, laiseg, form.cleaned_data, form.cleaned_data["plan"], **audit.request_origin(request)
            )
        except services.RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you: your guru BK will read your answers."))
            return redirect("core:home")
    return render(request, "records/laiseg_answer.html", {"laiseg": laiseg, "form": form})


def _report_counselor(request):
    """A guru BK's report is their own; the koordinator's the school's or one counselor's."""
    user = request.user
    if user.role != Role.KOORDINATOR_BK:
        return user
    number = reports.as_id(request.GET.get("konselor"))
    return _counselors(user).filter(pk=number).first() if number is not None else None


def _report(request, *, activities=True):
    user = request.user
    period = reports.period_from(user.school_id, request.GET)
    counselor = _report_counselor(request)
    return reports.build_report(user.school, period, counselor, activities=activities)


@policy.require("records.reports")
def report(request):
    user = request.user
    built = _report(request)
    page = Paginator(built.activities, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _i in range(12):
        months.append(reports.month_period(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    query = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "records/report.html",
        {
            "report": built,
            "page": page,
            "months": months,
            "semesters": [reports.semester_period(s) for s in reports.semesters(user.school_id)],
            "counselors": _counselors(user) if user.role == Role.KOORDINATOR_BK else [],
            "query": query,
            "period_query": "&".join(f"{k}={v}" for k, v in query.items() if k in ("bulan", "semester", "konselor")),
        },
    )


def _download(request, kind, content_type):
    built = _report(request)
    data = services.export_report(request.user, built, kind, **audit.request_origin(request))
    response = HttpResponse(data, content_type=content_type)
    name = f"laporan-layanan-bk-{built.period.start:%Y%m%d}-{built.period.end:%Y%m%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@policy.require("records.reports")
def report_pdf(request):
    return _download(request, "pdf", "application/pdf")


@policy.require("records.reports")
def report_xlsx(request):
    return _download(request, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@policy.require("laiseg.results")
def laiseg_results(request):
    user = request.user
    period = reports.period_from(user.school_id, request.GET or {"semester": ""})
    return render(
        request,
        "records/laiseg_results.html",
        {
            "period": period,
            "results": reports.laiseg_results(user, period),
            "semesters": [reports.semester_period(s) for s in reports.semesters(user.school_id)],
        },
    )


@policy.require("records.dashboard")
def dashboard(request):
    return render(request, "records/dashboard.html", {"dash": reports.counselor_dashboard(request.user)})


@policy.require("records.principal_dashboard")
def principal(request):
    user = request.user
    period = reports.period_from(user.school_id, request.GET or {"semester": ""})
    return render(
        request,
        "records/principal.html",
        {
            "dash": reports.principal_dashboard(user.school, period),
            "semesters": [reports.semester_period(s) for s in reports.semesters(user.school_id)],
        },
    )
