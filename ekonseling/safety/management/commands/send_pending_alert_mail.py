"""`manage.py send_pending_alert_mail`: raise the alerts that came due with time (the sources'
sweeps: a sociometric survey that closed), then send the held alert e-mails whose window has ended.
Run it from cron every minute or so; running it on several machines at once sends each e-mail once."""

from django.core.management.base import BaseCommand

from ekonseling.core import notify
from ekonseling.safety import actions


class Command(BaseCommand):
    help = "Send the held (coalesced) alert e-mails whose window has ended."

    def handle(self, *args, **options):
        raised = actions.run_sweeps()
        sent = actions.send_due_mail()
        notify.wait_for_mail()
        if options["verbosity"] > 0:
            self.stdout.write(f"{raised} alert(s) raised by the sweeps, {sent} held alert e-mail(s) sent.")
