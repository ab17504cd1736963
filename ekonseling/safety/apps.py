from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """The one safety pipeline: every source of a risk signal raises, decides and notifies here."""

    name = "ekonseling.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self):
        from . import personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
