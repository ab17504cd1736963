"""What service records add to the kernel: menu entries, home cards (the counselor's dashboard,
a student's Laiseg to answer, the principal's recap) and the student page's services."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

registry.register_menu("records:list", _("Service records"), "service_record.list", order=25)
registry.register_menu("records:report", _("Service reports"), "records.reports", order=26)
registry.register_menu("records:principal", _("BK service recap"), "records.principal_dashboard", order=27)


def _counselor_card(request):
    from . import reports

    return {"dash": reports.counselor_dashboard(request.user)}


def _laiseg_card(request):
    from .models import Laiseg

    pending = list(
        Laiseg.objects.filter(student__user=request.user, answered_at__isnull=True)
        .select_related("record", "record__counselor")
        .order_by("-requested_at")[:5]
    )
    return {"pending": pending} if pending else None


def _principal_card(request):
    from django.db.models import Count

    from . import reports
    from .models import ServiceRecord

    user = request.user
    period = reports.current_semester(user.school_id)
    counts = ServiceRecord.objects.filter(school_id=user.school_id, date__range=(period.start, period.end)).aggregate(
        n=Count("pk")
    )
    from . import suppression

    return {"period": period, "total": suppression.suppress({"n": counts["n"]})["n"]}


registry.register_home_card(
    "records.counselor", "records/home/counselor.html", "records.dashboard", _counselor_card, order=15
)
registry.register_home_card("records.laiseg", "records/home/laiseg.html", "laiseg.answer", _laiseg_card, order=5)
registry.register_home_card(
    "records.principal", "records/home/principal.html", "records.principal_home", _principal_card, order=15
)


def _student_section(request, student):
    from . import reports

    return {"student": student, "records": reports.student_services(request.user, student)}


registry.register_student_section(
    "records.services", "records/_student_section.html", "records.student_services", _student_section, order=15
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
registry.register_audit_detail(
    r"service recorded: (?P<service_type>\w+), (?P<n>\d+) students(?:, from conversation #(?P<c>\d+))?",
    _("service recorded: %(service_type)s, %(n)s students"),
    coded=("service_type",),
)
registry.register_audit_detail(r"service record changed", _("service record changed"))
