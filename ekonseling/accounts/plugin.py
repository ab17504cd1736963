"""The home page's heading per role (the kernel knows no roles) and the account menu entry."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

from .models import Role

HEADINGS = {
    Role.OPERATOR: ("home-operator", _("Operator's dashboard"), ""),
    Role.KOORDINATOR_BK: ("home-counselor", _("Counselor's dashboard"), ""),
    Role.GURU_BK: ("home-counselor", _("Counselor's dashboard"), ""),
    Role.WALI_KELAS: ("home-wali-kelas", _("Homeroom teacher's dashboard"), ""),
    Role.KEPALA_SEKOLAH: (
        "home-kepala-sekolah",
        _("Principal's dashboard"),
        _(
            "Aggregates of the guidance and counseling service. Counseling content and names in sensitive "
            "reports are never shown here."
        ),
    ),
}


def heading(user):
    if user.role == Role.SISWA:
        return registry.HomeHeading("home-siswa", gettext("Hello, %(name)s") % {"name": user.display_name})
    if user.role in HEADINGS:
        return registry.HomeHeading(*HEADINGS[user.role])
    return None


registry.register_home_heading(heading)
registry.register_menu("accounts:account", _("My account"), "account.manage_own", order=150)
registry.register_menu("accounts:staff_activation", _("Staff activation"), "account.activate_staff", order=140)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
detail = registry.register_audit_detail
detail(r"(?P<what>.*); password withdrawn", _("%(what)s; password withdrawn"))
detail(r"username=(?P<name>.*)", _("username %(name)s"))
detail(r"unknown username", _("unknown username"))
detail(r"account, role=(?P<role>.*)", _("account, role %(role)s"), coded=("role",))
detail(r"role (?P<old>\w*) -> (?P<new>\w*)(?P<rest>.*)", _("role %(old)s → %(new)s%(rest)s"), coded=("old", "new"))
detail(r"one-time password issued", _("one-time password issued"))
detail(r"changed own password", _("changed own password"))
detail(r"reset by administrator", _("reset by the administrator"))
detail(r"enabled TOTP", _("two-factor sign-in turned on"))
detail(r"disabled TOTP", _("two-factor sign-in turned off"))
