"""The final level, admission, discharge and step-down/up, and the level history."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import Admission, InvalidTransition, Patient, PlacementDecision
from tests.factories import UserFactory, program
from tests.intake.conftest import days_ago, first_contact_days_ago, today


def long_date(day) -> str:
    return f"{day:%b} {day.day}, {day.year}"


pytestmark = pytest.mark.django_db


def decide_url(assessment) -> str:
    return reverse("intake:decide-placement", args=[assessment.uuid])


def test_the_recommended_level_needs_no_reason(intake_client, intake_user, completed):
    response = intake_client.post(decide_url(completed), {"final_level": "IOP", "reason": ""})
    assert response.status_code == 302
    assert response.url == reverse("intake:admit-patient", args=[completed.patient.uuid])
    decision = PlacementDecision.objects.get()
    assert (decision.recommended_level, decision.final_level) == ("IOP", "IOP")
    assert decision.decided_by == intake_user
    assert decision.reason == ""


def test_a_different_level_needs_a_written_reason(intake_client, completed):
    response = intake_client.post(decide_url(completed), {"final_level": "PHP", "reason": "  "})
    assert response.status_code == 400
    message = response.context["form"].errors["reason"][0]
    assert "differs from the recommendation (Intensive Outpatient (IOP))" in message
    assert message in response.content.decode()
    assert not PlacementDecision.objects.exists()


def test_an_override_is_stored_with_its_reason(intake_client, completed):
    reason = "Patient asked for the day program; no evening childcare."
    response = intake_client.post(decide_url(completed), {"final_level": "PHP", "reason": reason})
    assert response.status_code == 302
    decision = PlacementDecision.objects.get()
    assert decision.is_override
    assert (decision.recommended_level, decision.final_level, decision.reason) == (
        "IOP",
        "PHP",
        reason,
    )
    assert AuditEvent.objects.filter(
        patient_uuid=completed.patient.uuid, detail="level PHP (override)"
    ).exists()


def test_a_draft_cannot_be_decided(intake_client, moderate_draft):
    response = intake_client.post(decide_url(moderate_draft), {"final_level": "IOP"})
    assert response.status_code == 302
    assert not PlacementDecision.objects.exists()


def test_a_decision_is_made_once(intake_client, intake_user, completed):
    services.decide_placement(assessment=completed, final_level="IOP", reason="", by=intake_user)
    intake_client.post(decide_url(completed), {"final_level": "OP", "reason": "second thoughts"})
    assert PlacementDecision.objects.get().final_level == "IOP"


@pytest.fixture
def decided(completed, intake_user):
    return services.decide_placement(
        assessment=completed, final_level="IOP", reason="", by=intake_user
    )


def admit_url(patient) -> str:
    return reverse("intake:admit-patient", args=[patient.uuid])


def test_admitting_places_the_patient_with_a_counselor(intake_client, decided, counselor):
    patient = decided.patient
    page = intake_client.get(admit_url(patient))
    assert page.context["form"]["program"].value() == program("IOP").pk
    response = intake_client.post(
        admit_url(patient),
        {
            "program": program("IOP").pk,
            "start_date": today().isoformat(),
            "primary_counselor": counselor.pk,
        },
    )
    assert response.status_code == 302
    admission = Admission.objects.get(patient=patient)
    assert (admission.program.code, admission.primary_counselor, admission.decision) == (
        "IOP",
        counselor,
        decided,
    )
    patient.refresh_from_db()
    assert patient.status == Patient.Status.ACTIVE


def test_the_primary_counselor_must_be_a_counselor(intake_client, decided):
    not_a_counselor = UserFactory()
    response = intake_client.post(
        admit_url(decided.patient),
        {
            "program": program("IOP").pk,
            "start_date": today().isoformat(),
            "primary_counselor": not_a_counselor.pk,
        },
    )
    assert response.status_code == 400
    assert "primary_counselor" in response.context["form"].errors
    assert not Admission.objects.exists()


def test_admission_without_a_decision_asks_for_a_documented_transfer(
    intake_client, moderate_draft, counselor
):
    patient = moderate_draft.patient
    page = intake_client.get(admit_url(patient))
    assert page.status_code == 200
    assert "No placement decision to follow." in page.content.decode()
    response = intake_client.post(
        admit_url(patient),
        {
            "program": program("IOP").pk,
            "start_date": today().isoformat(),
            "primary_counselor": counselor.pk,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"transfer_kind", "transfer_from", "transfer_reason"}
    assert not Admission.objects.exists()


@pytest.fixture
def admission(decided, counselor, intake_user):
    first_contact_days_ago(decided.patient, 40)
    return services.admit_patient(
        patient=decided.patient,
        program=program("IOP"),
        start_date=days_ago(20),
        primary_counselor=counselor,
        decision=decided,
        by=intake_user,
    )


def test_a_second_open_admission_is_refused(admission, counselor, intake_user):
    with pytest.raises(InvalidTransition, match="already has an open admission"):
        services.admit_patient(
            patient=admission.patient,
            program=program("OP"),
            start_date=today(),
            primary_counselor=counselor,
            by=intake_user,
        )


def discharge_url(admission) -> str:
    return reverse("intake:discharge-patient", args=[admission.patient.uuid, admission.pk])


def test_discharge_before_the_start_is_refused(intake_client, admission):
    response = intake_client.post(
        discharge_url(admission),
        {"end_date": days_ago(21).isoformat(), "reason": "completed", "note": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["end_date"] == [f"The discharge date can't be before {long_date(days_ago(20))}."]
    assert errors["note"] == ["This field is required."]
    admission.refresh_from_db()
    assert admission.end_date is None


def test_discharge_in_the_future_is_refused(intake_client, admission):
    response = intake_client.post(
        discharge_url(admission),
        {"end_date": "2099-01-01", "reason": "completed"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["end_date"] == [
        f"The discharge date can't be after {long_date(today())}."
    ]


def test_discharge_records_date_reason_and_note(intake_client, admission):
    data = {"end_date": today().isoformat(), "reason": "against_advice", "note": "Stopped coming."}
    review = intake_client.post(discharge_url(admission), data)
    assert review.status_code == 200
    assert "Confirm the discharge" in review.content.decode()
    admission.refresh_from_db()
    assert admission.end_date is None  # nothing happens before the confirmation
    response = intake_client.post(discharge_url(admission), {**data, "confirmed": "on"})
    assert response.status_code == 302
    admission.refresh_from_db()
    assert (admission.end_date, admission.discharge_reason, admission.discharge_note) == (
        today(),
        "against_advice",
        "Stopped coming.",
    )
    assert admission.patient.status == Patient.Status.DISCHARGED
    html = intake_client.get(admission.patient.get_absolute_url()).content.decode()
    assert "Left against clinical advice" in html


def change_url(admission) -> str:
    return reverse("intake:change-level", args=[admission.patient.uuid, admission.pk])


def test_a_step_down_ends_one_admission_and_opens_the_next(
    intake_client, admission, other_counselor
):
    response = intake_client.post(
        change_url(admission),
        {
            "program": program("OP").pk,
            "on": days_ago(2).isoformat(),
            "primary_counselor": other_counselor.pk,
            "note": "Steady attendance; ready for fewer hours.",
        },
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    assert admission.end_date == days_ago(2)
    assert admission.discharge_reason == Admission.DischargeReason.STEPPED_DOWN
    new = Admission.objects.get(end_date__isnull=True)
    assert (new.program.code, new.start_date, new.primary_counselor) == (
        "OP",
        days_ago(2),
        other_counselor,
    )
    patient = admission.patient
    patient.refresh_from_db()
    assert patient.status == Patient.Status.ACTIVE
    assert [c.change for c in patient.level_history()] == ["admitted", "stepped down"]
    html = intake_client.get(patient.get_absolute_url()).content.decode()
    assert "Stepped down" in html


def test_a_step_up_is_named_so(admission, counselor, intake_user):
    services.change_level(
        admission=admission,
        program=program("PHP"),
        on=today(),
        primary_counselor=counselor,
        note="Relapsed twice in a week.",
        by=intake_user,
    )
    admission.refresh_from_db()
    assert admission.discharge_reason == Admission.DischargeReason.STEPPED_UP
    history = admission.patient.level_history()
    assert [(c.admission.program.code, c.change) for c in history] == [
        ("IOP", "admitted"),
        ("PHP", "stepped up"),
    ]


def test_changing_level_is_all_or_nothing(admission, intake_user):
    not_a_counselor = UserFactory()
    with pytest.raises(InvalidTransition):
        services.change_level(
            admission=admission,
            program=program("OP"),
            on=today(),
            primary_counselor=not_a_counselor,
            note="Ready for fewer hours each week.",
            by=intake_user,
        )
    admission.refresh_from_db()
    assert admission.end_date is None  # the discharge was rolled back
    assert Admission.objects.count() == 1


def test_a_change_to_the_same_level_is_not_offered(intake_client, admission, counselor):
    response = intake_client.post(
        change_url(admission),
        {
            "program": program("IOP").pk,
            "on": today().isoformat(),
            "primary_counselor": counselor.pk,
            "note": "x",
        },
    )
    assert response.status_code == 400
    assert "program" in response.context["form"].errors


def test_a_change_needs_a_note(intake_client, admission, counselor):
    response = intake_client.post(
        change_url(admission),
        {"program": program("OP").pk, "on": today().isoformat(), "primary_counselor": counselor.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["note"] == ["This field is required."]
