from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ekonseling.core"
    label = "core"
    verbose_name = _("School and security")

    def ready(self):
        from . import plugin  # noqa: F401  (the kernel's own menu entries)
