"""What the BK program adds to the kernel: its menu entries, the principal's recap card, and the
end of a classical session in present mode (send the Laiseg of the program item it carried out)."""

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


def _session_end(request, session):
    """Present mode's "the session was given": the items the session may carry out, each with the
    program item page's own form (`views.hold_session`, which comes back to present mode)."""
    from ekonseling.students.models import Rombel

    from . import services
    from .forms import SessionForm

    rombel = None
    if session.rombel_id is not None:
        rombel = Rombel.objects.filter(pk=session.rombel_id, school_id=session.school_id).first()
    rows = [
        (item, SessionForm(user=request.user, item=item, initial={"rombel": rombel.pk if rombel else None}))
        for item in services.items_for_session(request.user, session.title, rombel)
    ]
    return {"rows": rows, "return_url": session.return_url, "rombel": rombel}


registry.register_session_end("program.laiseg", "program/present/session_end.html", "program.view", _session_end)
