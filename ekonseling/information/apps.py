from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InformationConfig(AppConfig):
    """The information service: articles for students, targeted, scheduled, with read tracking."""

    name = "ekonseling.information"
    label = "information"
    verbose_name = _("Information service")

    def ready(self):
        from . import demo, personal_data, plugin, rules  # noqa: F401  (register with the kernel)

        personal_data.register()
