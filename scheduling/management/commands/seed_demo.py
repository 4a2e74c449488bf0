from django.core.management.base import BaseCommand

from scheduling.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users


class Command(BaseCommand):
    help = "Load the fictional demo clinic (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        ensure_demo_users()
        self.stdout.write(f"Demo logins (fictional staff; password for all: {DEMO_PASSWORD})")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} {demo.role}")
