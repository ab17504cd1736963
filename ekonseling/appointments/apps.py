from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """Appointments (jadwal konseling): counselor availability, requests and bookings, reminders."""

    name = "ekonseling.appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from . import demo, group_chat, personal_data, plugin, rules, signalling  # noqa: F401  (register with the kernel)

        personal_data.register()
        signalling.register()
        group_chat.register()
