"""`manage.py send_appointment_reminders`: e-mail the appointment reminders that are due (a day and
15 minutes before). Run it from cron every minute; several machines at once send each reminder once."""

from django.core.management.base import BaseCommand

from ekonseling.appointments import actions
from ekonseling.core import notify


class Command(BaseCommand):
    help = "Send the appointment reminders that are due."

    def handle(self, *args, **options):
        sent = actions.send_due_reminders()
        notify.wait_for_mail()
        if options["verbosity"] > 0:
            self.stdout.write(f"{sent} appointment reminder(s) sent.")
