"""What the safety pipeline adds to the kernel: how its audit details and records read in the audit
log (core.audit.shown_detail, shown_object)."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

registry.register_audit_detail(r"alert (?P<status>\w+)", _("alert %(status)s"), coded=("status",))
# Alert and HeldMail name themselves in English ("alert on sheet 12", "3 held on …").
registry.register_audit_repr(r"alert on .*")
registry.register_audit_repr(r"\d+ held on .*")
