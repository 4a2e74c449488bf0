"""Patient records: creating and editing with every field checked, the MRN, the page."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from intake.models import Patient, format_mrn, next_mrn
from tests.factories import AssessmentFactory, ConsentFactory, PatientFactory
from tests.intake.conftest import text

pytestmark = pytest.mark.django_db

NEW = "/intake/patients/new/"
VALID = {
    "legal_first_name": "Rosalind",
    "legal_last_name": "Achebe",
    "date_of_birth": "1987-02-11",
    "sex_assigned_at_birth": "female",
    "phone": "(213) 555-0177",
    "email": "rosalind@example.com",
    "state": "ca",
    "postal_code": "90012",
}


def test_a_patient_is_created_with_a_generated_mrn(intake_client, intake_user):
    response = intake_client.post(NEW, VALID)
    patient = Patient.objects.get()
    assert response.status_code == 302 and response.url == patient.get_absolute_url()
    assert str(patient.uuid) in response.url
    assert patient.mrn.startswith("MRN-") and len(patient.mrn) == 10
    assert patient.state == "CA"
    assert patient.status == Patient.Status.PROSPECT
    assert patient.created_by == intake_user
    event = AuditEvent.objects.get(action="create", patient_uuid=patient.uuid)
    assert "Achebe" not in event.detail + event.object_repr


def test_mrns_come_from_a_sequence_and_never_repeat():
    numbers = {next_mrn() for _ in range(5)}
    assert len(numbers) == 5
    a, b = PatientFactory(), PatientFactory()
    assert int(b.mrn[4:]) > int(a.mrn[4:])
    assert format_mrn(42) == "MRN-000042"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date_of_birth", "2099-01-01", "Date of birth cannot be in the future."),
        ("date_of_birth", "not a date", "Enter a valid date."),
        ("legal_last_name", "", "This field is required."),
        ("phone", "555-0177", "Enter a 10-digit US phone number"),
        ("phone", "call me maybe", "Enter a 10-digit US phone number"),
        ("email", "rosalind@", "Enter a valid email address."),
        ("state", "California", "Enter the two-letter state code"),
        ("state", "ZZ", "Enter the two-letter state code"),
        ("postal_code", "9001", "Enter a 5-digit ZIP code"),
        ("postal_code", "ABCDE", "Enter a 5-digit ZIP code"),
        ("emergency_contact_phone", "12", "Enter a 10-digit US phone number"),
    ],
)
def test_bad_input_is_refused_beside_the_field(intake_client, field, value, message):
    response = intake_client.post(NEW, {**VALID, field: value})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message in text(response)
    # the rest of what was typed is still there
    assert 'value="Rosalind"' in response.content.decode()
    assert not Patient.objects.exists()


def test_patients_must_be_twelve_or_older(intake_client, frozen_now):
    # a fixed day: "the same day eleven years ago" does not exist when today is 29 February
    frozen_now(timezone.make_aware(datetime(2026, 3, 4, 10, 0)))
    eleven = date(2015, 3, 4)  # eleventh birthday today
    response = intake_client.post(NEW, {**VALID, "date_of_birth": eleven.isoformat()})
    assert response.context["form"].errors["date_of_birth"] == [
        "Patients must be at least 12 years old."
    ]
    twelve = date(2014, 3, 3)  # twelve years and a day
    assert (
        intake_client.post(NEW, {**VALID, "date_of_birth": twelve.isoformat()}).status_code == 302
    )


def test_an_emergency_contact_needs_both_name_and_phone(intake_client):
    response = intake_client.post(NEW, {**VALID, "emergency_contact_name": "Tomas Achebe"})
    assert "Add a phone number" in response.context["form"].errors["emergency_contact_phone"][0]
    response = intake_client.post(NEW, {**VALID, "emergency_contact_phone": "213-555-0178"})
    assert "Add their name" in response.context["form"].errors["emergency_contact_name"][0]


def test_a_member_id_needs_a_payer(intake_client):
    response = intake_client.post(NEW, {**VALID, "member_id": "XK-1234"})
    assert "payer" in response.context["form"].errors


def test_phone_numbers_are_stored_in_one_format(intake_client):
    intake_client.post(NEW, {**VALID, "phone": "+1 213.555.0177"})
    assert Patient.objects.get().phone == "(213) 555-0177"


def test_editing_records_which_fields_changed_but_not_their_values(intake_client):
    patient = PatientFactory(city="Pasadena")
    url = reverse("intake:edit-patient", args=[patient.uuid])
    data = {
        **VALID,
        "legal_first_name": patient.legal_first_name,
        "legal_last_name": patient.legal_last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "city": "Glendale",
    }
    response = intake_client.post(url, data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.city == "Glendale"
    event = AuditEvent.objects.get(action="change", patient_uuid=patient.uuid)
    assert "city" in event.detail
    assert "Glendale" not in event.detail


def test_a_bad_edit_changes_nothing(intake_client):
    patient = PatientFactory()
    before = patient.date_of_birth
    url = reverse("intake:edit-patient", args=[patient.uuid])
    response = intake_client.post(url, {**VALID, "date_of_birth": "2099-01-01"})
    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.date_of_birth == before
    assert patient.legal_first_name != "Rosalind"
    # the refused form still showed the record: that is a view, and it is logged
    assert AuditEvent.objects.filter(action="view", patient_uuid=patient.uuid).count() == 1
    assert not AuditEvent.objects.filter(action="change").exists()


def test_the_patient_page_shows_the_record_and_writes_an_audit_event(intake_client, completed):
    patient = completed.patient
    ConsentFactory(patient=patient, recipient="Eastside Family Clinic")
    AssessmentFactory(patient=patient)  # a second, draft assessment
    response = intake_client.get(patient.get_absolute_url())
    assert response.status_code == 200
    html = text(response)
    for shown in (patient.mrn, patient.legal_last_name, "Eastside Family Clinic", "Draft", "IOP"):
        assert shown in html
    assert "Active" in html  # the consent, on end of treatment, while in treatment
    event = AuditEvent.objects.get(action="view", patient_uuid=patient.uuid)
    assert event.actor_username == "intake_worker"


def test_patient_urls_use_the_uuid_not_the_id(intake_client):
    patient = PatientFactory()
    assert f"/patients/{patient.uuid}/" in patient.get_absolute_url()
    assert intake_client.get(f"/intake/patients/{patient.pk}/").status_code == 404
