from django.core.management.base import BaseCommand

from ekonseling.core import demo


class Command(BaseCommand):
    help = "Create the demo school with its users, rombel and students. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="List the demo sign-ins afterwards.")

    def handle(self, *args, print_logins, **options):
        school = demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo school ready: {school.name}"))
        if print_logins:
            self.stdout.write("Demo sign-ins (username / password):")
            for username, password, role in demo.demo_logins():
                self.stdout.write(f"  {str(role):<16} {username:<12} {password}")
