from datetime import date, datetime, time

import pytest

from scheduling import clinictime
from scheduling.services import mark_attendance
from tests.factories import AdmissionFactory
from tests.scheduling.conftest import at, book, group_session  # noqa: F401

# Wed 14 Jan 2026, IOP Morning 09:00-12:00; its notes are due by the end of Thu 15 Jan
SESSION_DAY = date(2026, 1, 14)
NAMES = [("Henrietta", "Quarrington"), ("Bartholomew", "Ellingsworth"), ("Philippa", "Duxbury")]


def clinic_moment(day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return clinictime.local_to_utc(day, time(hour, minute))


@pytest.fixture
def now(frozen_now):
    """The clinic's clock stands at 13:00 on the session's day."""
    return frozen_now(clinic_moment(SESSION_DAY, "13:00"))


@pytest.fixture
def patients(counselor):
    return [
        AdmissionFactory(
            primary_counselor=counselor,
            start_date=date(2026, 1, 5),
            patient__legal_first_name=first,
            patient__legal_last_name=last,
        ).patient
        for first, last in NAMES
    ]


@pytest.fixture
def session(now, counselor, patients):
    """The IOP Morning group of SESSION_DAY with three patients enrolled; attendance:
    present, late (150 of 180 minutes), absent."""
    from tests.factories import RoomFactory, TrackFactory

    track = TrackFactory(
        name="IOP Morning",
        room=RoomFactory(name="Group Room A"),
        lead_counselor=counselor,
        first_date=date(2026, 1, 5),
        weekdays=[0, 2, 4],
    )
    session = group_session(track, SESSION_DAY, patients)
    by_patient = {a.patient_id: a for a in session.attendees.all()}
    mark_attendance(
        session=session,
        marks={
            by_patient[patients[0].pk].pk: ("present", None),
            by_patient[patients[1].pk].pk: ("late", 150),
            by_patient[patients[2].pk].pk: ("absent", None),
        },
        by=counselor,
    )
    return session


def attendee_of(session, patient):
    return session.attendees.get(patient=patient)


DAP = {
    "data": "Shared how the weekend went; stayed sober at a family party.",
    "assessment": "Uses the refusal skills from last week; mood steadier than at intake.",
    "plan": "Practice the urge log daily; bring it to Friday's group.",
}

OTHER_DAP = {
    "data": "Arrived late after a bus delay, quiet at first, spoke in the second hour.",
    "assessment": "Ambivalent about meetings; cravings rated four of ten in the evenings.",
    "plan": "Try one evening meeting this week and report back on Monday.",
}
