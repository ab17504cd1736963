"""What sociometry adds to the kernel: menu entries, the counselor's home card (students to attend
to, with suggested services), the student's home card (a survey to fill), the student page's
section (counselors of the student's rombel only)."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

registry.register_menu("sociometry:surveys", _("Sociometry"), "sociometry.manage", order=55)
registry.register_menu("sociometry:my", _("Sociometry"), "sociometry.fill", order=45)


def _counselor_card(request):
    from ekonseling.core import policy

    from . import services
    from .models import Survey

    visible = policy.visible(request.user, "sociometry.manage", Survey.objects.all())
    latest, open_now = services.home_surveys(visible)
    # Cached per survey under a fingerprint of its answers: no analysis on a page view unless
    # something was answered, entered or erased since (services.home_flags).
    flagged, total = services.home_flags(latest, limit=30)
    if not flagged and not open_now:
        return None
    return {"flags": flagged, "more": max(total - 30, 0), "open_now": open_now}


def _student_card(request):
    from ekonseling.core import policy

    from .models import Response, Survey

    rows = [s for s in policy.visible(request.user, "sociometry.fill", Survey.objects.all()) if s.is_open()]
    if not rows:
        return None
    answered = set(
        Response.objects.filter(survey__in=rows, student__user=request.user).values_list("survey_id", flat=True)
    )
    pending = [s for s in rows if s.pk not in answered]
    return {"pending": pending} if pending else None


def _student_section(request, student):
    from django.utils import timezone

    from ekonseling.core import policy

    from . import services
    from .models import Survey

    closed = Survey.objects.filter(members__student=student, responses__isnull=False, closes_at__lte=timezone.now())
    surveys = list(
        policy.visible(request.user, "sociometry.manage", closed)
        .distinct()
        .select_related("rombel")
        .order_by("-opens_at")[:2]
    )
    shown = services.read_student_section(student, surveys, request.user)
    return {"student": student, "shown": shown} if shown else None


registry.register_home_card(
    "sociometry.counselor", "sociometry/home/counselor.html", "sociometry.manage", _counselor_card, order=25
)
registry.register_home_card(
    "sociometry.student", "sociometry/home/student.html", "sociometry.fill", _student_card, order=35
)
registry.register_student_section(
    "sociometry.status", "sociometry/_student_section.html", "sociometry.view_student", _student_section, order=30
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
registry.register_audit_detail(
    r"response of student (?P<n>\d+) \((?P<source>\w+)\)",
    _("response of student %(n)s (%(source)s)"),
    coded=("source",),
)
registry.register_audit_detail(r"sociometric survey of (?P<rombel>.+)", _("sociometric survey of %(rombel)s"))
