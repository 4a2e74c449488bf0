"""Admission follows the decision; a decision is deliberate and corrected only by a dated
amendment; discharge asks for a confirmation. Each rule is tried through the page and
through the service."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import Admission, DecisionAmendment, Patient, PlacementDecision, Refused
from tests.factories import program
from tests.intake.conftest import days_ago, local_noon, text, today

pytestmark = pytest.mark.django_db

REASON = "Patient asked for the day program; no evening childcare."


def backdate(patient, days: int) -> None:
    Patient.objects.filter(pk=patient.pk).update(created_at=local_noon(days_ago(days)))
    patient.refresh_from_db()


@pytest.fixture
def decided(completed, intake_user):
    backdate(completed.patient, 40)
    return services.decide_placement(
        assessment=completed, final_level="IOP", reason="", by=intake_user
    )


def admit_url(patient) -> str:
    return reverse("intake:admit-patient", args=[patient.uuid])


def admit(patient, counselor, by, **kwargs):
    args = {"program": program("IOP"), "start_date": today(), "primary_counselor": counselor}
    return services.admit_patient(patient=patient, by=by, **{**args, **kwargs})


# --- the decision form ----------------------------------------------------------------


def test_the_decision_form_preselects_no_level(intake_client, completed):
    page = intake_client.get(reverse("intake:decide-placement", args=[completed.uuid]))
    html = page.content.decode()
    assert 'name="final_level"' in html
    assert "checked" not in html
    response = intake_client.post(
        reverse("intake:decide-placement", args=[completed.uuid]), {"reason": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["final_level"] == [
        "Choose the level of care you decide on."
    ]
    assert not PlacementDecision.objects.exists()


@pytest.mark.parametrize("reason", ["n/a", "asdf asdf asdf", "12345678901234", "-----------"])
def test_an_override_reason_must_be_a_sentence(intake_client, intake_user, completed, reason):
    url = reverse("intake:decide-placement", args=[completed.uuid])
    response = intake_client.post(url, {"final_level": "PHP", "reason": reason})
    assert response.status_code == 400
    assert "differs from the recommendation" in response.context["form"].errors["reason"][0]
    assert reason in text(response)  # what was typed stays
    with pytest.raises(Refused) as refused:
        services.decide_placement(
            assessment=completed, final_level="PHP", reason=reason, by=intake_user
        )
    assert refused.value.field == "reason"
    assert not PlacementDecision.objects.exists()


# --- amendments -------------------------------------------------------------------------


def amend_url(decision) -> str:
    return reverse("intake:amend-decision", args=[decision.assessment.uuid])


def test_a_mistaken_decision_is_amended_and_the_original_stays(intake_client, intake_user, decided):
    page = intake_client.get(decided.patient.get_absolute_url())
    assert "Amend the decision" in text(page)
    response = intake_client.post(amend_url(decided), {"new_level": "PHP", "reason": REASON})
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.final_level == "PHP"
    amendment = DecisionAmendment.objects.get()
    assert (amendment.previous_level, amendment.new_level, amendment.amended_by) == (
        "IOP",
        "PHP",
        intake_user,
    )
    record = text(intake_client.get(decided.patient.get_absolute_url()))
    assert f"was IOP. {REASON}" in record
    assert AuditEvent.objects.filter(detail="decision amended: IOP to PHP").exists()
    # admission now follows the corrected level
    form = intake_client.get(admit_url(decided.patient)).context["form"]
    assert form["program"].value() == program("PHP").pk


def test_an_amendment_needs_a_real_reason_and_a_new_level(intake_client, intake_user, decided):
    response = intake_client.post(amend_url(decided), {"new_level": "PHP", "reason": "oops"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    with pytest.raises(Refused, match="already says Intensive Outpatient"):
        services.amend_decision(decision=decided, new_level="IOP", reason=REASON, by=intake_user)
    with pytest.raises(Refused) as refused:
        services.amend_decision(decision=decided, new_level="PHP", reason="tbd", by=intake_user)
    assert refused.value.field == "reason"
    assert not DecisionAmendment.objects.exists()


def test_a_decision_followed_by_an_admission_is_not_amended(
    intake_client, intake_user, decided, counselor
):
    admit(decided.patient, counselor, intake_user)
    with pytest.raises(Refused, match="change the level of care from the admission"):
        services.amend_decision(decision=decided, new_level="PHP", reason=REASON, by=intake_user)
    response = intake_client.post(amend_url(decided), {"new_level": "PHP", "reason": REASON})
    assert response.status_code == 400
    assert "from the admission" in response.context["form"].errors["new_level"][0]


# --- admission follows the decision -------------------------------------------------------


def test_another_level_than_decided_needs_a_reason_page(intake_client, decided, counselor):
    data = {
        "program": program("PHP").pk,
        "start_date": today().isoformat(),
        "primary_counselor": counselor.pk,
        "override_reason": "",
    }
    response = intake_client.post(admit_url(decided.patient), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["override_reason"][0].startswith(
        "The decision was Intensive Outpatient (IOP); say why"
    )
    assert form["program"].value() == str(program("PHP").pk)  # kept
    assert not Admission.objects.exists()
    response = intake_client.post(admit_url(decided.patient), {**data, "override_reason": REASON})
    assert response.status_code == 302
    admission = Admission.objects.get()
    assert (admission.program.code, admission.override_reason, admission.decision) == (
        "PHP",
        REASON,
        decided,
    )
    assert f"Decision was IOP: {REASON}" in text(
        intake_client.get(decided.patient.get_absolute_url())
    )
    printout = intake_client.get(reverse("intake:print-assessment", args=[decided.assessment.uuid]))
    assert f"not the decided level. Reason: {REASON}" in text(printout)


def test_another_level_than_decided_needs_a_reason_service(decided, counselor, intake_user):
    with pytest.raises(Refused) as refused:
        admit(decided.patient, counselor, intake_user, program=program("PHP"), decision=decided)
    assert refused.value.field == "override_reason"
    with pytest.raises(Refused):
        admit(decided.patient, counselor, intake_user, program=program("PHP"), override_reason="x")
    admission = admit(decided.patient, counselor, intake_user, program=program("IOP"))
    assert admission.override_reason == ""  # the decided level needs none


def test_admission_without_a_decision_is_refused(completed, counselor, intake_user):
    backdate(completed.patient, 40)
    with pytest.raises(Refused, match="signed assessment and a placement decision") as refused:
        admit(completed.patient, counselor, intake_user)
    assert refused.value.field == "transfer_kind"
    assert not Admission.objects.exists()


def test_an_old_decision_is_not_used_twice(decided, counselor, intake_user):
    admission = admit(decided.patient, counselor, intake_user, start_date=days_ago(20))
    services.discharge_patient(
        admission=admission,
        on=days_ago(5),
        reason="completed",
        note="Finished the program as planned.",
        by=intake_user,
    )
    with pytest.raises(Refused, match="already used for an earlier admission"):
        admit(decided.patient, counselor, intake_user)


TRANSFER = {
    "transfer_kind": "step_down_inp",
    "transfer_from": "Harbor Recovery Center (fictional), residential unit",
    "transfer_reason": "Stepped down after 28 days of residential care; their discharge plan.",
}


def test_a_documented_transfer_is_admitted_without_a_decision(intake_client, patient, counselor):
    backdate(patient, 3)
    data = {
        "program": program("IOP").pk,
        "start_date": today().isoformat(),
        "primary_counselor": counselor.pk,
        **TRANSFER,
        "transfer_care_ended_on": days_ago(31).isoformat(),
    }
    response = intake_client.post(admit_url(patient), data)
    assert response.status_code == 400
    assert response.context["form"].errors["transfer_care_ended_on"] == [
        f"The date the other care ended can't be before {days_ago(30):%b} "
        f"{days_ago(30).day}, {days_ago(30).year}."
    ]
    assert TRANSFER["transfer_from"] in text(response)
    data["transfer_care_ended_on"] = days_ago(30).isoformat()
    response = intake_client.post(admit_url(patient), data)
    assert response.status_code == 302
    admission = Admission.objects.get()
    assert admission.decision is None
    assert (admission.transfer_kind, admission.transfer_care_ended_on) == (
        "step_down_inp",
        days_ago(30),
    )
    record = text(intake_client.get(patient.get_absolute_url()))
    assert "Step-down from another provider's inpatient or residential care" in record


def test_a_transfer_must_say_so_service(patient, counselor, intake_user):
    backdate(patient, 3)
    good = services.Transfer(
        kind="step_down_inp",
        from_where=TRANSFER["transfer_from"],
        care_ended_on=days_ago(2),
        reason=TRANSFER["transfer_reason"],
    )
    for changes, field in [
        ({"kind": ""}, "transfer_kind"),
        ({"from_where": "  "}, "transfer_from"),
        ({"care_ended_on": None}, "transfer_care_ended_on"),
        ({"care_ended_on": today() + timedelta(days=1)}, "transfer_care_ended_on"),
        ({"reason": "n/a"}, "transfer_reason"),
    ]:
        with pytest.raises(Refused) as refused:
            admit(patient, counselor, intake_user, transfer=replace(good, **changes))
        assert refused.value.field == field
    assert not Admission.objects.exists()
    assert admit(patient, counselor, intake_user, transfer=good).is_transfer


def test_the_database_refuses_an_undocumented_transfer(patient, counselor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Admission.objects.create(
            patient=patient,
            program=program("IOP"),
            start_date=today(),
            primary_counselor=counselor,
            transfer_kind="step_down_inp",
        )


# --- dates of an admission -------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-41, False), (-40, True), (30, True), (31, False)]
)
def test_the_start_date_lies_between_first_contact_and_30_days_ahead(
    intake_client, decided, counselor, intake_user, offset, accepted
):
    day = today() + timedelta(days=offset)
    response = intake_client.post(
        admit_url(decided.patient),
        {"program": program("IOP").pk, "start_date": day, "primary_counselor": counselor.pk},
    )
    assert response.status_code == (302 if accepted else 400)
    if not accepted:
        assert "start_date" in response.context["form"].errors
        with pytest.raises(Refused) as refused:
            admit(decided.patient, counselor, intake_user, start_date=day)
        assert refused.value.field == "start_date"
    assert Admission.objects.exists() == accepted


# --- discharge ----------------------------------------------------------------------------


@pytest.fixture
def admission(decided, counselor, intake_user):
    return admit(decided.patient, counselor, intake_user, start_date=days_ago(20))


def test_discharge_asks_for_a_confirmation_with_date_and_reason(intake_client, admission):
    url = reverse("intake:discharge-patient", args=[admission.patient.uuid, admission.pk])
    data = {"end_date": today().isoformat(), "reason": "completed", "note": "Finished all goals."}
    review = intake_client.post(url, data)
    page = text(review)
    assert "Confirm the discharge" in page
    assert f"{today():%a}, {today():%b} {today().day}, {today().year}" in page
    assert "Completed the program" in page and "Finished all goals." in page
    back = intake_client.post(url, {**data, "edit": "1"})
    assert back.context["form"]["note"].value() == "Finished all goals."
    assert "Confirm the discharge" not in text(back)
    admission.refresh_from_db()
    assert admission.end_date is None
    intake_client.post(url, {**data, "confirmed": "on"})
    admission.refresh_from_db()
    assert admission.end_date == today()


@pytest.mark.parametrize(
    ("on", "note", "field"),
    [
        (21, "Finished all goals.", "end_date"),
        (-1, "Finished all goals.", "end_date"),
        (0, "n/a", "note"),
        (0, "", "note"),
    ],
)
def test_discharge_refusals_service(admission, intake_user, on, note, field):
    with pytest.raises(Refused) as refused:
        services.discharge_patient(
            admission=admission, on=days_ago(on), reason="completed", note=note, by=intake_user
        )
    assert refused.value.field == field
    admission.refresh_from_db()
    assert admission.end_date is None
