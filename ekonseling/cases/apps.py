from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The case book (buku kasus): a student's problem from referral to closing."""

    name = "ekonseling.cases"
    label = "cases"
    verbose_name = _("Case book")

    def ready(self):
        from . import demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
