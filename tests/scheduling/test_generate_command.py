from datetime import date, time
from io import StringIO

from django.core.management import call_command

from scheduling import clinictime
from tests.factories import TrackFactory


def test_it_generates_the_weeks_ahead_and_is_idempotent(counselor, frozen_now):
    # a Wednesday: this week's Monday and Tuesday are over, its Thursday is still ahead
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(10)))
    track = TrackFactory(name="IOP Evening", weekdays=[0, 1, 3], lead_counselor=counselor)
    out = StringIO()
    call_command("generate_sessions", "--weeks", "2", stdout=out)
    created = track.sessions.count()
    # what is left of this week, and two more weeks
    assert sorted(track.sessions.values_list("occurrence_date", flat=True)) == [
        date(2026, 3, 5),
        date(2026, 3, 9),
        date(2026, 3, 10),
        date(2026, 3, 12),
        date(2026, 3, 16),
        date(2026, 3, 17),
        date(2026, 3, 19),
    ]
    assert f"IOP Evening: {created} new sessions" in out.getvalue()
    call_command("generate_sessions", "--weeks", "2", stdout=out)
    assert track.sessions.count() == created
