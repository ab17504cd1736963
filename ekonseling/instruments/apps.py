from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "ekonseling.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self):
        from . import alerts, demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        # A sheet marking a critical item is a source of safety alerts.
        alerts.register()

        personal_data.register()
