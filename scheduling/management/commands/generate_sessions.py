from datetime import timedelta

from django.core.management.base import BaseCommand

from scheduling import clinictime
from scheduling.models import Track
from scheduling.services import generate_track_sessions


class Command(BaseCommand):
    help = "Create every group's sessions from today for the weeks ahead (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--weeks", type=int, default=4, help="How many weeks ahead (default 4)."
        )

    def handle(self, *args, weeks: int, **options) -> None:
        start = clinictime.today()
        end = clinictime.monday_of(start) + timedelta(weeks=max(weeks, 0) + 1)
        for track in Track.objects.active_between(start, end).order_by("name"):
            result = generate_track_sessions(track=track, start=start, end=end)
            self.stdout.write(f"{track.name}: {result.created} new sessions")
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
