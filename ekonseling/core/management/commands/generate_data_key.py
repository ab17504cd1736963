from django.core.management.base import BaseCommand

from ekonseling.core import crypto


class Command(BaseCommand):
    help = "Print a new Fernet key for EKONSELING_DATA_KEYS (put it first to make it the primary key)."

    def handle(self, *args, **options):
        self.stdout.write(crypto.generate_key())
