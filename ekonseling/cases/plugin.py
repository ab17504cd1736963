"""What the case book adds to the kernel: menu entries (with the referrals waiting as a badge),
home cards for counselors and the wali kelas, and the counseling timeline of the student page."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

from . import home

registry.register_menu("cases:list", _("Case book"), "case.list", order=25)
# Counselors: the referrals waiting to be received, with their count as the badge (one query);
# the wali kelas: their own referrals (no badge: nothing waits on them).
registry.register_menu(
    "cases:referrals",
    _("Referrals to BK"),
    "referral.view",
    order=26,
    badge=home.waiting_referrals,
    badge_action="referral.inbox",
)

registry.register_home_card("cases.book", "cases/home/counselor.html", "home.cases", home.counselor_card, order=30)
registry.register_home_card(
    "cases.referrals_sent", "cases/home/wali_kelas.html", "home.referrals_sent", home.wali_kelas_card, order=40
)


def _timeline(request, student):
    from ekonseling.core import audit, policy

    user = request.user
    return {
        "student": student,
        "entries": home.timeline(student, user, **audit.request_origin(request)),
        "may_refer": user.role == "wali_kelas" and policy.can(user, "referral.create", student),
        "may_open": policy.can(user, "case.open_for", student),
    }


registry.register_student_section(
    "cases.timeline", "cases/_timeline.html", "student.view_case_timeline", _timeline, order=15
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
# The service records' names as actions.AUDIT_NAMES writes them, as people read them.
RECORD_NAMES = {
    "referral out": _("referral out"),
    "home visit": _("home visit"),
    "case conference": _("case conference"),
    "parent call-in": _("parent call-in"),
}
_RECORD = r"(?P<record>" + "|".join(RECORD_NAMES) + r") #(?P<n>\d+)"
_WORD = r"[\w./-]+"  # a username
detail = registry.register_audit_detail
detail(r"status (?P<old>\w*) -> (?P<new>\w*)", _("status %(old)s → %(new)s"), coded=("old", "new"))
detail(r"handled by (?P<name>" + _WORD + ")", _("handled by %(name)s"))
detail(r"no longer handled by (?P<name>" + _WORD + ")", _("no longer handled by %(name)s"))
detail(r"shared with (?P<name>" + _WORD + ")", _("shared with %(name)s"))
detail(r"no longer shared with (?P<name>" + _WORD + ")", _("no longer shared with %(name)s"))
detail(r"case note #(?P<n>\d+)", _("case note #%(n)s"))
detail(r"case opened \((?P<source>\w+)\)", _("case opened (%(source)s)"), coded=("source",))
detail(r"follow-up #(?P<n>\d+) done", _("follow-up #%(n)s done"))
detail(r"follow-up #(?P<n>\d+) due (?P<date>[\d-]+)", _("follow-up #%(n)s due %(date)s"))
detail(_RECORD, _("%(record)s #%(n)s"), labels={"record": RECORD_NAMES})
detail(_RECORD + " letter PDF", _("%(record)s #%(n)s, letter PDF"), labels={"record": RECORD_NAMES})
detail(r"referral \((?P<source>\w+)\)", _("referral (%(source)s)"), coded=("source",))
detail(r"referral received into case #(?P<n>\d+)", _("referral received into case #%(n)s"))
