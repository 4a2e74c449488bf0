"""The demo clinic: groups, enrolled demo patients, five weeks of sessions, attendance."""

from datetime import date, time, timedelta

from django.contrib.auth.models import User

from demo.schedule import ensure_demo_schedule
from scheduling import clinictime, hours
from scheduling.models import Attendee, Session, Track, TrackEnrollment


def test_the_demo_schedule_is_lively_and_idempotent(db, frozen_now):
    # one moment throughout: "this week" must not turn between the demo and the checks
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(13, 5)))
    first = ensure_demo_schedule()
    assert first.tracks == 4
    assert set(Track.objects.values_list("name", flat=True)) == {
        "IOP Morning",
        "IOP Evening",
        "PHP Day",
        "OP Relapse Prevention",
    }
    assert first.enrollments >= 8  # intake's demo patients by their level
    monday = clinictime.monday_of(clinictime.today())
    this_week = Session.objects.in_week(monday)
    assert this_week.filter(track__name="IOP Morning").count() == 3
    assert this_week.filter(track__isnull=True).count() >= 8  # individual sessions
    last_week = Session.objects.in_week(monday - timedelta(days=7))
    assert not Attendee.objects.filter(session__in=last_week, attendance="").exists()
    assert Attendee.objects.exclude(attendance="").exclude(attendance="present").exists()
    # every IOP patient is in exactly one IOP group
    iop = TrackEnrollment.objects.filter(track__program__code="IOP")
    assert iop.count() == iop.values("patient").distinct().count()

    # an enrolment outside the patient's level, with its reason; a cancelled group session
    exception = TrackEnrollment.objects.exclude(exception_reason="").get()
    assert exception.track.name == "IOP Evening" and "Stepping down" in exception.exception_reason
    cancelled = Session.objects.get(status=Session.Status.CANCELLED)
    assert cancelled.track.name == "IOP Morning" and "staff training" in cancelled.cancel_reason
    # an adolescent on a caseload, judged against the adolescent range
    loads = hours.caseloads(
        counselors=list(User.objects.filter(username__in=["counselor", "counselor2"])),
        monday=monday,
        today=clinictime.today(),
    )
    ranges = [row.week.range_display for load in loads for row in load.rows]
    assert "adolescent range 6-19 h" in ranges and "adult range 9-19 h" in ranges

    again = ensure_demo_schedule()
    assert (again.tracks, again.enrollments, again.sessions, again.marked) == (0, 0, 0, 0)
