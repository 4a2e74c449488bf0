"""PHQ-9 and GAD-7 are due at discharge (domain.md "Progress measures"): on the
counselor's home and the progress page until taken, within the closing window; one
taken in the last week of care counts; a change of level is no discharge."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from intake.models import Admission
from intake.services import change_level, discharge_patient
from outcomes import progress, scales, services
from scheduling import clinictime
from tests.factories import AdmissionFactory, PatientFactory, program

TODAY = date(2026, 3, 11)  # a Wednesday


@pytest.fixture
def today(frozen_now):
    frozen_now(clinictime.local_to_utc(TODAY, time(12, 0)))
    return TODAY


@pytest.fixture
def admission(today, counselor):
    return AdmissionFactory(
        patient=PatientFactory(legal_first_name="Ines", legal_last_name="Marlow"),
        primary_counselor=counselor,
        program=program("IOP"),
        start_date=today - timedelta(days=40),
    )


def _take(patient, kind, day, counselor):
    answers = {item.key: 0 for item in scales.ITEMS[kind]}
    services.record_measurement(
        patient=patient, kind=kind, taken_on=day, answers=answers, by=counselor
    )


def _discharge(admission, counselor, on):
    return discharge_patient(
        admission=admission, on=on, reason="completed", note="Finished IOP.", by=counselor
    )


def _due(admission):
    admission.refresh_from_db()
    found = progress.due_for([admission], monday=clinictime.monday_of(TODAY))
    return {(d.kind, d.why) for d in found.get(admission.patient_id, [])}


def test_both_are_due_at_discharge_until_taken(today, admission, counselor):
    for kind in (scales.PHQ9, scales.GAD7):
        _take(admission.patient, kind, today - timedelta(days=20), counselor)  # 4-week one
    _discharge(admission, counselor, today - timedelta(days=1))
    assert _due(admission) == {(scales.PHQ9, "at discharge"), (scales.GAD7, "at discharge")}
    _take(admission.patient, scales.PHQ9, today, counselor)
    assert _due(admission) == {(scales.GAD7, "at discharge")}


def test_one_taken_in_the_last_week_of_care_counts(today, admission, counselor):
    end = today - timedelta(days=1)
    _take(admission.patient, scales.PHQ9, end - timedelta(days=7), counselor)  # the last day in
    _take(admission.patient, scales.GAD7, end - timedelta(days=8), counselor)  # one day too soon
    _discharge(admission, counselor, end)
    assert _due(admission) == {(scales.GAD7, "at discharge")}


def test_a_change_of_level_is_no_discharge(today, admission, counselor):
    change_level(
        admission=admission,
        program=program("OP"),
        on=today,
        primary_counselor=counselor,
        note="Stepping down.",
        by=counselor,
    )
    assert not _due(admission)  # the ended IOP admission asks nothing
    stepped = Admission.objects.get(patient=admission.patient, end_date__isnull=True)
    assert (scales.PHQ9, "at discharge") not in _due(stepped)


def test_the_home_and_the_progress_page_list_them(today, admission, counselor, counselor_client):
    _discharge(admission, counselor, today - timedelta(days=2))
    home = counselor_client.get(reverse("accounts:home")).content.decode()
    assert admission.patient.mrn in home
    assert "(at discharge)" in home
    page = counselor_client.get(reverse("outcomes:patient-progress", args=[admission.patient.uuid]))
    assert "at discharge" in page.content.decode()


def test_after_the_closing_window_they_are_no_longer_listed(
    today, admission, counselor, counselor_client, settings
):
    _discharge(admission, counselor, today - timedelta(days=settings.ACCESS_CLOSING_DAYS + 1))
    home = counselor_client.get(reverse("accounts:home")).content.decode()
    assert "(at discharge)" not in home


def test_an_open_admission_has_no_discharge_measure(today, admission, counselor):
    for kind in (scales.PHQ9, scales.GAD7):
        _take(admission.patient, kind, today - timedelta(days=3), counselor)
    assert not {why for _, why in _due(admission)} & {"at discharge"}
