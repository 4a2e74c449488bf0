from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from outcomes import services
from scheduling import clinictime


class Command(BaseCommand):
    help = "Draw this week's random drug screen for every IOP and PHP patient (run on Mondays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week-of", type=date.fromisoformat, default=None)

    def handle(self, *args, **options) -> None:
        monday = clinictime.monday_of(options["week_of"] or clinictime.today())
        orders = services.draw_random_screens(monday=monday)
        self.stdout.write(f"Week of {monday}: {len(orders)} random screens drawn")
