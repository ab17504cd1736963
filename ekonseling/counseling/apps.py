from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "ekonseling.counseling"
    label = "counseling"
    verbose_name = _("Online counseling")
