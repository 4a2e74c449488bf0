"""Caseload access ends with the admission plus ACCESS_CLOSING_DAYS; intake decides
access on its own, and apps above it only add reasons through the registry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intake import access
from intake.access import patients_visible_to
from tests.factories import AdmissionFactory

pytestmark = pytest.mark.django_db


def _discharged(counselor, days_ago: int):
    today = timezone.localdate()
    admission = AdmissionFactory(
        primary_counselor=counselor, start_date=today - timedelta(days=days_ago + 20)
    )
    admission.end_date = today - timedelta(days=days_ago)
    admission.discharge_reason = "completed"
    admission.save()
    return admission


def test_an_open_admission_gives_access(counselor):
    admission = AdmissionFactory(primary_counselor=counselor)
    assert list(patients_visible_to(counselor)) == [admission.patient]


@pytest.mark.parametrize(
    ("days_ago", "visible"), [(0, True), (14, True), (15, False), (200, False)]
)
def test_caseload_access_ends_fourteen_days_after_discharge(
    counselor, frozen_now, days_ago, visible
):
    frozen_now(timezone.now())
    admission = _discharged(counselor, days_ago)
    assert patients_visible_to(counselor).filter(pk=admission.patient_id).exists() is visible


def test_the_closing_window_comes_from_settings(counselor, settings):
    admission = _discharged(counselor, 3)
    settings.ACCESS_CLOSING_DAYS = 2
    assert not patients_visible_to(counselor).exists()
    settings.ACCESS_CLOSING_DAYS = 3
    assert list(patients_visible_to(counselor)) == [admission.patient]


def test_intake_decides_access_without_any_contributed_rule(counselor, monkeypatch):
    monkeypatch.setattr(access, "_counselor_rules", [])
    admission = AdmissionFactory(primary_counselor=counselor)
    assert list(patients_visible_to(counselor)) == [admission.patient]


def test_scheduling_contributes_its_rule_once():
    from scheduling.access import session_patient_ids

    assert access.counselor_access_rules().count(session_patient_ids) == 1
    access.register_counselor_access(session_patient_ids)
    assert access.counselor_access_rules().count(session_patient_ids) == 1
