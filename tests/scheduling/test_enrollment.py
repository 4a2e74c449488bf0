"""Rolling enrollment: patients join and leave a track on any date, within its capacity."""

from datetime import date

import pytest

from scheduling.models import Attendance, TrackEnrollment
from scheduling.services import (
    EnrollmentError,
    end_enrollment,
    enroll_patient,
    generate_track_sessions,
    mark_attendance,
)
from tests.scheduling.conftest import admitted

MARCH_2 = date(2026, 3, 2)
LEAVING = "Moved to the evening group for work."


def _roster(track, day):
    session = track.sessions.get(occurrence_date=day)
    return set(session.attendees.values_list("patient_id", flat=True))


def test_sessions_list_the_patients_enrolled_on_their_date(track):
    a, b, c = (admitted() for _ in range(3))
    enroll_patient(track=track, patient=a, joined=MARCH_2, today=MARCH_2)
    enroll_patient(
        track=track, patient=b, joined=date(2026, 3, 4), left=date(2026, 3, 11), today=MARCH_2
    )
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 16))
    enroll_patient(track=track, patient=c, joined=date(2026, 3, 9), today=MARCH_2)
    assert _roster(track, MARCH_2) == {a.pk}
    assert _roster(track, date(2026, 3, 4)) == {a.pk, b.pk}
    assert _roster(track, date(2026, 3, 9)) == {a.pk, b.pk, c.pk}
    assert _roster(track, date(2026, 3, 11)) == {a.pk, c.pk}  # left is the first day away


def test_leaving_removes_the_patient_from_later_sessions_only(track, counselor):
    patient = admitted()
    enrollment, _ = enroll_patient(track=track, patient=patient, joined=MARCH_2, today=MARCH_2)
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 16))
    end_enrollment(
        enrollment=enrollment,
        left=date(2026, 3, 9),
        reason=LEAVING,
        by=counselor,
        today=date(2026, 3, 5),
    )
    assert _roster(track, date(2026, 3, 6)) == {patient.pk}
    assert _roster(track, date(2026, 3, 9)) == set()
    assert _roster(track, date(2026, 3, 13)) == set()


def test_marked_attendance_is_never_dropped(track, counselor):
    patient = admitted()
    enrollment, _ = enroll_patient(track=track, patient=patient, joined=MARCH_2, today=MARCH_2)
    generate_track_sessions(track=track, start=MARCH_2, end=date(2026, 3, 7))
    monday = track.sessions.get(occurrence_date=MARCH_2)
    mark_attendance(
        session=monday, marks={monday.attendees.get().pk: (Attendance.ABSENT, None)}, by=counselor
    )
    end_enrollment(
        enrollment=enrollment, left=date(2026, 3, 3), reason=LEAVING, by=counselor, today=MARCH_2
    )
    assert _roster(track, MARCH_2) == {patient.pk}


def test_capacity_is_enforced_on_every_day(track):
    track.capacity = 2
    track.save()
    a, b, c, d = (admitted() for _ in range(4))
    enroll_patient(track=track, patient=a, joined=MARCH_2, left=date(2026, 3, 16), today=MARCH_2)
    enroll_patient(track=track, patient=b, joined=date(2026, 3, 9), today=MARCH_2)
    # from 4 March c fits until b joins on the 9th, and again once a has left on the 16th
    with pytest.raises(EnrollmentError, match=r"full on Mon, Mar 9, 2026 \(2 of 2 places taken\)"):
        enroll_patient(track=track, patient=c, joined=date(2026, 3, 4), today=MARCH_2)
    enroll_patient(
        track=track, patient=c, joined=date(2026, 3, 4), left=date(2026, 3, 9), today=MARCH_2
    )
    with pytest.raises(EnrollmentError, match="full on Wed, Mar 4, 2026"):
        enroll_patient(
            track=track, patient=d, joined=MARCH_2, left=date(2026, 3, 20), today=MARCH_2
        )
    enroll_patient(track=track, patient=d, joined=date(2026, 3, 16), today=MARCH_2)
    assert TrackEnrollment.objects.filter(track=track).count() == 4


def test_one_patient_cannot_be_enrolled_twice_at_once(track, patient):
    enroll_patient(
        track=track, patient=patient, joined=MARCH_2, left=date(2026, 3, 20), today=MARCH_2
    )
    with pytest.raises(EnrollmentError, match="already enrolled"):
        enroll_patient(track=track, patient=patient, joined=date(2026, 3, 10), today=MARCH_2)
    # rejoining after leaving is fine
    enroll_patient(track=track, patient=patient, joined=date(2026, 3, 20), today=MARCH_2)
    assert track.enrollments.filter(patient=patient).count() == 2


def test_joining_outside_the_track_dates_is_refused(track, patient):
    with pytest.raises(EnrollmentError, match="does not run"):
        enroll_patient(track=track, patient=patient, joined=date(2025, 12, 1))


def test_leaving_before_joining_is_refused(track, patient):
    with pytest.raises(EnrollmentError, match="after the joining date"):
        enroll_patient(track=track, patient=patient, joined=MARCH_2, left=MARCH_2)
