from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """The BK program: drafted from a needs assessment, planned by month, RPL, realisation."""

    name = "ekonseling.program"
    label = "program"
    verbose_name = _("BK program")

    def ready(self):
        from . import demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
