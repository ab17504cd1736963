"""The kernel's own pages in the menu: home, the audit log and the administration."""

from django.utils.translation import gettext_lazy as _

from . import registry

registry.register_menu("core:home", _("Home"), "home.view", order=0)
registry.register_menu("core:audit_log", _("Audit log"), "audit.view", order=130)
registry.register_menu("admin:index", _("Administration"), "admin.access", order=140)
