from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SociometryConfig(AppConfig):
    """Sociometry: peer-choice surveys per rombel, indices from choices received, the sociogram."""

    name = "ekonseling.sociometry"
    label = "sociometry"
    verbose_name = _("Sociometry")

    def ready(self):
        from . import alerts, demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
        # A student several classmates reject in a closed survey is a source of safety alerts.
        alerts.register()
