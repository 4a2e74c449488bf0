"""A track's sessions: its rule plus per-occurrence exceptions."""

from datetime import UTC, date, datetime, time

from scheduling.models import Attendance, Session
from scheduling.services import (
    cancel_session,
    enroll_patient,
    generate_track_sessions,
    mark_attendance,
    reschedule_session,
    save_session_notes,
    update_track_pattern,
)
from tests.factories import RoomFactory
from tests.scheduling.conftest import at

MARCH_2 = date(2026, 3, 2)  # the week of the spring-forward Sunday
MARCH_30 = date(2026, 3, 30)


def _dates(track):
    return list(
        track.sessions.order_by("occurrence_date").values_list("occurrence_date", flat=True)
    )


def test_it_generates_the_rule_for_any_range(track):
    result = generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 16))
    assert result.created == 6
    assert _dates(track) == [date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]
    first = track.sessions.first()
    assert first.title == "IOP Morning: Group therapy"
    assert list(first.counselors.all()) == [track.lead_counselor]


def test_it_is_idempotent(track):
    generate_track_sessions(track=track, start=MARCH_2, end=MARCH_30)
    again = generate_track_sessions(track=track, start=date(2026, 2, 23), end=MARCH_30)
    assert again.created == 3  # only the week that was not there yet
    assert track.sessions.count() == 15


def test_local_start_time_holds_across_daylight_saving(track):
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 14))
    starts = {s.occurrence_date: s.start for s in track.sessions.all()}
    assert starts[date(2026, 3, 6)] == datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # PST
    assert starts[date(2026, 3, 9)] == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # PDT
    assert all(s.minutes == 180 for s in track.sessions.all())


def test_moving_or_cancelling_one_occurrence_leaves_the_rest(track, counselor):
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 9))
    monday, wednesday, friday = track.sessions.order_by("start")
    reschedule_session(
        session=wednesday,
        start=at(date(2026, 3, 5), "13:00"),
        minutes=120,
        room=track.room,
        by=counselor,
    )
    cancel_session(session=friday, reason="Clinic closed for training", by=counselor)
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 9))
    assert track.sessions.count() == 3
    wednesday.refresh_from_db()
    friday.refresh_from_db()
    assert (wednesday.occurrence_date, wednesday.start, wednesday.is_moved) == (
        date(2026, 3, 4),
        at(date(2026, 3, 5), "13:00"),
        True,
    )
    assert friday.is_cancelled and friday.cancel_reason == "Clinic closed for training"
    monday.refresh_from_db()
    assert monday.start == at(MARCH_2, "09:00") and not monday.is_exception


def test_changing_the_pattern_changes_only_future_untouched_sessions(track, counselor, patient):
    generate_track_sessions(track=track, start=MARCH_2, end=MARCH_30)
    enroll_patient(track=track, patient=patient, joined=MARCH_2, today=MARCH_2)
    by_date = {s.occurrence_date: s for s in track.sessions.all()}
    past = by_date[date(2026, 3, 9)]
    moved, edited, cancelled = (by_date[date(2026, 3, d)] for d in (16, 18, 20))
    reschedule_session(
        session=moved,
        start=at(date(2026, 3, 16), "10:00"),
        minutes=180,
        room=track.room,
        by=counselor,
    )
    save_session_notes(
        session=edited, notes="Guest speaker from a local recovery group.", by=counselor
    )
    cancel_session(session=cancelled, reason="Holiday: the clinic is closed", by=counselor)

    # from Thursday 12 March: Tuesdays and Thursdays at 10:00, 2 hours, in another room
    now = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)  # 01:00 on Thursday 12 March locally
    track.weekdays, track.start_time, track.length_minutes = [1, 3], time(10, 0), 120
    track.room = RoomFactory(name="Group Room B")
    track.save()
    result = update_track_pattern(track=track, now=now)

    past.refresh_from_db()
    assert past.start == at(date(2026, 3, 9), "09:00") and past.room.name == "Group Room A"
    for session in (moved, edited, cancelled):
        session.refresh_from_db()
    assert moved.start == at(date(2026, 3, 16), "10:00") and moved.minutes == 180
    assert edited.start == at(date(2026, 3, 18), "09:00")
    assert cancelled.is_cancelled
    # untouched Mon/Wed/Fri sessions after "now" are gone; the new days are there
    future = {
        s.occurrence_date: s for s in track.sessions.filter(occurrence_date__gte=date(2026, 3, 12))
    }
    assert sorted(future) == [date(2026, 3, d) for d in (12, 16, 17, 18, 19, 20, 24, 26)]
    new = future[date(2026, 3, 17)]
    assert (new.start, new.minutes, new.room.name) == (
        at(date(2026, 3, 17), "10:00"),
        120,
        "Group Room B",
    )
    assert list(new.attendees.values_list("patient_id", flat=True)) == [patient.pk]
    assert result.removed == 4 and result.created == 5


def test_attendance_taken_makes_a_session_touched(track, counselor, patient):
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 7))
    enroll_patient(track=track, patient=patient, joined=MARCH_2, today=MARCH_2)
    monday = track.sessions.get(occurrence_date=MARCH_2)
    attendee = monday.attendees.get()
    mark_attendance(session=monday, marks={attendee.pk: (Attendance.PRESENT, None)}, by=counselor)
    track.start_time = time(8, 0)
    track.save()
    update_track_pattern(track=track, now=datetime(2026, 3, 1, tzinfo=UTC))
    monday.refresh_from_db()
    assert monday.start == at(MARCH_2, "09:00")
    assert track.sessions.get(occurrence_date=date(2026, 3, 4)).start == at(
        date(2026, 3, 4), "08:00"
    )


def test_a_clashing_occurrence_is_skipped_and_reported(track, counselor, patient, individual):
    from scheduling.services import book_individual_session

    book_individual_session(
        patient=patient,
        counselor=counselor,
        room=RoomFactory(),
        start=at(date(2026, 3, 4), "11:00"),
        minutes=50,
        session_type=individual,
        by=counselor,
    )
    result = generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 7))
    assert result.created == 2
    assert len(result.problems) == 1
    assert (
        "is already in Individual counseling, Wed, Mar 4, 2026, 11:00 AM – 11:50 AM"
        in result.problems[0]
    )
    assert not Session.objects.filter(track=track, occurrence_date=date(2026, 3, 4)).exists()
