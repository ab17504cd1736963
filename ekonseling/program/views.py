"""Thin views of the BK program: check the policy, call an action or a report, render."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ekonseling.core import policy
from ekonseling.records.models import ServiceRecord

from . import exports, reports, services
from .forms import DraftForm, EmptyProgramForm, ItemForm, LinkForm, RplForm, SessionForm, VersionForm
from .models import Program, ProgramItem


def _program(request, pk):
    return policy.get_object_or_404(
        request.user, "program.view", Program.objects.select_related("academic_year", "created_by"), pk=pk
    )


def _item(request, pk):
    return policy.get_object_or_404(
        request.user,
        "program.view",
        ProgramItem.objects.select_related("version", "version__program", "version__program__academic_year", "rombel"),
        pk=pk,
    )


def _semester(request):
    return {"1": 1, "2": 2}.get(request.GET.get("semester", ""))


def _version(request, program):
    number = request.GET.get("versi", "")
    versions = program.versions.all()
    if number.isdigit() and len(number) < 6:
        version = versions.filter(number=int(number)).first()
        if version is None:
            raise Http404
        return version
    return versions.order_by("-number").first()


@policy.require("program.list")
def program_list(request):
    programs = policy.visible(request.user, "program.view", Program.objects.select_related("academic_year"))
    return render(
        request,
        "program/list.html",
        {
            "programs": programs,
            "draft_form": DraftForm(user=request.user),
            "empty_form": EmptyProgramForm(user=request.user),
        },
    )


@policy.require("program.create")
def draft(request):
    """Two steps: the proposal (the bidang with the highest needs first, their top needs as topics),
    then the program drafted from the topics the counselor ticked."""
    form = DraftForm(request.POST or None, user=request.user)
    proposal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["step"] == "accept":
                program = services.draft(
                    request.user,
                    data["administration"],
                    title=data["title"],
                    per_bidang=data["per_bidang"],
                    accepted=set(data["accept"]),
                )
                messages.success(request, _("The program was drafted from the needs ranking; check and adjust it."))
                return redirect("program:detail", program.pk)
            proposal = services.propose(request.user, data["administration"], per_bidang=data["per_bidang"])
        except services.ActionError as error:
            form.add_error(None, error.message)
    return render(request, "program/draft.html", {"form": form, "proposal": proposal})


@policy.require("program.create")
def program_new(request):
    form = EmptyProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_empty(
                request.user, form.cleaned_data["academic_year"], form.cleaned_data["title"]
            )
        except services.ActionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("program:detail", program.pk)
    return render(request, "program/new.html", {"form": form})


@require_GET
@policy.require("program.view")
def detail(request, pk):
    program = _program(request, pk)
    version = _version(request, program)
    semester = _semester(request)
    return render(
        request,
        "program/detail.html",
        {
            "program": program,
            "version": version,
            "versions": program.versions.order_by("-number"),
            "items": reports.items_with_status(version, semester),
            "semester": semester,
            "can_edit": not version.frozen and policy.can(request.user, "program.edit", program),
            "version_form": VersionForm(),
        },
    )


@require_POST
@policy.require("program.view")
def save_version(request, pk):
    program = _program(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The note is too long."), status=400)
    try:
        version = services.save_version(request.user, program, form.cleaned_data["note"])
    except services.ActionError as error:
        messages.error(request, error.message)
        return redirect("program:detail", program.pk)
    messages.success(
        request,
        _("Version %(number)d saved; you are now editing version %(next)d.")
        % {
            "number": version.number - 1,
            "next": version.number,
        },
    )
    return redirect("program:detail", program.pk)


@require_GET
@policy.require("program.view")
def calendar(request, pk):
    program = _program(request, pk)
    version = _version(request, program)
    semester = _semester(request)
    return render(
        request,
        "program/calendar.html",
        {"program": program, "version": version, "semester": semester, "calendar": reports.calendar(version, semester)},
    )


@require_GET
@policy.require("program.view")
def realisation(request, pk):
    program = _program(request, pk)
    version = _version(request, program)
    semester = _semester(request)
    return render(
        request,
        "program/realisation.html",
        {
            "program": program,
            "version": version,
            "semester": semester,
            "report": reports.realisation(version, semester),
            "items": reports.items_with_status(version, semester),
        },
    )


@policy.require("program.recap")
def recap(request):
    program = reports.current_program(request.user.school_id)
    semester = _semester(request)
    report = reports.realisation(program.current(), semester) if program is not None else None
    return render(request, "program/recap.html", {"program": program, "report": report, "semester": semester})


@policy.require("program.view")
def item_new(request, pk):
    program = _program(request, pk)
    version = program.current()
    if not policy.can(request.user, "program.edit", program) or version.frozen:
        raise Http404
    form = ItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_item(request.user, version, form.data_())
        except services.ActionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("program:detail", program.pk)
    return render(request, "program/item_form.html", {"program": program, "form": form})


@policy.require("program.view")
def item(request, pk):
    item = _item(request, pk)
    program = item.version.program
    editable = not item.version.frozen and policy.can(request.user, "program.edit", program)
    initial = {
        "topic": item.topic,
        "bidang": item.bidang,
        "service_type": item.service_type,
        "grade": item.grade,
        "rombel": item.rombel_id,
        "month": item.month,
        "week": item.week,
    }
    form = ItemForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.change_item(request.user, item, form.data_())
            except services.ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The program item was saved."))
                return redirect("program:item", item.pk)
    linked = policy.visible(
        request.user, "service_record.view", ServiceRecord.objects.select_related("rombel", "counselor")
    ).filter(pk__in=item.realisations.values("record_id"))
    return render(
        request,
        "program/item.html",
        {
            "item": item,
            "program": program,
            "form": form,
            "editable": editable,
            "linked": linked,
            "hidden_links": item.realisations.count() - len(linked),
            "suggestions": services.suggestions(request.user, item) if editable else [],
            "session_form": SessionForm(user=request.user, item=item) if editable else None,
            "laiseg": services.laiseg_of(request.user, item),
        },
    )


@require_POST
@policy.require("program.view")
def hold_session(request, pk):
    """The item's classical session was given now: record it, ask the students for a Laiseg. From
    the item page, or from present mode at the end of the session (`next`: back to it)."""
    item = _item(request, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("program:item", args=[item.pk])
    form = SessionForm(request.POST, user=request.user, item=item)
    if not form.is_valid():
        messages.error(request, _("Choose the rombel and a duration between 1 and 600 minutes."))
        return redirect(back)
    try:
        session = services.hold_session(
            request.user,
            item,
            rombel=form.cleaned_data["rombel"],
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
    except services.ActionError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("The session was recorded; %(n)d students were asked for a Laiseg on their phone.") % {"n": session.asked},
    )
    return redirect(back)


@require_POST
@policy.require("program.view")
def item_delete(request, pk):
    item = _item(request, pk)
    program = item.version.program
    try:
        services.remove_item(request.user, item)
    except services.ActionError as error:
        messages.error(request, error.message)
    return redirect("program:detail", program.pk)


@require_POST
@policy.require("program.view")
def link(request, pk):
    item = _item(request, pk)
    form = LinkForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(_("Choose a service record."), status=400)
    try:
        if form.cleaned_data["action"] == "link":
            services.link(request.user, item, form.cleaned_data["record"])
        else:
            services.unlink(request.user, item, form.cleaned_data["record"])
    except services.ActionError as error:
        return HttpResponse(error.message, status=403)
    return redirect("program:item", item.pk)


@policy.require("program.view")
def rpl(request, pk):
    item = _item(request, pk)
    editable = not item.version.frozen and policy.can(request.user, "program.edit", item.version.program)
    existing = getattr(item, "rpl", None)
    initial = services.rpl_draft(item) if existing is None else None
    form = RplForm(request.POST or None, instance=existing, initial=initial)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.save_rpl(request.user, item, form.cleaned_data)
            except services.ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The RPL was saved."))
                return redirect("program:rpl", item.pk)
    return render(
        request, "program/rpl.html", {"item": item, "form": form, "editable": editable, "saved": existing is not None}
    )


@require_GET
@policy.require("program.view")
def rpl_pdf(request, pk):
    item = _item(request, pk)
    data = exports.rpl_pdf(request.user, item)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rpl-{item.pk}.pdf"'
    return response
