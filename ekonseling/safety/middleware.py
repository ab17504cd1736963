"""Held alert e-mails go out without a timer in any one process: a request now and then (at most
once per SAFETY_HELD_MAIL_CHECK seconds across all processes, throttled through the cache) sends
those whose window has ended, and runs the sources' sweeps (alerts that come due with time, such
as a sociometric survey that closed). Cron's `manage.py send_pending_alert_mail` covers a quiet
server."""

import logging

from django.conf import settings
from django.core.cache import cache

from . import actions

log = logging.getLogger(__name__)

THROTTLE_KEY = "safety:held-mail-check"


class HeldMailMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        every = int(getattr(settings, "SAFETY_HELD_MAIL_CHECK", 0))
        if every > 0 and cache.add(THROTTLE_KEY, 1, every):
            try:
                actions.run_sweeps()
                actions.send_due_mail()
            except Exception:  # the page is answered already; the next check tries again
                log.exception("sending the held alert e-mails failed")
        return response
