"""Group enrolment matches care: an open admission that has started, to the track's
program; any other program needs a reason, stored, shown on the rosters and flagged on
the caseload."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from scheduling import clinictime, hours
from scheduling.models import TrackEnrollment
from scheduling.services import EnrollmentError, enroll_patient, generate_track_sessions
from tests.factories import AdmissionFactory, PatientFactory, program
from tests.scheduling.conftest import admitted

DAY = date(2026, 3, 4)
WHY = "Stepping down from PHP: joins the evening group a week early."


def test_a_patient_without_an_open_admission_is_refused(track):
    patient = PatientFactory()
    with pytest.raises(EnrollmentError, match="no open admission") as caught:
        enroll_patient(track=track, patient=patient, joined=DAY, today=DAY)
    assert caught.value.field == "patient"
    discharged = AdmissionFactory(start_date=date(2026, 1, 5), end_date=date(2026, 2, 1)).patient
    with pytest.raises(EnrollmentError, match="no open admission"):
        enroll_patient(track=track, patient=discharged, joined=DAY, today=DAY)
    assert not TrackEnrollment.objects.exists()


def test_joining_before_the_admission_started_is_refused(track):
    patient = admitted(start_date=DAY)
    with pytest.raises(EnrollmentError, match="admitted on Wed, Mar 4, 2026") as caught:
        enroll_patient(track=track, patient=patient, joined=DAY - timedelta(days=1), today=DAY)
    assert caught.value.field == "joined"
    enroll_patient(track=track, patient=patient, joined=DAY, today=DAY)  # the first day is fine


def test_another_programs_patient_needs_a_real_reason(track, intake_user):
    php = admitted(program=program("PHP"))
    for reason, message in (("", "give the reason"), ("moving on", "Say a little more")):
        with pytest.raises(EnrollmentError, match=message) as caught:
            enroll_patient(track=track, patient=php, joined=DAY, exception_reason=reason, today=DAY)
        assert caught.value.field == "exception_reason"
    assert not TrackEnrollment.objects.exists()
    enrollment, _ = enroll_patient(
        track=track, patient=php, joined=DAY, exception_reason=WHY, by=intake_user, today=DAY
    )
    assert enrollment.is_exception and enrollment.exception_reason == WHY


def test_a_reason_is_not_stored_when_the_care_matches(track, patient):
    enrollment, _ = enroll_patient(
        track=track, patient=patient, joined=DAY, exception_reason=WHY, today=DAY
    )
    assert not enrollment.is_exception


def test_the_joining_date_is_at_most_a_year_ahead(track, patient):
    today = DAY
    latest = today + timedelta(days=365)
    with pytest.raises(EnrollmentError, match="can't be after"):
        enroll_patient(track=track, patient=patient, joined=latest + timedelta(days=1), today=today)
    enroll_patient(track=track, patient=patient, joined=latest, today=today)


def _enroll_page(client, track, patient, **extra):
    data = {"patient": patient.pk, "joined": clinictime.today().isoformat(), **extra}
    return client.post(reverse("scheduling:enroll", args=[track.pk]), data)


def test_the_page_asks_for_the_reason_next_to_its_field_and_keeps_the_input(intake_client, track):
    php = admitted(program=program("PHP"))
    response = _enroll_page(intake_client, track, php)
    html = response.content.decode()
    assert response.status_code == 400
    assert "admitted to Partial Hospitalization, and IOP Morning belongs to" in html
    assert 'id="error_1_id_exception_reason"' in html  # crispy's error beside the field
    assert f'value="{clinictime.today().isoformat()}"' in html
    assert not TrackEnrollment.objects.exists()
    response = _enroll_page(intake_client, track, php, exception_reason="asdf asdf asdf")
    assert response.status_code == 400 and "placeholder" in response.content.decode()
    response = _enroll_page(intake_client, track, php, exception_reason=WHY)
    assert response.status_code == 302
    assert TrackEnrollment.objects.get().exception_reason == WHY


def test_the_exception_shows_on_the_track_and_session_rosters_and_the_caseload(
    director_client, track, counselor
):
    php = admitted(program=program("PHP"), primary_counselor=counselor)
    today = clinictime.today()
    enroll_patient(track=track, patient=php, joined=today, exception_reason=WHY, today=today)
    html = director_client.get(track.get_absolute_url()).content.decode()
    assert "Exception" in html and WHY in html
    generate_track_sessions(track=track, start=today, end=today + timedelta(days=7))
    session = track.sessions.order_by("start").first()
    html = director_client.get(session.get_absolute_url()).content.decode()
    assert "Exception" in html and WHY in html
    html = director_client.get(reverse("scheduling:caseload")).content.decode()
    assert "Group outside their level" in html and WHY in html


def test_the_caseload_flags_exceptions_in_a_fixed_number_of_queries(
    track, counselor, django_assert_num_queries
):
    monday = clinictime.monday_of(DAY)
    for n in range(3):
        php = admitted(program=program("PHP"), primary_counselor=counselor)
        enroll_patient(track=track, patient=php, joined=DAY, exception_reason=WHY, today=DAY)
        with django_assert_num_queries(4):
            (load,) = hours.caseloads(counselors=[counselor], monday=monday, today=DAY)
        assert [len(row.exceptions) for row in load.rows] == [1] * (n + 1)
    assert load.rows[0].exceptions[0].exception_reason == WHY
