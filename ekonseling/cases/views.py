"""Pages of the case book (`/kasus/`): the list, a case, its services and letters, referrals in.
Each view asks the policy, hands writes to `actions` and renders; the rules are in `rules.py`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ekonseling.accounts.models import COUNSELOR_ROLES
from ekonseling.core import audit, policy, text
from ekonseling.instruments.models import Assignment
from ekonseling.safety import sources
from ekonseling.safety.models import Alert
from ekonseling.students.models import Student

from . import actions, forms, home, letters
from .models import Bidang, Case, CaseShare, FollowUp, Referral, Source

PAGE_SIZE = 50


def _origin(request):
    return audit.request_origin(request)


def _cases(user):
    return policy.visible(user, "case.list", Case.objects.all())


def _case(request, pk, action="case.view"):
    """The case, or 404 when it does not exist, the user may not open it or may not do `action` to it."""
    queryset = Case.objects.select_related("student__rombel", "school", "alert").prefetch_related(
        "counselors", Prefetch("shares", queryset=CaseShare.objects.select_related("counselor"))
    )
    case = policy.get_object_or_404(request.user, "case.view", queryset, pk=pk)
    if action != "case.view" and not policy.can(request.user, action, case):
        raise Http404
    return case


# --- the list -----------------------------------------------------------------------------------------------


@require_GET
@policy.require("case.list")
def case_list(request):
    cases = _cases(request.user).select_related("student__rombel")
    status, bidang = request.GET.get("status", ""), request.GET.get("bidang", "")
    if status == "open":
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    elif status in Case.Status.values:
        cases = cases.filter(status=status)
    if bidang in Bidang.values:
        cases = cases.filter(bidang=bidang)
    q = text.clean(request.GET.get("q", "")).strip()[:100]  # NUL cannot reach PostgreSQL
    if q:
        cases = cases.filter(student__name__icontains=q)
    if request.GET.get("mine"):
        cases = cases.filter(counselors=request.user)
    if request.GET.get("overdue"):
        late = FollowUp.objects.filter(done_at__isnull=True, due_on__lt=_today())
        cases = cases.filter(status__in=Case.OPEN_STATUSES, pk__in=late.values("case_id"))
    page = Paginator(cases.prefetch_related("counselors").order_by("-opened_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "statuses": Case.Status.choices,
            "bidangs": Bidang.choices,
            "query": request.GET,
            "card": home.counselor_card(request),
        },
    )


# --- opening and a case --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@policy.require("case.open")
def case_new(request, pk):
    student = policy.get_object_or_404(request.user, "student.view", Student.objects.select_related("rombel"), pk=pk)
    if not policy.can(request.user, "case.open_for", student):
        raise Http404
    # Opened from an alert or an answer sheet (the link on its page): the case points back to it.
    alert = _of_student(Alert, request.GET.get("alert"), student)
    sheet = _of_student(Assignment, request.GET.get("sheet"), student)
    source = Source.ALERT if alert else Source.INSTRUMENT if sheet else Source.COUNSELOR
    initial = {"source": source, "alert": alert, "sheet": sheet}
    form = forms.OpenCaseForm(request.POST or None, initial=initial, student=student)
    if request.method == "POST" and form.is_valid():
        alert, sheet = form.cleaned_data["alert"], form.cleaned_data["sheet"]
        try:
            case = actions.open_case(
                student,
                request.user,
                title=form.cleaned_data["title"],
                bidang=form.cleaned_data["bidang"],
                source=form.cleaned_data["source"],
                alert=alert,
                sheet=sheet,
                **_origin(request),
            )
        except actions.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The case was opened."))
            return redirect("cases:detail", case.pk)
    return render(request, "cases/open.html", {"form": form, "student": student, "alert": alert, "sheet": sheet})


def _of_student(model, pk, student):
    if not (pk or "").isdigit():
        return None
    return model.objects.filter(pk=int(pk), student=student, school_id=student.school_id).first()


@require_GET
@policy.require("case.list")
def case_detail(request, pk):
    case = _case(request, pk)
    user = request.user
    may_read_notes = policy.can(user, "case.read_notes", case)
    # Every view of a case is a read of counseling content: the title, and the notes for those who read them.
    shown = audit.read_confidential(request, case, "title", *(["private_notes"] if may_read_notes else []))
    manage = policy.can(user, "case.manage", case)
    context = {
        "case": case,
        "title": shown["title"],
        "notes": shown.get("private_notes"),
        "may_read_notes": may_read_notes,
        "may_write_notes": policy.can(user, "case.write_notes", case),
        "manage": manage,
        "history": case.status_changes.select_related("by"),
        "follow_ups": case.follow_ups.select_related("assigned_to", "done_by"),
        "referrals": case.referrals.select_related("referred_by"),
        "records": [(slug, label, list(getattr(case, related).all())) for slug, label, related in RECORD_SECTIONS],
        "today": _today(),
        "alert_link": sources.get(case.alert.source).link(case.alert) if case.alert_id else "",
    }
    if manage:
        next_statuses = actions.TRANSITIONS.get(case.status, set())
        context.update(
            status_form=forms.StatusForm(),
            next_statuses=[(v, label) for v, label in Case.Status.choices if v in next_statuses],
            follow_up_form=forms.FollowUpForm(),
            access_form=forms.AccessForm(school=case.school),
        )
    if context["may_write_notes"]:
        context["note_form"] = forms.NoteForm()
    return render(request, "cases/detail.html", context)


@require_http_methods(["GET", "POST"])
@policy.require("case.list")
def case_edit(request, pk):
    case = _case(request, pk, "case.manage")
    if request.method == "POST":
        form = forms.EditCaseForm(request.POST)
        if form.is_valid():
            try:
                actions.edit_case(case, request.user, **form.cleaned_data, **_origin(request))
            except actions.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("cases:detail", case.pk)
    else:
        shown = audit.read_confidential(request, case, "title")
        form = forms.EditCaseForm(initial={"title": shown["title"], "bidang": case.bidang})
    return render(request, "cases/edit.html", {"form": form, "case": case})


def _today():
    from django.utils import timezone

    return timezone.localdate()


RECORD_SECTIONS = [
    ("panggilan-ortu", _("Parent call-ins"), "call_ins"),
    ("kunjungan-rumah", _("Home visits"), "home_visits"),
    ("konferensi", _("Case conferences"), "conferences"),
    ("alih-tangan", _("Referrals out (alih tangan kasus)"), "referrals_out"),
]
RECORD_TITLES = {
    "panggilan-ortu": _("Parent call-in"),
    "kunjungan-rumah": _("Home visit"),
    "konferensi": _("Case conference"),
    "alih-tangan": _("Referral out (alih tangan kasus)"),
}


def _refused(request, exc, pk):
    messages.error(request, str(exc))
    return redirect("cases:detail", pk)


@require_POST
@policy.require("case.list")
def case_status(request, pk):
    case = _case(request, pk, "case.manage")
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("cases:detail", case.pk)
    try:
        actions.set_status(
            case, request.user, form.cleaned_data["status"], form.cleaned_data["note"], **_origin(request)
        )
    except actions.CaseError as exc:
        return _refused(request, exc, case.pk)
    messages.success(request, _("The status was changed."))
    return redirect("cases:detail", case.pk)


@require_POST
@policy.require("case.list")
def case_note(request, pk):
    case = _case(request, pk, "case.write_notes")
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
        return redirect("cases:detail", case.pk)
    try:
        actions.add_note(case, request.user, form.cleaned_data["body"], **_origin(request))
    except actions.CaseError as exc:
        return _refused(request, exc, case.pk)
    messages.success(request, _("The note was saved."))
    return redirect("cases:detail", case.pk)


@require_POST
@policy.require("case.list")
def case_access(request, pk):
    case = _case(request, pk, "case.manage")
    form = forms.AccessForm(request.POST, school=case.school)
    if not form.is_valid():
        messages.error(request, _("Choose a counselor."))
        return redirect("cases:detail", case.pk)
    action = {
        "share": actions.share,
        "unshare": actions.unshare,
        "handle": actions.add_handler,
        "release": actions.remove_handler,
    }[form.cleaned_data["action"]]
    try:
        action(case, request.user, form.cleaned_data["counselor"], **_origin(request))
    except actions.CaseError as exc:
        return _refused(request, exc, case.pk)
    messages.success(request, _("Who may read the case was changed."))
    if not policy.can(request.user, "case.view", Case.objects.prefetch_related("counselors", "shares").get(pk=case.pk)):
        return redirect("cases:list")
    return redirect("cases:detail", case.pk)


@require_POST
@policy.require("case.list")
def follow_up_new(request, pk):
    case = _case(request, pk, "case.manage")
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what to do and the due date."))
        return redirect("cases:detail", case.pk)
    try:
        actions.add_follow_up(case, request.user, **form.cleaned_data, **_origin(request))
    except actions.CaseError as exc:
        return _refused(request, exc, case.pk)
    messages.success(request, _("The follow-up was added."))
    return redirect("cases:detail", case.pk)


@require_POST
@policy.require("case.list")
def follow_up_done(request, pk):
    follow_up = FollowUp.objects.select_related("case").filter(pk=pk, case__school_id=request.user.school_id).first()
    if follow_up is None:
        raise Http404
    case = _case(request, follow_up.case_id, "case.manage")
    follow_up.case = case
    try:
        actions.complete_follow_up(follow_up, request.user, **_origin(request))
    except actions.CaseError as exc:
        return _refused(request, exc, case.pk)
    return redirect("cases:detail", case.pk)


# --- records of the services around a case and their letters -------------------------------------------------


def _record(request, kind, pk):
    model = actions.RECORD_MODELS.get(kind)
    if model is None:
        raise Http404
    record = model.objects.select_related("case").filter(pk=pk, case__school_id=request.user.school_id).first()
    if record is None:
        raise Http404
    record.case = _case(request, record.case_id, "case.manage")
    return record


@require_http_methods(["GET", "POST"])
@policy.require("case.list")
def record_new(request, pk, kind):
    if kind not in forms.RECORD_FORMS:
        raise Http404
    case = _case(request, pk, "case.manage")
    model = actions.RECORD_MODELS[kind]
    form = forms.RECORD_FORMS[kind](request.POST or None, instance=model(case=case))
    if kind == "kunjungan-rumah" and not form.initial.get("address"):
        form.initial["address"] = case.student.address  # the student's address from their record
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.save_record(form.save(commit=False), request.user, **_origin(request))
        except actions.CaseError as exc:
            return _refused(request, exc, case.pk)
        messages.success(request, _("Saved. The letter can be printed from the case."))
        return redirect("cases:record", kind, record.pk)
    return render(
        request, "cases/record_form.html", {"form": form, "case": case, "kind": kind, "title": RECORD_TITLES[kind]}
    )


@require_http_methods(["GET", "POST"])
@policy.require("case.list")
def record_edit(request, kind, pk):
    record = _record(request, kind, pk)
    form = forms.RECORD_FORMS[kind](request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_record(form.save(commit=False), request.user, **_origin(request))
        except actions.CaseError as exc:
            return _refused(request, exc, record.case_id)
        messages.success(request, _("Saved."))
        return redirect("cases:detail", record.case_id)
    return render(
        request,
        "cases/record_form.html",
        {"form": form, "case": record.case, "kind": kind, "record": record, "title": RECORD_TITLES[kind]},
    )


@never_cache
@require_GET
@policy.require("case.list")
def record_letter(request, kind, pk):
    record = _record(request, kind, pk)
    data = actions.export_letter(record, request.user, **_origin(request))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, letters.filename(record))
    response["Cache-Control"] = "private, no-store"
    return response


# --- referrals in -------------------------------------------------------------------------------------------


def _referable_students(user):
    students = Student.objects.filter(school_id=user.school_id, status=Student.Status.ACTIVE).select_related("rombel")
    if user.role in COUNSELOR_ROLES:
        return policy.visible(user, "student.view", students).order_by("rombel__name", "name")
    return students.filter(rombel__wali_kelas=user).order_by("rombel__name", "name")


@require_GET
@policy.require("referral.view")
def referral_list(request):
    referrals = policy.visible(request.user, "referral.view", Referral.objects.all()).select_related(
        "student__rombel", "case", "referred_by"
    )
    if request.user.role in COUNSELOR_ROLES:
        waiting = request.GET.get("tab", "waiting") == "waiting"
        referrals = referrals.filter(received_at__isnull=waiting)
        template = "cases/referrals.html"
    else:
        template = "cases/referrals_sent.html"
    page = Paginator(referrals.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "tab": request.GET.get("tab", "waiting")})


@require_http_methods(["GET", "POST"])
@policy.require("referral.create")
def referral_new(request):
    counselor = request.user.role in COUNSELOR_ROLES
    form = forms.ReferralForm(
        request.POST or None,
        students=_referable_students(request.user),
        counselor=counselor,
        initial={"student": request.GET.get("siswa")} if request.GET.get("siswa", "").isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.refer(
                data["student"],
                request.user,
                reason=data["reason"],
                source=data.get("source"),
                referrer_name=data.get("referrer_name", ""),
                **_origin(request),
            )
        except actions.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The referral was sent to BK."))
            return redirect("cases:referrals")
    return render(request, "cases/referral_form.html", {"form": form, "counselor": counselor})


@require_http_methods(["GET", "POST"])
@policy.require("referral.view")
def referral_detail(request, pk):
    referral = policy.get_object_or_404(
        request.user, "referral.view", Referral.objects.select_related("student__rombel", "case", "referred_by"), pk=pk
    )
    if request.user.role not in COUNSELOR_ROLES:
        # The referrer: what they wrote and whether BK received and handled it; nothing of the case.
        return render(
            request, "cases/referral_sent.html", {"referral": referral, "progress": home.progress_label(referral)}
        )
    may_accept = policy.can(request.user, "referral.accept", referral)
    open_cases = policy.visible(
        request.user, "case.view", Case.objects.filter(student=referral.student, status__in=Case.OPEN_STATUSES)
    )
    form = forms.AcceptReferralForm(request.POST or None, cases=open_cases)
    if request.method == "POST":
        if not may_accept:  # received meanwhile (a double submit, another counselor): show where it went
            messages.info(request, _("This referral was already received."))
            return redirect("cases:referral", referral.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = actions.accept_referral(
                    referral,
                    request.user,
                    case=data["case"],
                    title=data["title"],
                    bidang=data["bidang"],
                    **_origin(request),
                )
            except actions.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The referral was received into the case."))
                return redirect("cases:detail", case.pk)
    reason = audit.read_confidential(request, referral, "reason")["reason"]
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "reason": reason,
            "form": form,
            "may_accept": may_accept,
            "progress": home.progress_label(referral),
        },
    )
