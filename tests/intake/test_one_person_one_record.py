"""One person, one record: a new record that may be an existing person shows the
candidates and needs "This is a different person"; the caller is not the patient."""

from datetime import date

import pytest
from django.urls import reverse

from intake import services
from intake.models import Inquiry, Patient, Refused
from tests.factories import InquiryFactory, PatientFactory
from tests.intake.conftest import text

pytestmark = pytest.mark.django_db

NEW = {
    "legal_first_name": "Rosa",
    "legal_last_name": "Delgado",
    "date_of_birth": "1990-04-12",
    "sex_assigned_at_birth": "female",
    "phone": "(213) 555-0142",
    "email": "rosa.d@example.com",
}


@pytest.mark.parametrize(
    "existing",
    [
        {
            "legal_first_name": "ROSA",
            "legal_last_name": "delgado",
            "date_of_birth": date(1990, 4, 12),
        },
        {"phone": "(213) 555-0142"},
        {"email": "Rosa.D@example.com"},
    ],
)
def test_a_possible_duplicate_shows_the_candidates_first(intake_client, intake_user, existing):
    other = PatientFactory(**existing)
    url = reverse("intake:create-patient")
    response = intake_client.post(url, NEW)
    assert response.status_code == 400
    page = text(response)
    assert "Existing records that may be this person" in page and other.mrn in page
    assert "tick “This is a different person”" in page
    assert response.context["form"]["legal_last_name"].value() == "Delgado"  # kept
    assert Patient.objects.count() == 1
    with pytest.raises(Refused) as refused:
        services.create_patient(
            patient=Patient(
                legal_first_name="Rosa",
                legal_last_name="Delgado",
                date_of_birth=date(1990, 4, 12),
                phone="(213) 555-0142",
                email="rosa.d@example.com",
            ),
            by=intake_user,
        )
    assert refused.value.field == "confirm_different_person"
    response = intake_client.post(url, {**NEW, "confirm_different_person": "on"})
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_no_match_needs_no_confirmation(intake_client):
    PatientFactory(
        legal_first_name="Rosa", legal_last_name="Delgado", date_of_birth=date(1991, 4, 12)
    )
    assert intake_client.post(reverse("intake:create-patient"), NEW).status_code == 302


def test_a_call_for_someone_else_keeps_the_caller_as_the_contact(intake_client):
    inquiry = InquiryFactory(
        name="Elena Marquez",
        phone="(213) 555-0161",
        email="elena@example.com",
        for_whom=Inquiry.ForWhom.OTHER,
        caller_relation="Mother",
        patient_first_name="Tomas",
    )
    form = intake_client.get(reverse("intake:convert-inquiry", args=[inquiry.public_id])).context[
        "form"
    ]
    assert form["legal_first_name"].value() == "Tomas"
    assert not form["legal_last_name"].value()
    assert not form["phone"].value() and not form["email"].value()
    assert (
        form["emergency_contact_name"].value(),
        form["emergency_contact_relationship"].value(),
        form["emergency_contact_phone"].value(),
    ) == ("Elena Marquez", "Mother", "(213) 555-0161")
