"""A disclosure can send the treatment plan in force (under a consent whose box for it is
ticked) and SUD counseling notes (only under a consent for them, 42 CFR 2.31(b)), through
the page and the service; anything else is refused with nothing recorded."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services as intake_services
from intake.models import Consent, Disclosure, InvalidTransition
from notes.services import write_counseling_note
from tests.factories import ConsentFactory
from tests.intake.conftest import days_ago, text
from tests.treatment.conftest import in_care, signed_plan

NOTE = "Ambivalent about the family meeting; private working hypothesis to revisit."


@pytest.fixture
def patient(counselor, intake_user):
    patient = in_care(counselor, intake_user, days_ago=10)
    signed_plan(patient, counselor)
    write_counseling_note(patient=patient, text=NOTE, by=counselor)
    return patient


def _consent(patient, **fields) -> Consent:
    defaults = {"signed_on": days_ago(5), "expiry_event": "end_of_treatment"}
    return ConsentFactory(patient=patient, **{**defaults, **fields})


def _post(client, patient, consent, what):
    return client.post(
        reverse("intake:disclose-records", args=[patient.uuid]),
        {"consent": str(consent.uuid), "what": what, "attendance_from": "", "attendance_to": ""},
    )


def _nothing_sent(patient) -> bool:
    return (
        not Disclosure.objects.filter(patient=patient).exists()
        and not AuditEvent.objects.filter(action="export", patient_uuid=patient.uuid).exists()
    )


def test_the_plan_goes_under_a_consent_that_covers_it(intake_client, patient):
    consent = _consent(patient, covers_treatment_plan=True)
    page = text(intake_client.get(reverse("intake:disclose-records", args=[patient.uuid])))
    assert 'value="treatment_plan"' in page and 'value="counseling_notes"' in page
    response = _post(intake_client, patient, consent, "treatment_plan")
    assert response.status_code == 200
    document = text(response)
    assert "Treatment plan, version 1" in document
    assert "My roommate drinks every night" in document  # a problem of the plan
    assert NOTE not in document
    disclosure = Disclosure.objects.get(patient=patient)
    assert disclosure.what == "treatment_plan" and disclosure.assessment is None
    assert disclosure.attendance_from is None


def test_the_plan_is_refused_when_its_box_is_not_ticked(intake_client, intake_user, patient):
    consent = _consent(patient, covers_assessment=True, covers_attendance=True)
    response = _post(intake_client, patient, consent, "treatment_plan")
    assert response.status_code == 400
    assert "treatment plan" in text(response)
    with pytest.raises(InvalidTransition, match="treatment plan"):
        intake_services.disclose_records(
            patient=patient, consent=consent, what="treatment_plan", by=intake_user
        )
    assert _nothing_sent(patient)


def test_counseling_notes_never_go_under_a_general_consent(intake_client, intake_user, patient):
    consent = _consent(
        patient, covers_assessment=True, covers_attendance=True, covers_treatment_plan=True
    )
    response = _post(intake_client, patient, consent, "counseling_notes")
    assert response.status_code == 400
    assert "42 CFR 2.31(b)" in text(response)
    with pytest.raises(InvalidTransition, match="SUD counseling notes"):
        intake_services.disclose_records(
            patient=patient, consent=consent, what="counseling_notes", by=intake_user
        )
    assert _nothing_sent(patient)


def test_counseling_notes_go_under_a_consent_that_names_them(intake_client, patient):
    consent = _consent(
        patient, kind="counseling_notes", information="My counselor's SUD counseling notes"
    )
    response = _post(intake_client, patient, consent, "counseling_notes")
    assert response.status_code == 200
    document = text(response)
    assert NOTE in document
    assert "Treatment plan, version" not in document
    assert Disclosure.objects.get(patient=patient).what == "counseling_notes"


def test_a_consent_for_counseling_notes_sends_no_plan(intake_user, patient):
    consent = _consent(patient, kind="counseling_notes")
    with pytest.raises(InvalidTransition, match="nothing else"):
        intake_services.disclose_records(
            patient=patient, consent=consent, what="treatment_plan", by=intake_user
        )
    assert _nothing_sent(patient)
