from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ekonseling.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import demo, personal_data, plugin, rules, signals  # noqa: F401  (register with the kernel)

        personal_data.register()
