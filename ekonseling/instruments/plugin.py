"""What instruments add to the kernel: menu entries, home-page cards and the student-page section."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry


def _to_fill(user):
    """The student's sheets open for filling now (not submitted, window open): one query."""
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from ekonseling.core import policy

    from .models import Assignment

    now = timezone.now()
    sheets = policy.visible(user, "assignment.fill", Assignment.objects.exclude(status=Assignment.Status.SUBMITTED))
    return (
        sheets.filter(administration__opens_at__lte=now)
        .annotate(until=Coalesce(F("closes_at"), F("administration__closes_at")))
        .filter(until__gt=now)
        .count()
    )


registry.register_menu("instruments:my", _("My instruments"), "assignment.fill", order=40, badge=_to_fill)
registry.register_menu("instruments:administrations", _("Instruments"), "administration.manage", order=50)


def _counselor_card(request):
    from .views_manage import home_card

    return home_card(request.user)


def _student_card(request):
    from .views_fill import student_sheets

    return {"instrument_groups": student_sheets(request.user)}


def _student_section(request, student):
    from . import reports

    results = reports.student_results(request.user, student)
    return {"student": student, "results": results} if results else None


registry.register_home_card(
    "instruments.counselor",
    "instruments/home/counselor.html",
    "administration.manage",
    _counselor_card,
    order=20,
    extrahead="instruments/manage/_style.html",
)
registry.register_home_card(
    "instruments.student", "instruments/home/student.html", "assignment.fill", _student_card, order=30
)
registry.register_student_section(
    "instruments.results", "instruments/_student_section.html", "student.view_counseling", _student_section, order=20
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
detail = registry.register_audit_detail
detail(r"critical items: (?P<items>[\d, ]+)", _("critical items: %(items)s"))
detail(r"group report N=(?P<n>\d+)(?:, rombel (?P<rombels>[\d,]+))?(?: \((?P<kind>\w+)\))?", _("group report, N=%(n)s"))
detail(r"individual report(?: \((?P<kind>\w+)\))?", _("individual report"))
detail(r"sample instruments: (?P<n>\d+)", _("sample instruments: %(n)s"))
detail(r"results released", _("results released"))
