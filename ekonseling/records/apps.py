from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Service records (catatan layanan): every BK service given, its reports and dashboards."""

    name = "ekonseling.records"
    label = "records"
    verbose_name = _("Service records")

    def ready(self):
        from . import demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
