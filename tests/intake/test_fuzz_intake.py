"""Hostile input on the form endpoints of intake: the public call request and the staff
pages (inquiries, patients, consents, disclosure, assessment, placement, admission)
(the harness: tests/fuzzing.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from intake import forms as intake_forms
from intake import services as intake_services
from intake.models import (
    Addendum,
    Admission,
    Assessment,
    Consent,
    ContactAttempt,
    DecisionAmendment,
    Disclosure,
    Inquiry,
    Patient,
    PatientMerge,
    PlacementDecision,
    Substance,
)
from intake.public_forms import CallRequestForm
from programs.catalog import get_catalog
from tests import fuzzing
from tests.factories import program
from tests.fuzzing import Endpoint, Payload, fresh, one


def _patient_payload(**overrides) -> Payload:
    values = {
        "legal_first_name": "Rosa",
        "legal_last_name": "Delgado",
        "preferred_name": "",
        "pronouns": "she/her",
        "date_of_birth": "1990-04-12",
        "sex_assigned_at_birth": "female",
        "gender_identity": "",
        "phone": "(213) 555-0142",
        "email": "rosa@example.com",
        "address_line1": "12 Example Street",
        "address_line2": "",
        "city": "Los Angeles",
        "state": "CA",
        "postal_code": "90012",
        "emergency_contact_name": "Ana Delgado",
        "emergency_contact_relationship": "Sister",
        "emergency_contact_phone": "(213) 555-0143",
        "payer": "Medi-Cal",
        "member_id": "ABC123",
        "confirm_different_person": "on",
        **overrides,
    }
    return one(**values)


def _assessment_payload(world) -> Payload:
    a = world.draft
    data = one(
        assessment_date=a.assessment_date,
        referral_source=a.referral_source,
        referral_detail="Walked in",
        step_down_ended_on="",
        criteria_reviewed="on",
        **{f"d{n}": getattr(a, f"d{n}") for n in range(1, 7)},
        **{f"d{n}_note": f"Note {n}" for n in range(1, 7)},
        audit="12",
        audit_c="5",
        dast10="3",
        phq9="8",
        phq9_item9="0",
        gad7="6",
        ciwa="",
        cows="",
        save_draft="1",
    )
    data["criteria_met"] = list(a.criteria_met)
    substance = a.substances.get()
    data.update(
        one(
            **{
                "substances-TOTAL_FORMS": 2,
                "substances-INITIAL_FORMS": 1,
                "substances-MIN_NUM_FORMS": 0,
                "substances-MAX_NUM_FORMS": 1000,
                "substances-0-id": substance.pk,
                "substances-0-substance": "alcohol",
                "substances-0-substance_other": "",
                "substances-0-is_primary": "on",
                "substances-0-frequency": "daily",
                "substances-0-route": "oral",
                "substances-0-last_use": a.assessment_date,
                "substances-1-substance": "cannabis",
                "substances-1-substance_other": "",
                "substances-1-frequency": "weekly",
                "substances-1-route": "smoked",
                "substances-1-last_use": a.assessment_date - timedelta(days=3),
            }
        )
    )
    return data


def _assessment_forms(world, data: QueryDict) -> list:
    assessment = fresh(world.draft)
    form = intake_forms.AssessmentForm(data, instance=assessment)
    day = form.cleaned_data.get("assessment_date") if form.is_valid() else None
    formset = intake_forms.substance_formset(assessment=assessment, data=data, assessment_date=day)
    return [form, formset]


def _disclosure_form(world, data: QueryDict):
    patient = fresh(world.patient)
    consents = list(patient.consents.all())
    admissions = sorted(patient.admissions.all(), key=lambda a: a.start_date)
    return intake_forms.DisclosureForm(
        data,
        patient=patient,
        consents=consents,
        today=timezone.localdate(),
        assessment=intake_services.latest_signed_assessment(patient),
        attendance_since=admissions[-1].start_date if admissions else None,
    )


def _search(name: str, *, redirects: bool = False) -> Endpoint:
    """A search box; the patient and call-request searches answer with a redirect to
    their results page."""
    return Endpoint(
        name=f"{name} (search)",
        client="intake_client",
        url=lambda w, c: reverse(name),
        baseline=lambda w: one(q="Delgado", page="1"),
        forms=lambda w, d: [intake_forms.SearchForm(d)],
        writes=False,
        never_redirects=not redirects,
    )


def _list_get(name: str) -> Endpoint:
    return Endpoint(
        name=f"{name} (GET)",
        client="intake_client",
        method="get",
        url=lambda w, c: reverse(name),
        baseline=lambda w: one(status="all", page="1"),
        writes=False,
    )


def _now_field(world) -> str:
    moment = timezone.localtime() - timedelta(minutes=5)
    return moment.strftime("%Y-%m-%dT%H:%M")


ENDPOINTS = [
    Endpoint(
        name="public_intake:request-call",
        client="anon_client",
        url=lambda w, c: reverse("public_intake:request-call"),
        baseline=lambda w: one(
            name="Sam",
            phone="(213) 555-0142",
            email="sam@example.com",
            best_time="evening",
            for_whom="self",
            program="intensive-outpatient",
            message="Evenings after six are best.",
            consent="on",
            website="",
        ),
        forms=lambda w, d: [CallRequestForm(d, programs=get_catalog(), source_hash="fuzz")],
        watch=lambda w: (Inquiry,),
        strict_redirect=True,
    ),
    _search("intake:inquiry-list", redirects=True),
    _search("intake:patient-list", redirects=True),
    _list_get("intake:inquiry-list"),
    _list_get("intake:patient-list"),
    Endpoint(
        name="intake:log-contact",
        client="intake_client",
        url=lambda w, c: reverse("intake:log-contact", args=[w.inquiry.public_id]),
        baseline=lambda w: one(
            at=_now_field(w), method="phone", outcome="reached", note="Talked for ten minutes."
        ),
        forms=lambda w, d: [intake_forms.ContactAttemptForm(d)],
        watch=lambda w: (ContactAttempt, Inquiry.objects.filter(pk=w.inquiry.pk)),
    ),
    Endpoint(
        name="intake:book-assessment",
        client="intake_client",
        url=lambda w, c: reverse("intake:book-assessment", args=[w.contacted_inquiry.public_id]),
        baseline=lambda w: one(assessment_at=f"{w.today + timedelta(days=3)}T10:00"),
        forms=lambda w, d: [intake_forms.BookAssessmentForm(d)],
        watch=lambda w: (Inquiry.objects.filter(pk=w.contacted_inquiry.pk),),
    ),
    Endpoint(
        name="intake:close-inquiry",
        client="intake_client",
        url=lambda w, c: reverse("intake:close-inquiry", args=[w.inquiry.public_id]),
        baseline=lambda w: one(reason="other", note="Moved out of state."),
        forms=lambda w, d: [intake_forms.CloseInquiryForm(d)],
        watch=lambda w: (Inquiry.objects.filter(pk=w.inquiry.pk),),
    ),
    Endpoint(
        name="intake:reopen-inquiry",
        client="intake_client",
        url=lambda w, c: reverse("intake:reopen-inquiry", args=[w.closed_inquiry.public_id]),
        baseline=lambda w: one(reason="They called back and want to talk after all."),
        forms=lambda w, d: [intake_forms.ReopenInquiryForm(d)],
        watch=lambda w: (Inquiry.objects.filter(pk=w.closed_inquiry.pk),),
    ),
    Endpoint(
        name="intake:convert-inquiry",
        client="intake_client",
        url=lambda w, c: reverse("intake:convert-inquiry", args=[w.booked_inquiry.public_id]),
        baseline=lambda w: _patient_payload(),
        forms=lambda w, d: [intake_forms.PatientForm(d)],
        watch=lambda w: (Patient, Inquiry.objects.filter(pk=w.booked_inquiry.pk)),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:create-patient",
        client="intake_client",
        url=lambda w, c: reverse("intake:create-patient"),
        baseline=lambda w: _patient_payload(),
        forms=lambda w, d: [intake_forms.PatientForm(d)],
        watch=lambda w: (Patient,),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:edit-patient",
        client="intake_client",
        url=lambda w, c: reverse("intake:edit-patient", args=[w.prospect.uuid]),
        baseline=lambda w: _patient_payload(legal_first_name="Rosalind"),
        forms=lambda w, d: [intake_forms.PatientForm(d, instance=fresh(w.prospect))],
        watch=lambda w: (Patient.objects.filter(pk=w.prospect.pk),),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:add-consent",
        client="intake_client",
        url=lambda w, c: reverse("intake:add-consent", args=[w.prospect.uuid]),
        baseline=lambda w: one(
            kind="recipient",
            recipient="Dr. Lena Ortiz, Eastside Family Clinic",
            purpose="Coordinate medical care",
            information="Attendance and medications",
            signed_on=w.today - timedelta(days=1),
            expires_on=w.today + timedelta(days=180),
            expiry_event="end_of_treatment",
            expiry_event_detail="",
        ),
        forms=lambda w, d: [intake_forms.ConsentForm(d)],
        watch=lambda w: (Consent,),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:merge-patient",
        client="director_client",
        url=lambda w, c: reverse("intake:merge-patient", args=[w.patient.uuid]),
        baseline=lambda w: one(
            other_mrn=w.prospect.mrn,
            reason="The same person: same name, date of birth and phone.",
            confirmed="on",
        ),
        forms=lambda w, d: [intake_forms.MergePatientForm(d, survivor=fresh(w.patient))],
        watch=lambda w: (
            Patient.objects.filter(pk__in=[w.patient.pk, w.prospect.pk]),
            PatientMerge,
        ),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:disclose-records",
        client="intake_client",
        url=lambda w, c: reverse("intake:disclose-records", args=[w.patient.uuid]),
        baseline=lambda w: one(
            consent=w.patient_consent.uuid,
            what="attendance",
            attendance_from=w.admission.start_date,
            attendance_to=w.today,
        ),
        forms=lambda w, d: [_disclosure_form(w, d)],
        watch=lambda w: (Disclosure,),
        answers_with_page=True,
    ),
    Endpoint(
        name="intake:revoke-consent",
        client="intake_client",
        url=lambda w, c: reverse("intake:revoke-consent", args=[w.prospect.uuid, w.consent.uuid]),
        baseline=lambda w: one(
            revoked_on=w.today, reason="The patient withdrew it in writing.", confirmed="on"
        ),
        forms=lambda w, d: [intake_forms.RevokeConsentForm(d, consent=fresh(w.consent))],
        watch=lambda w: (Consent.objects.filter(pk=w.consent.pk),),
    ),
    Endpoint(
        name="intake:assessment-detail (save draft)",
        client="intake_client",
        url=lambda w, c: reverse("intake:assessment-detail", args=[w.draft.uuid]),
        baseline=_assessment_payload,
        forms=_assessment_forms,
        # a row posted as new while the saved primary row is left out: two windows
        # each adding a primary substance send exactly this
        edge_cases=({"substances-INITIAL_FORMS": "0"},),
        watch=lambda w: (
            Assessment.objects.filter(pk=w.draft.pk),
            Substance.objects.filter(assessment=w.draft),
        ),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:add-addendum",
        client="intake_client",
        url=lambda w, c: reverse("intake:add-addendum", args=[w.signed.uuid]),
        baseline=lambda w: one(text="Patient later said the last use was a day earlier."),
        forms=lambda w, d: [intake_forms.AddendumForm(d)],
        watch=lambda w: (Addendum, Assessment.objects.filter(pk=w.signed.pk)),
    ),
    Endpoint(
        name="intake:decide-placement",
        client="intake_client",
        url=lambda w, c: reverse("intake:decide-placement", args=[w.signed.uuid]),
        baseline=lambda w: one(final_level="PHP", reason="Lives alone; needs daily structure."),
        forms=lambda w, d: [
            intake_forms.PlacementDecisionForm(d, recommended_level=w.signed.recommended_level)
        ],
        watch=lambda w: (PlacementDecision,),
        strict_redirect=True,
    ),
    Endpoint(
        name="intake:amend-decision",
        client="intake_client",
        url=lambda w, c: reverse(
            "intake:amend-decision", args=[w.amendable_decision.assessment.uuid]
        ),
        baseline=lambda w: one(new_level="PHP", reason="Recorded IOP by mistake; we agreed PHP."),
        forms=lambda w, d: [
            intake_forms.DecisionAmendmentForm(d, decision=fresh(w.amendable_decision))
        ],
        watch=lambda w: (DecisionAmendment, PlacementDecision),
    ),
    Endpoint(
        name="intake:admit-patient",
        client="intake_client",
        url=lambda w, c: reverse("intake:admit-patient", args=[w.decided_patient.uuid]),
        baseline=lambda w: one(
            program=program("IOP").pk, start_date=w.today, primary_counselor=w.counselor.pk
        ),
        forms=lambda w, d: [
            intake_forms.AdmissionForm(
                d,
                patient=fresh(w.decided_patient),
                decision=intake_services.usable_decision(w.decided_patient),
            )
        ],
        watch=lambda w: (Admission, Patient.objects.filter(pk=w.decided_patient.pk)),
    ),
    Endpoint(
        name="intake:discharge-patient",
        client="intake_client",
        url=lambda w, c: reverse("intake:discharge-patient", args=[w.patient.uuid, w.admission.pk]),
        baseline=lambda w: one(
            end_date=w.today, reason="completed", note="Finished the program.", confirmed="on"
        ),
        forms=lambda w, d: [intake_forms.DischargeForm(d, admission=fresh(w.admission))],
        watch=lambda w: (Admission, Patient.objects.filter(pk=w.patient.pk)),
    ),
    Endpoint(
        name="intake:plan-discharge",
        client="counselor_client",
        url=lambda w, c: reverse("intake:plan-discharge", args=[w.patient.uuid, w.admission.pk]),
        baseline=lambda w: one(planned_discharge_date=w.today + timedelta(days=10)),
        forms=lambda w, d: [intake_forms.PlannedDischargeForm(d, admission=fresh(w.admission))],
        watch=lambda w: (Admission,),
    ),
    Endpoint(
        name="intake:change-level",
        client="intake_client",
        url=lambda w, c: reverse("intake:change-level", args=[w.patient.uuid, w.admission.pk]),
        baseline=lambda w: one(
            program=program("PHP").pk,
            on=w.today,
            primary_counselor=w.counselor.pk,
            note="Relapse last week; stepping up.",
        ),
        forms=lambda w, d: [intake_forms.ChangeLevelForm(d, admission=fresh(w.admission))],
        watch=lambda w: (Admission,),
    ),
]

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "public_intake:request-call-thanks": "no input",
    "intake:home": "redirect",
    "intake:inquiry-detail": "no input",
    "intake:patient-detail": "no input",
    "intake:start-assessment": "POST without fields",
    "intake:print-assessment": "no input",
    "intake:print-consent": "no input",
    "intake:consent-form-to-sign": "no input (an unknown kind in the path answers 404)",
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("fuzz", ENDPOINTS), ids=str)
def test_fuzzed_input_never_500s_and_stores_nothing_invalid(request, fuzz_world, endpoint):
    fuzzing.run_fuzz(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("edges", ENDPOINTS), ids=str)
def test_edge_values_in_each_field_never_500(request, fuzz_world, endpoint):
    fuzzing.run_edges(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("nul", fuzzing.with_forms(ENDPOINTS)), ids=str)
def test_a_nul_byte_in_any_field_is_refused_with_a_message(request, fuzz_world, endpoint):
    fuzzing.run_nul(request, fuzz_world, endpoint)


@pytest.mark.django_db
def test_a_forged_form_count_builds_no_more_rows_than_allowed(request, fuzz_world):
    """A forged substances-TOTAL_FORMS=2147483648 is refused and builds no more than a
    dozen rows (without the formset's absolute_max the page would build and render
    1,012 rows, 12 s of CPU per request)."""
    endpoint = next(e for e in ENDPOINTS if e.name.startswith("intake:assessment-detail"))
    client = request.getfixturevalue(endpoint.client)
    baseline = fuzzing.prepare(endpoint, fuzz_world, client)
    result = fuzzing.check_one(
        endpoint, fuzz_world, client, {**baseline, "substances-TOTAL_FORMS": ["2147483648"]}
    )
    assert result.status == 400
    rows = re.findall(r'name="substances-\d+-substance"', result.text)
    assert len(rows) <= 13
