"""The demo clinic's intake data: fictional, complete, and loaded only once."""

import pytest

from demo.intake import DEMO_INQUIRIES, DEMO_PATIENTS, ensure_demo_intake
from intake.models import Admission, Assessment, Consent, Inquiry, Patient, PlacementDecision

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_living_intake_desk_once():
    ensure_demo_intake()
    counts = (
        Inquiry.objects.count(),
        Patient.objects.count(),
        Assessment.objects.count(),
        Admission.objects.count(),
        Consent.objects.count(),
    )
    ensure_demo_intake()  # idempotent
    assert (
        Inquiry.objects.count(),
        Patient.objects.count(),
        Assessment.objects.count(),
        Admission.objects.count(),
        Consent.objects.count(),
    ) == counts
    assert Inquiry.objects.count() == len(DEMO_INQUIRIES)
    assert {i.status for i in Inquiry.objects.all()} >= {"new", "contacted", "assessment_booked"}
    assert Patient.objects.count() == len(DEMO_PATIENTS) + 1
    assert Assessment.objects.filter(status="draft").count() == 1
    assert PlacementDecision.objects.count() == len(DEMO_PATIENTS)
    open_admissions = Admission.objects.filter(end_date__isnull=True)
    assert open_admissions.count() == len(DEMO_PATIENTS)
    assert {a.program.code for a in open_admissions} == {"OP", "IOP", "PHP"}
    assert {a.primary_counselor.username for a in open_admissions} == {"counselor", "counselor2"}
    assert Admission.objects.filter(discharge_reason="stepped_down").count() == 1
    assert Consent.objects.exists()
    # the kinds of the 2024 rule are there to see: a TPO consent beside a named recipient
    assert {c.kind for c in Consent.objects.all()} == {"tpo", "recipient"}
    alerts = [
        a
        for a in Assessment.objects.filter(status="completed")
        if any(alert["kind"] == "safety" for alert in a.recommendation["alerts"])
    ]
    assert len(alerts) == 1
    for patient in Patient.objects.all():
        assert patient.phone[6:12] == "555-01"
        assert patient.email.endswith("@example.com")
