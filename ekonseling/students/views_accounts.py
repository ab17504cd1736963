"""Student logins and the student's own profile: thin views over `student_accounts` and `profile`.

Pages that show or serve a one-time password are never cached, anywhere: a shared school computer
or a proxy must not keep a copy.
"""

import copy

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from ekonseling.accounts.models import Role
from ekonseling.core import audit, policy

from . import profile, student_accounts
from .models import Rombel, Student


def _no_store(response):
    add_never_cache_headers(response)
    return response


def _pdf(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


def _site_url(request):
    return request.build_absolute_uri("/")


@policy.require("rombel.manage_accounts")
@require_GET
def account_rombels(request):
    """Where the operator starts: the rombel whose students' accounts they may manage, this year's
    first (last year's rombel only when no year is marked current)."""
    rombels = policy.visible(request.user, "rombel.manage_accounts", Rombel.objects.all())
    if rombels.filter(academic_year__is_current=True).exists():
        rombels = rombels.filter(academic_year__is_current=True)
    active = Q(students__status=Student.Status.ACTIVE)
    rombels = (
        rombels.select_related("academic_year")
        .annotate(
            active_count=Count("students", filter=active),
            without_account=Count("students", filter=active & Q(students__user__isnull=True)),
        )
        .order_by("-academic_year__starts_on", "grade", "name")
    )
    return render(request, "students/accounts/rombel_list.html", {"rombels": rombels})


@policy.require("rombel.manage_accounts")
@require_http_methods(["GET", "POST"])
def rombel_accounts(request, pk):
    rombel = policy.get_object_or_404(
        request.user,
        "rombel.manage_accounts",
        Rombel.objects.select_related("school", "academic_year"),
        pk=pk,
    )
    if request.method == "POST":
        try:
            issued = student_accounts.create_accounts_for_rombel(rombel, request.user, **audit.request_origin(request))
        except IntegrityError:
            # Another browser created an account with the same username a moment earlier.
            messages.error(request, _("The accounts could not be created just now. Nothing was changed; try again."))
            return redirect("students:rombel_accounts", pk=rombel.pk)
        if issued:
            student_accounts.keep_pending(request.session, issued)
            messages.success(
                request,
                ngettext(
                    "%(count)d account created. Download the login cards now.",
                    "%(count)d accounts created. Download the login cards now.",
                    len(issued),
                )
                % {"count": len(issued)},
            )
        else:
            messages.info(request, _("Every active student of this rombel already has an account."))
        return redirect("students:rombel_accounts", pk=rombel.pk)

    students = list(rombel.students.filter(status=Student.Status.ACTIVE).select_related("user").order_by("name", "pk"))
    pending = student_accounts.peek_pending(request.session, Student.objects.filter(rombel=rombel))
    context = {
        "rombel": rombel,
        "students": students,
        "without_account": sum(1 for s in students if s.user_id is None),
        "pending_count": len(pending),
        "pending_minutes": int(student_accounts.PENDING_TTL.total_seconds() // 60),
        # Role level only; the reset page itself decides per student.
        "may_reset": policy.can(request.user, "student.reset_password"),
    }
    return _no_store(render(request, "students/accounts/rombel_accounts.html", context))


@policy.require("rombel.manage_accounts")
@require_GET
def rombel_login_cards(request, pk):
    rombel = policy.get_object_or_404(
        request.user, "rombel.manage_accounts", Rombel.objects.select_related("school"), pk=pk
    )
    issued = student_accounts.take_pending(request.session, Student.objects.filter(rombel=rombel))
    if not issued:
        messages.info(
            request,
            _(
                "There are no login cards waiting to be printed. Passwords are shown only once; if a card is lost, "
                "reset that student's password."
            ),
        )
        return redirect("students:rombel_accounts", pk=rombel.pk)
    data = student_accounts.export_login_cards(
        issued, rombel, request.user, _site_url(request), **audit.request_origin(request)
    )
    return _pdf(data, f"kartu-login-{slugify(rombel.name) or rombel.pk}.pdf")


def _student_for_reset(request, pk):
    return policy.get_object_or_404(
        request.user,
        "student.reset_password",
        Student.objects.select_related("user", "rombel", "school"),
        pk=pk,
    )


@policy.require("student.reset_password")
@require_http_methods(["GET", "POST"])
def student_reset_password(request, pk):
    student = _student_for_reset(request, pk)
    if request.method == "POST":
        try:
            login = student_accounts.reset_password(student, request.user, **audit.request_origin(request))
        except student_accounts.NoAccountError as refused:
            messages.error(request, str(refused))
            return redirect("students:student_reset_password", pk=student.pk)
        student_accounts.keep_pending(request.session, [login])
        # Rendered, not redirected: the password is on this one response and nowhere else to revisit.
        return _no_store(
            render(request, "students/accounts/reset_password_done.html", {"student": student, "login": login})
        )
    context = {
        "student": student,
        "has_account": student.user is not None and student.user.role == Role.SISWA,
        "may_manage_rombel": student.rombel_id is not None
        and policy.can(request.user, "rombel.manage_accounts", student.rombel),
    }
    return render(request, "students/accounts/reset_password_confirm.html", context)


@policy.require("student.reset_password")
@require_GET
def student_login_card(request, pk):
    """The one card of a reset, for counselors who serve the student individually and so cannot
    print through the rombel."""
    student = _student_for_reset(request, pk)
    issued = student_accounts.take_pending(request.session, Student.objects.filter(pk=student.pk))
    if not issued:
        messages.info(
            request,
            _("This card was already downloaded or has expired. Passwords are shown only once; reset it again."),
        )
        return redirect("students:student_reset_password", pk=student.pk)
    data = student_accounts.export_login_cards(
        issued, student, request.user, _site_url(request), **audit.request_origin(request)
    )
    return _pdf(data, f"kartu-login-{slugify(student.nisn) or student.pk}.pdf")


@policy.require("student.edit_own")
@require_http_methods(["GET", "POST"])
def my_profile(request):
    try:
        student = Student.objects.select_related("rombel").get(user=request.user)
    except Student.DoesNotExist:
        raise Http404 from None
    if not policy.can(request.user, "student.edit_own", student):
        raise Http404
    # The form fills a copy, so `update_own_profile` still sees the old values it records.
    form = profile.OwnProfileForm(request.POST or None, instance=copy.copy(student))
    if request.method == "POST" and form.is_valid():
        changes = profile.update_own_profile(student, form.cleaned_data, request.user, **audit.request_origin(request))
        if changes:
            messages.success(request, _("Your data has been saved. Your guru BK will see what you changed."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("students:my_profile")
    return render(request, "students/accounts/my_profile.html", {"student": student, "form": form})


@policy.require("student.view_changes")
@require_http_methods(["GET", "POST"])
def student_changes(request, pk):
    student = policy.get_object_or_404(
        request.user, "student.view_changes", Student.objects.select_related("rombel"), pk=pk
    )
    if request.method == "POST":
        count = profile.mark_seen(student, request.user, **audit.request_origin(request))
        if count:
            messages.success(
                request,
                ngettext("%(count)d change marked as seen.", "%(count)d changes marked as seen.", count)
                % {"count": count},
            )
        return redirect("students:student_changes", pk=student.pk)
    page = Paginator(student.profile_changes.all(), 50).get_page(request.GET.get("page"))
    for change in page:
        change.label = profile.field_label(change.field)
    context = {
        "student": student,
        "page": page,
        "unseen_count": profile.unseen_changes(student).count(),
        "query": request.GET,
    }
    return render(request, "students/accounts/changes.html", context)
