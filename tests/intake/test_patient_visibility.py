"""intake.access: a counselor sees the patients on their caseload or in their sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intake.access import patients_visible_to
from scheduling.services import book_individual_session
from tests.factories import AdmissionFactory, PatientFactory, RoomFactory, session_type

pytestmark = pytest.mark.django_db


def _book(patient, counselor, by, days_ahead=1):
    return book_individual_session(
        patient=patient,
        counselor=counselor,
        room=RoomFactory(),
        start=timezone.now() + timedelta(days=days_ahead),
        minutes=50,
        session_type=session_type("individual-counseling"),
        by=by,
    )


def test_a_counselor_sees_a_patient_from_one_of_their_sessions(counselor, director):
    patient = PatientFactory(active=True)
    assert patient not in patients_visible_to(counselor)
    _book(patient, counselor, director)
    assert list(patients_visible_to(counselor)) == [patient]


def test_a_session_with_another_counselor_shows_nothing(counselor, other_counselor, director):
    _book(PatientFactory(active=True), other_counselor, director)
    assert not patients_visible_to(counselor).exists()


def test_caseload_and_sessions_together_list_each_patient_once(counselor, director):
    admission = AdmissionFactory(primary_counselor=counselor)
    _book(admission.patient, counselor, director, days_ahead=1)
    _book(PatientFactory(active=True), counselor, director, days_ahead=2)
    visible = list(patients_visible_to(counselor))
    assert len(visible) == 2
    assert admission.patient in visible


def test_a_discharged_caseload_patient_is_no_longer_visible(counselor):
    # after the closing window (tests/intake/test_access_windows.py has every edge)
    admission = AdmissionFactory(
        primary_counselor=counselor, start_date=timezone.localdate() - timedelta(days=60)
    )
    admission.end_date = timezone.localdate() - timedelta(days=15)
    admission.discharge_reason = "completed"
    admission.save()
    assert not patients_visible_to(counselor).exists()


def test_intake_and_director_see_everyone_and_others_no_one(intake_user, director):
    patient = PatientFactory()
    assert patient in patients_visible_to(intake_user)
    assert patient in patients_visible_to(director)
