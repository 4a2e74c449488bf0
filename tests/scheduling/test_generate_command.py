from io import StringIO

from django.core.management import call_command

from scheduling import clinictime
from tests.factories import TrackFactory


def test_it_generates_the_weeks_ahead_and_is_idempotent(counselor):
    track = TrackFactory(name="IOP Evening", weekdays=[0, 1, 3], lead_counselor=counselor)
    out = StringIO()
    call_command("generate_sessions", "--weeks", "2", stdout=out)
    created = track.sessions.count()
    assert 6 <= created <= 9  # what is left of this week, and two more weeks
    assert f"IOP Evening: {created} new sessions" in out.getvalue()
    assert all(s.occurrence_date >= clinictime.today() for s in track.sessions.all())
    call_command("generate_sessions", "--weeks", "2", stdout=out)
    assert track.sessions.count() == created
