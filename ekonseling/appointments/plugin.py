"""What appointments add to the kernel: the menu entries and the home cards."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

from . import home

# The badge: a counselor's requests waiting for an answer (one count); students get none.
registry.register_menu(
    "appointments:index",
    _("Appointments"),
    "appointment.list",
    order=22,
    badge=home.waiting_requests,
    badge_action="appointment.requests_badge",
)
registry.register_menu("appointments:holidays", _("School calendar"), "appointment.holidays", order=95)
registry.register_home_card(
    "appointments.today", "appointments/home/counselor.html", "home.appointments_today", home.counselor_today, order=15
)
registry.register_home_card(
    "appointments.upcoming",
    "appointments/home/student.html",
    "home.appointments_student",
    home.student_upcoming,
    order=15,
)


def _holidays(school_id, first, last):
    from .models import SchoolHoliday

    rows = SchoolHoliday.objects.filter(school_id=school_id, date__range=(first, last)).values_list("date", "name")
    return [registry.CalendarDay(date, name) for date, name in rows]


# The school holidays kept here are the school calendar the BK program's calendar shows.
registry.register_school_calendar("appointments.holidays", _holidays)
registry.register_student_section(
    "appointments.student",
    "appointments/_student_section.html",
    "student.view_counseling",
    home.student_section,
    order=17,
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
registry.register_audit_detail(r"appointment requested", _("appointment requested"))
registry.register_audit_detail(r"appointment booked by the counselor", _("appointment booked by the counselor"))
