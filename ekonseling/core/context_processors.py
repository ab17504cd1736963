from django.conf import settings

# (url name, label msgid, action): the menu shows an entry only when the policy allows it.
from django.utils.translation import gettext_lazy as _

from . import policy

MENU = [
    ("core:home", _("Home"), "home.view"),
    ("counseling:home", _("Counseling"), "counseling.start"),
    ("counseling:inbox", _("Counseling inbox"), "counseling.inbox"),
    ("counseling:risk_lexicon", _("Risk lexicon"), "risk_lexicon.manage"),
    ("instruments:my", _("My instruments"), "assignment.fill"),
    ("instruments:administrations", _("Instruments"), "administration.manage"),
    ("students:list", _("Students"), "student.list"),
    ("students:account_rombels", _("Student accounts"), "rombel.manage_accounts"),
    ("students:caseload", _("Caseloads"), "caseload.manage"),
    ("students:year_end", _("Year-end promotion"), "rombel.promote"),
    ("students:deletion_requests", _("Deletion requests"), "student.carry_out_deletion"),
    ("core:summary", _("School summary"), "school.aggregates"),
    ("core:audit_log", _("Audit log"), "audit.view"),
    ("admin:index", _("Administration"), "admin.access"),
    ("accounts:account", _("My account"), "account.manage_own"),
]


def navigation(request):
    user = getattr(request, "user", None)
    menu = [(name, label) for name, label, action in MENU if policy.can(user, action)] if user else []
    return {"menu": menu, "LANGUAGES": settings.LANGUAGES}
