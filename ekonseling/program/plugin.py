"""What the BK program adds to the kernel: its menu entries and the principal's recap card."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

registry.register_menu("program:list", _("BK program"), "program.list", order=28)
registry.register_menu("program:recap", _("Program realisation"), "program.recap", order=29)


def _recap_card(request):
    from . import reports

    program = reports.current_program(request.user.school_id)
    if program is None:
        return None
    return {"program": program, "report": reports.realisation(program.current())}


registry.register_home_card("program.recap", "program/home/recap.html", "program.recap", _recap_card, order=16)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
registry.register_audit_detail(
    r"drafted from administration (?P<n>\d+)", _("drafted from instrument administration #%(n)s")
)
registry.register_audit_detail(
    r"drafted from administration (?P<n>\d+): (?P<k>\d+) of (?P<m>\d+) accepted",
    _("drafted from instrument administration #%(n)s: %(k)s of %(m)s topics accepted"),
)
