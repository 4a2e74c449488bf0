from datetime import date, datetime, time, timedelta

import pytest

from scheduling import clinictime
from tests.factories import AdmissionFactory, RoomFactory, TrackFactory, session_type


def at(day: date, hhmm: str) -> datetime:
    """The UTC moment of a clinic wall-clock time."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return clinictime.local_to_utc(day, time(hour, minute))


@pytest.fixture
def individual(db):
    return session_type("individual-counseling")


@pytest.fixture
def room(db):
    return RoomFactory(name="Counseling Room 1")


@pytest.fixture
def group_room(db):
    return RoomFactory(name="Group Room A")


@pytest.fixture
def track(counselor, group_room):
    """IOP Morning: Mon/Wed/Fri 09:00-12:00 from Mon 5 Jan 2026, led by `counselor`."""
    return TrackFactory(
        name="IOP Morning", room=group_room, lead_counselor=counselor, first_date=date(2026, 1, 5)
    )


@pytest.fixture
def patient(counselor):
    """An IOP patient on `counselor`'s caseload. Named by hand: tests check the name is
    not on pages, and a drawn one can be part of any page's text ("Angel", "Los_Angeles")."""
    return AdmissionFactory(
        primary_counselor=counselor,
        start_date=date(2026, 1, 5),
        patient__legal_first_name="Henrietta",
        patient__legal_last_name="Quarrington",
    ).patient


def book(patient, counselor, room, day: date, hhmm: str, minutes: int = 50, kind=None):
    """An individual session through the service (so the booking copies are right)."""
    from scheduling.services import book_individual_session

    return book_individual_session(
        patient=patient,
        counselor=counselor,
        room=room,
        start=at(day, hhmm),
        minutes=minutes,
        session_type=kind or session_type("individual-counseling"),
        by=counselor,
    )


def group_session(track, day: date, patients=()):
    """The track's occurrence on `day`, with `patients` enrolled from that day."""
    from scheduling.services import enroll_patient, generate_track_sessions

    for patient in patients:
        enroll_patient(track=track, patient=patient, joined=day, today=day)
    generate_track_sessions(track=track, start=day, end=day + timedelta(days=1))
    return track.sessions.get(occurrence_date=day)


def admitted(**kwargs):
    """A patient with an open IOP admission from Mon 5 Jan 2026 (the day the test tracks
    start), so they may join a group on any date the tests use."""
    kwargs.setdefault("start_date", date(2026, 1, 5))
    return AdmissionFactory(**kwargs).patient
