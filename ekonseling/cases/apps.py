from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The case book (buku kasus): a student's problem from referral to closing."""

    name = "ekonseling.cases"
    label = "cases"
    verbose_name = _("Case book")
