"""Link-only e-mails sent in the background: the alerts tell counselors where to look, never what.

An e-mail leaves the school's control, so callers pass a subject and a body that carry a link and
nothing of the counseling content. Sending happens on one background thread, so a slow mail server
holds up neither the message store nor the page that raised the alert.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.core.mail import send_mail

log = logging.getLogger(__name__)

_mailer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="link-mail")


def send_link_mails(subject, body, emails):
    """Queue one e-mail per address: colleagues' addresses are not shared, and one bad address
    does not stop the others. Blank and repeated addresses are skipped."""
    addresses = list(dict.fromkeys(email for email in emails if email))
    if addresses:
        _mailer.submit(_send_each, subject, body, addresses)


def _send_each(subject, body, addresses):
    for address in addresses:
        try:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
        except Exception:
            log.exception("the e-mail %r to %s failed", subject, address)


def wait_for_mail():
    """Tests: let the queued e-mails go out."""
    _mailer.submit(lambda: None).result(timeout=10)
