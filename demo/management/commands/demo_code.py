from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.users import demo_totp_code


class Command(BaseCommand):
    help = "Print the fictional demo director's current two-factor code (development only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Only for the demo: DEBUG is off.")
        self.stdout.write(demo_totp_code())
