"""PostgreSQL refuses to put a room, a counselor or a patient in two sessions at once."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from scheduling.models import Attendee, Session, SessionCounselor
from scheduling.services import (
    BookingConflict,
    book_individual_session,
    cancel_session,
    reschedule_session,
)
from tests.factories import AdmissionFactory, RoomFactory
from tests.scheduling.conftest import at

DAY = date(2026, 3, 10)


def _book(patient, counselor, room, individual, hhmm="10:00", minutes=50):
    return book_individual_session(
        patient=patient,
        counselor=counselor,
        room=room,
        start=at(DAY, hhmm),
        minutes=minutes,
        session_type=individual,
        by=counselor,
    )


def test_it_books_and_copies_the_time_onto_the_links(patient, counselor, room, individual):
    session = _book(patient, counselor, room, individual)
    link = SessionCounselor.objects.get(session=session)
    attendee = Attendee.objects.get(session=session)
    assert (link.start, link.end, link.active) == (session.start, session.end, True)
    assert (attendee.start, attendee.end, attendee.active) == (session.start, session.end, True)
    assert list(counselor.sessions.all()) == [session]
    assert list(patient.attendances.all()) == [attendee]


def test_the_room_cannot_be_booked_twice(patient, counselor, other_counselor, room, individual):
    _book(patient, counselor, room, individual)
    someone_else = AdmissionFactory().patient
    with pytest.raises(BookingConflict) as excinfo:
        _book(someone_else, other_counselor, room, individual, hhmm="10:30")
    assert excinfo.value.messages == [
        "Counseling Room 1 is already booked for Individual counseling, "
        "Tue, Mar 10, 2026, 10:00 AM – 10:50 AM, Counseling Room 1."
    ]
    assert Session.objects.count() == 1


def test_the_counselor_cannot_be_booked_twice(patient, counselor, room, individual):
    counselor.first_name, counselor.last_name = "Dana", "Whitfield"
    counselor.save()
    _book(patient, counselor, room, individual)
    with pytest.raises(BookingConflict) as excinfo:
        _book(AdmissionFactory().patient, counselor, RoomFactory(), individual, hhmm="10:45")
    assert excinfo.value.messages == [
        "Dana Whitfield is already in Individual counseling, "
        "Tue, Mar 10, 2026, 10:00 AM – 10:50 AM, Counseling Room 1."
    ]
    # nothing half-saved: no session, link or attendee of the refused booking
    assert (
        Session.objects.count(),
        SessionCounselor.objects.count(),
        Attendee.objects.count(),
    ) == (1, 1, 1)


def test_the_patient_cannot_be_booked_twice_and_is_not_named(
    patient, counselor, other_counselor, room, individual
):
    _book(patient, counselor, room, individual)
    with pytest.raises(BookingConflict) as excinfo:
        _book(patient, other_counselor, RoomFactory(name="Counseling Room 2"), individual, "09:30")
    message = str(excinfo.value)
    assert message.startswith("The patient is already in Individual counseling")
    assert patient.legal_last_name not in message


def test_back_to_back_sessions_do_not_clash(patient, counselor, room, individual):
    _book(patient, counselor, room, individual, "10:00", 60)
    _book(patient, counselor, room, individual, "11:00", 60)
    assert Session.objects.count() == 2


def test_a_cancelled_session_frees_everyone(patient, counselor, room, individual):
    first = _book(patient, counselor, room, individual)
    cancel_session(session=first, reason="Patient is unwell", by=counselor)
    assert not SessionCounselor.objects.get(session=first).active
    second = _book(patient, counselor, room, individual)
    assert second.pk != first.pk


def test_rescheduling_into_a_taken_slot_changes_nothing(patient, counselor, room, individual):
    _book(patient, counselor, room, individual, "10:00")
    later = _book(patient, counselor, room, individual, "14:00")
    with pytest.raises(BookingConflict):
        reschedule_session(
            session=later, start=at(DAY, "10:30"), minutes=50, room=room, by=counselor
        )
    later.refresh_from_db()
    assert later.start == at(DAY, "14:00")
    assert Attendee.objects.get(session=later).start == at(DAY, "14:00")


def test_rescheduling_moves_the_copies_too(patient, counselor, room, individual):
    session = _book(patient, counselor, room, individual)
    reschedule_session(session=session, start=at(DAY, "15:00"), minutes=60, room=room, by=counselor)
    assert SessionCounselor.objects.get(session=session).end == at(DAY, "16:00")
    assert Attendee.objects.get(session=session).start == at(DAY, "15:00")


def test_the_database_itself_refuses_overlaps(patient, counselor, room, individual):
    """Even code that skips the services cannot double-book a room."""
    session = _book(patient, counselor, room, individual)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            session_type=individual, start=session.start, end=session.end, room=room
        )
