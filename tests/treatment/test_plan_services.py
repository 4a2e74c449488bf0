"""Plans through the services: proposing problems, saving drafts, signing, locking,
versions and what a review changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from tests.treatment.conftest import confirm_diagnosis, rows, signed_plan
from treatment import diff, services
from treatment.models import Objective, PlanLocked, PlanSignature, TreatmentPlan
from treatment.services import PlanError


def test_the_initial_plan_proposes_a_problem_per_dimension_rated_two_or_more(patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    assert plan.version == 1 and plan.occasion == "initial" and plan.status == "draft"
    (problem,) = plan.problems.all()  # the moderate assessment rates only D6 at 2
    assert problem.dimensions == ["d6"]
    assert problem.statement == "Shares a flat with a roommate who drinks most nights."
    assert AuditEvent.objects.filter(action="create", patient_uuid=patient.uuid).exists()


def test_starting_again_returns_the_open_draft(patient, counselor):
    first = services.start_plan(patient=patient, by=counselor)
    assert services.start_plan(patient=patient, by=counselor) == first
    assert TreatmentPlan.objects.filter(patient=patient).count() == 1


def test_a_patient_not_in_care_gets_no_plan(patient, counselor):
    patient.admissions.update(end_date=patient.admissions.get().start_date)
    with pytest.raises(PlanError, match="admit the patient"):
        services.start_plan(patient=patient, by=counselor)


def test_saving_replaces_the_rows_of_a_draft(patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(extra_goal=True), by=counselor)
    assert plan.problems.count() == 1
    assert Objective.objects.filter(goal__problem__plan=plan).count() == 3
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    assert Objective.objects.filter(goal__problem__plan=plan).count() == 2


def test_rows_pointing_at_a_missing_parent_are_refused_and_nothing_changes(patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    bad = rows()
    bad.goals[0].problem = 3
    with pytest.raises(PlanError, match="belong to a row"):
        services.save_plan(plan=plan, rows=bad, by=counselor)
    assert Objective.objects.filter(goal__problem__plan=plan).count() == 2


def test_the_counselor_cannot_sign_an_incomplete_plan(patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    with pytest.raises(PlanError) as refused:
        services.sign_as_counselor(plan=plan, by=counselor)
    assert "needs a goal" in str(refused.value)
    assert "Confirm the patient's diagnosis" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_only_the_primary_counselor_signs(patient, counselor, other_counselor, director):
    confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    for someone in (other_counselor, director):
        with pytest.raises(PlanError, match="primary counselor"):
            services.sign_as_counselor(plan=plan, by=someone)
    services.sign_as_counselor(plan=plan, by=counselor)
    plan.refresh_from_db()
    assert plan.status == "awaiting_patient"
    assert plan.diagnosis == services.current_diagnosis(patient)


def test_a_plan_the_counselor_signed_is_locked(patient, counselor):
    confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    services.sign_as_counselor(plan=plan, by=counselor)
    with pytest.raises(PlanLocked):
        services.save_plan(plan=plan, rows=rows(extra_goal=True), by=counselor)
    with pytest.raises(PlanLocked):
        services.sign_as_counselor(plan=plan, by=counselor)
    assert Objective.objects.filter(goal__problem__plan=plan).count() == 2


def test_the_patient_signs_with_their_full_name_and_the_attestation(patient, counselor):
    confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    services.sign_as_counselor(plan=plan, by=counselor)
    with pytest.raises(ValidationError) as refused:
        services.sign_as_patient(plan=plan, typed_name="Someone Else", attested=False, by=counselor)
    assert set(refused.value.message_dict) == {"typed_name", "attested"}
    assert services.current_plan(patient) is None
    typed = f"  {patient.legal_name.upper()} "
    services.sign_as_patient(plan=plan, typed_name=typed, attested=True, by=counselor)
    plan.refresh_from_db()
    assert plan.status == "signed" and plan.signed_at is not None
    signature = plan.signatures.get(role="patient")
    assert signature.typed_name == patient.legal_name.upper() and signature.attested
    assert services.current_plan(patient) == plan
    with pytest.raises(PlanError, match="already signed"):
        services.record_patient_declined(
            plan=plan, reason="Changed their mind today.", by=counselor
        )


def test_the_patient_may_decline_with_a_reason(patient, counselor):
    confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=rows(), by=counselor)
    with pytest.raises(PlanError, match="signs the plan first"):
        services.record_patient_declined(plan=plan, reason="Does not want to sign.", by=counselor)
    services.sign_as_counselor(plan=plan, by=counselor)
    with pytest.raises(ValidationError):
        services.record_patient_declined(plan=plan, reason="n/a", by=counselor)
    services.record_patient_declined(
        plan=plan, reason="Agrees with the plan but signs nothing on principle.", by=counselor
    )
    plan.refresh_from_db()
    assert plan.is_signed
    assert plan.signatures.get(role="patient").declined


def test_the_database_refuses_a_patient_signature_without_attestation(patient, counselor):
    plan = services.start_plan(patient=patient, by=counselor)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanSignature.objects.create(plan=plan, role="patient", by=counselor, typed_name="X")


def test_a_review_copies_the_plan_and_keeps_every_version(patient, counselor):
    first = signed_plan(patient, counselor)
    review = services.start_plan(patient=patient, by=counselor, occasion="scheduled")
    assert (review.version, review.previous, review.status) == (2, first, "draft")
    assert diff.diff_plans(first, review) == []  # an exact copy, row keys and all
    assert services.current_plan(patient) == first  # until the review is signed
    signed_plan(patient, counselor, plan_rows=None)  # signs the open draft (v2)
    assert services.current_plan(patient).version == 2
    assert first.problems.count() == 1  # the earlier version stays as it was


def test_a_review_shows_what_changed(patient, counselor):
    first = signed_plan(patient, counselor)
    review = services.start_plan(patient=patient, by=counselor)
    from treatment.forms import PlanEditor

    saved = PlanEditor(review).saved_rows()
    changed = rows(objective_status="met", extra_goal=True)
    # keep the keys of the rows that stay, so they are matched as the same rows
    for level, kept in (("problems", changed.problems), ("goals", changed.goals),
                        ("objectives", changed.objectives)):  # fmt: skip
        for row, before in zip(kept, saved[level], strict=False):
            row.row_key = before["row_key"]
    changed.interventions = []
    services.save_plan(plan=review, rows=changed, by=counselor)
    changes = {(c.kind, c.change, c.text) for c in diff.diff_plans(first, review)}
    assert ("Goal", "added", "Keep my job") in changes
    assert ("Objective", "changed", "Visit two sober living homes") in changes
    assert ("Intervention", "removed", "Group therapy") in changes
    status_change = next(c for c in diff.diff_plans(first, review) if c.change == "changed")
    assert [(f.label, f.before, f.after) for f in status_change.fields] == [
        ("Status", "In progress", "Met")
    ]
