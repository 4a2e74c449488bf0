"""The caller is not the patient: a call request made for someone else keeps the caller
as a contact (name, relation, phone) and never pre-fills the caller's details as the
patient's. Tried through the public form, the staff pages and the services."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import Inquiry, Patient
from intake.public_forms import RELATION_REQUIRED, SELF_WITH_SOMEONE_ELSE
from tests.factories import InquiryFactory
from tests.intake.conftest import text, words

pytestmark = pytest.mark.django_db

PUBLIC = reverse("public_intake:request-call")
FOR_SOMEONE_ELSE = {
    "name": "Elena Marquez",
    "phone": "213-555-0161",
    "email": "elena@example.com",
    "best_time": "any",
    "for_whom": "other",
    "caller_relation": "Mother",
    "patient_first_name": "Tomas",
    "program": "",
    "message": "",
    "consent": "on",
    "website": "",
}


def _caller_inquiry(**changes) -> Inquiry:
    fields = {
        "name": "Elena Marquez",
        "phone": "(213) 555-0161",
        "email": "elena@example.com",
        "for_whom": Inquiry.ForWhom.OTHER,
        "caller_relation": "Mother",
        "patient_first_name": "Tomas",
        **changes,
    }
    return InquiryFactory(**fields)


# --- The public form ----------------------------------------------------------------


def test_the_form_asks_about_someone_else_in_its_own_fieldset(anon_client):
    html = anon_client.get(PUBLIC).content.decode()
    fieldset = html[html.index('class="someone-else-group') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend" in fieldset and "If the call is about someone else" in fieldset
    for field in ("caller_relation", "patient_first_name"):
        assert re.search(rf'<label[^>]*for="id_{field}"', fieldset)
        assert re.search(rf'<input[^>]*id="id_{field}"', fieldset)
    assert "<script" not in html.split("<footer")[0].split('class="call-request-form"')[1]


def test_a_call_for_someone_else_stores_the_caller_and_their_first_name(anon_client):
    response = anon_client.post(PUBLIC, FOR_SOMEONE_ELSE, REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert (inquiry.name, inquiry.phone, inquiry.email) == (
        "Elena Marquez",
        "(213) 555-0161",
        "elena@example.com",
    )
    assert (inquiry.for_whom, inquiry.caller_relation, inquiry.patient_first_name) == (
        "other",
        "Mother",
        "Tomas",
    )


def test_a_call_for_someone_else_says_who_the_caller_is_to_them(anon_client):
    response = anon_client.post(
        PUBLIC, {**FOR_SOMEONE_ELSE, "caller_relation": "  "}, REMOTE_ADDR="203.0.113.8"
    )
    assert response.status_code == 200
    assert RELATION_REQUIRED in text(response)
    assert response.context["form"].errors["caller_relation"] == [RELATION_REQUIRED]
    assert 'value="Tomas"' in response.content.decode()  # what was typed is kept
    assert not Inquiry.objects.exists()


def test_the_first_name_of_the_person_is_optional(anon_client):
    data = {**FOR_SOMEONE_ELSE, "patient_first_name": ""}
    assert anon_client.post(PUBLIC, data, REMOTE_ADDR="203.0.113.8").status_code == 302
    assert Inquiry.objects.get().patient_first_name == ""


@pytest.mark.parametrize("named", [{"caller_relation": "Mother"}, {"patient_first_name": "Tomas"}])
def test_a_call_about_oneself_names_no_one_else(anon_client, named):
    data = {**FOR_SOMEONE_ELSE, "for_whom": "self", "caller_relation": "", "patient_first_name": ""}
    response = anon_client.post(PUBLIC, {**data, **named}, REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 200
    assert response.context["form"].errors["for_whom"] == [SELF_WITH_SOMEONE_ELSE]
    assert not Inquiry.objects.exists()


def test_a_call_about_oneself_needs_nothing_more(anon_client):
    data = {**FOR_SOMEONE_ELSE, "for_whom": "self", "caller_relation": "", "patient_first_name": ""}
    assert anon_client.post(PUBLIC, data, REMOTE_ADDR="203.0.113.8").status_code == 302
    assert Inquiry.objects.get().for_whom == "self"


def test_the_database_refuses_a_call_about_oneself_that_names_someone_else():
    with pytest.raises(IntegrityError), transaction.atomic():
        InquiryFactory(for_whom=Inquiry.ForWhom.SELF, patient_first_name="Tomas")


# --- The staff pages ----------------------------------------------------------------


def test_the_request_page_tells_the_caller_from_the_person(intake_client):
    inquiry = _caller_inquiry()
    page = words(intake_client.get(inquiry.get_absolute_url()))
    assert "Caller Elena Marquez, Mother" in page
    assert "Calling about Tomas" in page
    assert "The phone and e-mail below are the caller's, not the patient's." in page


def test_the_queue_names_the_person_and_the_caller(intake_client):
    _caller_inquiry()
    assert "calling about Tomas (caller: Mother)" in words(intake_client.get("/intake/inquiries/"))


def test_the_queue_finds_a_request_by_the_first_name_of_the_person(intake_client):
    _caller_inquiry()
    InquiryFactory(name="Wes Lindqvist")
    response = intake_client.post("/intake/inquiries/", {"q": "tomas"}, follow=True)
    assert [i.name for i in response.context["page"].object_list] == ["Elena Marquez"]


def test_opening_a_patient_keeps_the_caller_as_the_contact(intake_client):
    inquiry = _caller_inquiry()
    url = reverse("intake:convert-inquiry", args=[inquiry.public_id])
    page = intake_client.get(url)
    assert "The caller is filled in as the emergency contact" in text(page)
    form = page.context["form"]
    data = {
        name: form[name].value() or ""
        for name in form.fields
        if name != "confirm_different_person" and form[name].value() is not None
    }
    data |= {
        "legal_last_name": "Marquez",
        "date_of_birth": "2004-06-01",
        "sex_assigned_at_birth": "male",
    }
    response = intake_client.post(url, data)
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert (patient.legal_first_name, patient.phone, patient.email) == ("Tomas", "", "")
    assert (
        patient.emergency_contact_name,
        patient.emergency_contact_relationship,
        patient.emergency_contact_phone,
    ) == ("Elena Marquez", "Mother", "(213) 555-0161")
    assert patient.inquiry == inquiry
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONVERTED
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action="create").exists()
    record = words(intake_client.get(patient.get_absolute_url()))
    assert "call request made by Elena Marquez (caller: Mother)" in record


# --- The service --------------------------------------------------------------------


@pytest.mark.parametrize("first_name", ["Tomas", ""])
def test_the_caller_is_never_pre_filled_as_the_patient(first_name):
    inquiry = _caller_inquiry(patient_first_name=first_name)
    initial = services.patient_initial_from_inquiry(inquiry)
    own = {k: v for k, v in initial.items() if not k.startswith("emergency_contact_")}
    assert own == {"legal_first_name": first_name}
    assert "Elena" not in own.values() and "Marquez" not in own.values()
    assert initial["emergency_contact_name"] == "Elena Marquez"


def test_a_call_about_oneself_pre_fills_the_caller_as_the_patient():
    inquiry = InquiryFactory(name="Rosa Delgado", phone="(213) 555-0142", email="rd@example.com")
    assert services.patient_initial_from_inquiry(inquiry) == {
        "legal_first_name": "Rosa",
        "legal_last_name": "Delgado",
        "phone": "(213) 555-0142",
        "email": "rd@example.com",
    }
