"""Appointment reminders go out without a timer in any one process: a request now and then (at most
once per APPOINTMENT_REMINDER_CHECK seconds across all processes, throttled through the cache)
sends those that are due. Cron's `manage.py send_appointment_reminders` covers a quiet server."""

import logging

from django.conf import settings
from django.core.cache import cache

from . import actions

log = logging.getLogger(__name__)

THROTTLE_KEY = "appointments:reminder-check"


class ReminderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        every = int(getattr(settings, "APPOINTMENT_REMINDER_CHECK", 0))
        if every > 0 and cache.add(THROTTLE_KEY, 1, every):
            try:
                actions.send_due_reminders()
            except Exception:  # the page is answered already; the next check tries again
                log.exception("sending the appointment reminders failed")
        return response
