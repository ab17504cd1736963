"""A counselor reaches out (under /konseling/): starting a chat or letter with a student of their
caseload, call-ins (panggilan) and their list, the student's acknowledgement, and the counselor's
summary for the PDF export. Thin views: the policy, then an action of `outreach` or `services`."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ekonseling.core import audit, policy
from ekonseling.students.models import Student

from . import outreach, protocol, services
from .models import CallIn, Conversation


class StartForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[(Conversation.Kind.CHAT, gettext_lazy("Chat")), (Conversation.Kind.LETTER, gettext_lazy("Letter"))],
        widget=forms.RadioSelect,
        initial=Conversation.Kind.CHAT,
    )
    subject = forms.CharField(label=gettext_lazy("Subject (letters)"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("First message"),
        max_length=protocol.MAX_LETTER_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    client_key = forms.UUIDField(widget=forms.HiddenInput)


class CallInForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the student"),
        max_length=outreach.MAX_CALL_IN,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The student reads it on their home page. Keep details for the meeting."),
    )
    meet_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Where"), max_length=outreach.MAX_PLACE, required=False)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Counselor's summary"),
        required=False,
        max_length=protocol.MAX_LETTER_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Printed at the top of the PDF export. Encrypted; only those who may manage it read it."
        ),
    )


def _student(request, pk, action="counseling.start_for"):
    students = Student.objects.select_related("rombel", "user").prefetch_related("rombel__counselors", "counselors")
    return policy.get_object_or_404(request.user, action, students, pk=pk)


def _start_page(request, student, start_form=None, call_in_form=None, status=200):
    import uuid

    context = {
        "student": student,
        "start_form": start_form or StartForm(initial={"client_key": uuid.uuid4()}),
        "call_in_form": call_in_form or CallInForm(),
        "open_chat": Conversation.objects.filter(
            student=student, kind=Conversation.Kind.CHAT, status=Conversation.Status.OPEN
        )
        .select_related("counselor")
        .first(),
        "call_ins": outreach.call_ins_for(request.user, student=student, **audit.request_origin(request)),
        "max_body": protocol.MAX_BODY,
    }
    return render(request, "counseling/outreach/start.html", context, status=status)


@policy.require("counseling.start_for")
@require_http_methods(["GET", "POST"])
def start_for(request, pk):
    """GET: the page to reach out to one student (a chat, a letter, a call-in). POST: start the
    conversation and go to it."""
    student = _student(request, pk)
    if request.method == "GET":
        return _start_page(request, student)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _start_page(request, student, start_form=form, status=400)
    data = form.cleaned_data
    try:
        conversation = outreach.start_for_student(
            student,
            request.user,
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            client_key=data["client_key"],
            **audit.request_origin(request),
        )
    except outreach.OutreachError as exc:
        form.add_error(None, str(exc))
        return _start_page(request, student, start_form=form, status=400)
    return redirect("counseling:conversation", pk=conversation.pk)


@policy.require("callin.create")
@require_POST
def call_in_new(request, pk):
    student = _student(request, pk, "callin.create")
    form = CallInForm(request.POST)
    if not form.is_valid():
        return _start_page(request, student, call_in_form=form, status=400)
    data = form.cleaned_data
    try:
        outreach.send_call_in(
            student,
            request.user,
            message=data["message"],
            meet_at=data["meet_at"],
            place=data["place"],
            **audit.request_origin(request),
        )
    except outreach.OutreachError as exc:
        form.add_error(None, str(exc))
        return _start_page(request, student, call_in_form=form, status=400)
    messages.success(request, _("The call-in was sent. The student sees it on their home page."))
    return redirect("counseling:call_ins")


@policy.require("callin.list")
def call_ins(request):
    """The counselor's call-ins (the coordinator's: all of the school) and whether each was acknowledged."""
    rows = outreach.call_ins_for(request.user, **audit.request_origin(request))
    return render(request, "counseling/outreach/call_ins.html", {"call_ins": rows})


def _call_in(request, pk, action):
    queryset = CallIn.objects.select_related("student__rombel", "counselor").prefetch_related(
        "student__rombel__counselors", "student__counselors"
    )
    return policy.get_object_or_404(request.user, action, queryset, pk=pk)


@policy.require("callin.acknowledge")
@require_POST
def call_in_acknowledge(request, pk):
    call_in = _call_in(request, pk, "callin.view")
    try:
        outreach.acknowledge(call_in, request.user, **audit.request_origin(request))
    except outreach.OutreachError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your counselor now knows you have seen the call-in."))
    return redirect("core:home")


@policy.require("callin.manage")
@require_POST
def call_in_status(request, pk):
    call_in = _call_in(request, pk, "callin.manage")
    try:
        status = request.POST.get("status", "")
        outreach.set_call_in_status(call_in, request.user, status, **audit.request_origin(request))
    except outreach.OutreachError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The call-in was updated."))
    return redirect("counseling:call_ins")


@policy.require("conversation.manage")
@require_POST
def summary(request, pk):
    """The handling counselor's summary, printed on the PDF export."""
    conversation = policy.get_object_or_404(
        request.user, "conversation.manage", Conversation.objects.select_related("student"), pk=pk
    )
    form = SummaryForm(request.POST)
    if form.is_valid():
        services.set_summary(conversation, request.user, form.cleaned_data["summary"], **audit.request_origin(request))
        messages.success(request, _("The summary was saved."))
    else:
        messages.error(request, _("The summary is too long."))
    return redirect("counseling:conversation", pk=conversation.pk)
