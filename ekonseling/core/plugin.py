"""The kernel's own pages in the menu (home, the audit log, the administration) and its audit details."""

from django.utils.translation import gettext_lazy as _

from . import registry

registry.register_menu("core:home", _("Home"), "home.view", order=0)
registry.register_menu("core:audit_log", _("Audit log"), "audit.view", order=130)
registry.register_menu("admin:index", _("Administration"), "admin.access", order=140)

# The kernel's own audit details: its export, and a list of changed fields (any app's records).
registry.register_audit_detail(r"changed: (?P<fields>.*)", _("changed: %(fields)s"))
registry.register_audit_detail(r"audit log, (?P<n>\d+) events", _("audit log, %(n)s events"))
