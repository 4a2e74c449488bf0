"""A counselor's access to a patient through a session lasts only around the session.

From ACCESS_SESSION_DAYS_BEFORE (7) days before it starts to ACCESS_SESSION_DAYS_AFTER
(30) days after it ends; a cancelled session gives nothing, a moved one counts where it
is now (intake.access + scheduling.access.session_patient_ids).
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404
from django.urls import reverse

from intake.access import get_patient_for_user, patients_visible_to
from scheduling.services import book_individual_session, cancel_session, reschedule_session
from tests.factories import PatientFactory, RoomFactory, session_type

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 18, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Los Angeles
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _now(frozen_now):
    frozen_now(NOW)


def _book(patient, counselor, by, start):
    return book_individual_session(
        patient=patient,
        counselor=counselor,
        room=RoomFactory(),
        start=start,
        minutes=50,
        session_type=session_type("individual-counseling"),
        by=by,
    )


def _sees(counselor, patient) -> bool:
    return patients_visible_to(counselor).filter(pk=patient.pk).exists()


@pytest.mark.parametrize(
    ("starts_in", "visible"),
    [
        (timedelta(days=7), True),  # the first moment of the window before
        (timedelta(days=7) + MINUTE, False),  # a minute too early
        (timedelta(days=1), True),  # tomorrow
        (timedelta(days=60), False),  # far future
    ],
)
def test_a_future_session_gives_access_from_seven_days_before(
    counselor, director, starts_in, visible
):
    patient = PatientFactory(active=True)
    _book(patient, counselor, director, NOW + starts_in)
    assert _sees(counselor, patient) is visible


@pytest.mark.parametrize(
    ("ended_ago", "visible"),
    [
        (timedelta(hours=1), True),  # held this morning
        (timedelta(days=30), True),  # the last moment of the window after
        (timedelta(days=30) + MINUTE, False),  # a minute too late
        (timedelta(days=365), False),  # long past
    ],
)
def test_a_held_session_gives_access_until_thirty_days_after(
    counselor, director, ended_ago, visible
):
    patient = PatientFactory(active=True)
    _book(patient, counselor, director, NOW - ended_ago - timedelta(minutes=50))
    assert _sees(counselor, patient) is visible


def test_a_cancelled_session_gives_no_access(counselor, director):
    patient = PatientFactory(active=True)
    session = _book(patient, counselor, director, NOW + timedelta(days=1))
    cancel_session(session=session, reason="Booked in error, wrong patient.", by=director)
    assert not _sees(counselor, patient)
    with pytest.raises(Http404):
        get_patient_for_user(counselor, patient.uuid)


def test_a_session_moved_out_of_the_window_gives_access_no_more(counselor, director):
    patient = PatientFactory(active=True)
    session = _book(patient, counselor, director, NOW + timedelta(days=2))
    assert _sees(counselor, patient)
    reschedule_session(
        session=session, start=NOW + timedelta(days=40), minutes=50, room=session.room, by=director
    )
    assert not _sees(counselor, patient)
    reschedule_session(
        session=session, start=NOW + timedelta(days=6), minutes=50, room=session.room, by=director
    )
    assert _sees(counselor, patient)


def test_only_the_sessions_own_counselor_gets_access(counselor, other_counselor, director):
    patient = PatientFactory(active=True)
    _book(patient, other_counselor, director, NOW + timedelta(days=1))
    assert not _sees(counselor, patient)
    assert _sees(other_counselor, patient)


def test_the_windows_come_from_settings(counselor, director, settings):
    patient = PatientFactory(active=True)
    _book(patient, counselor, director, NOW + timedelta(days=3))
    settings.ACCESS_SESSION_DAYS_BEFORE = 2
    assert not _sees(counselor, patient)
    settings.ACCESS_SESSION_DAYS_BEFORE = 3
    assert _sees(counselor, patient)


def test_the_record_of_a_patient_from_a_cancelled_session_answers_404(
    counselor, counselor_client, director
):
    patient = PatientFactory(active=True)
    session = _book(patient, counselor, director, NOW - timedelta(days=2))
    url = reverse("intake:patient-detail", args=[patient.uuid])
    assert counselor_client.get(url).status_code == 200
    cancel_session(session=session, reason="Booked in error, wrong patient.", by=director)
    assert counselor_client.get(url).status_code == 404
    print_url = reverse("scheduling:print-attendance", args=[patient.uuid])
    assert counselor_client.get(print_url).status_code == 404


def test_one_query_whatever_the_number_of_sessions(counselor, director, django_assert_num_queries):
    for days in range(1, 6):
        _book(PatientFactory(active=True), counselor, director, NOW + timedelta(days=days))
    with django_assert_num_queries(2):  # the user's roles, then the patients
        assert len(list(patients_visible_to(counselor))) == 5
