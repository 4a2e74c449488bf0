"""Shared set-up for treatment tests: a patient in IOP on `counselor`'s caseload with a
signed assessment, and plans written through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from intake import services as intake_services
from tests.factories import AdmissionFactory, AssessmentFactory, SubstanceFactory, program
from treatment import services
from treatment.services import GoalRow, InterventionRow, ObjectiveRow, PlanRows, ProblemRow


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def in_care(counselor, intake_user, *, days_ago: int = 3):
    """A patient admitted to IOP `days_ago` days ago with `counselor` as primary counselor,
    after a signed moderate assessment (alcohol, D6 rated 2)."""
    # the record is opened before the admission (on the clock a test may have frozen:
    # the field default reads the real one)
    assessment = AssessmentFactory(
        moderate=True,
        created_by=intake_user,
        patient__created_at=timezone.now() - timedelta(days=days_ago + 1),
    )
    SubstanceFactory(assessment=assessment, substance="alcohol")
    intake_services.complete_assessment(assessment=assessment, by=intake_user)
    AdmissionFactory(
        patient=assessment.patient,
        program=program("IOP"),
        primary_counselor=counselor,
        start_date=timezone.localdate() - timedelta(days=days_ago),
    )
    return assessment.patient


@pytest.fixture
def patient(counselor, intake_user):
    return in_care(counselor, intake_user)


def rows(*, objective_status: str = "in_progress", extra_goal: bool = False) -> PlanRows:
    target = timezone.localdate() + timedelta(days=30)
    goals = [GoalRow(0, "Live somewhere nobody drinks")]
    objectives = [
        ObjectiveRow(0, "Visit two sober living homes", target, objective_status),
        ObjectiveRow(0, "Tell my roommate I am in treatment", target, "not_started"),
    ]
    if extra_goal:
        goals.append(GoalRow(0, "Keep my job"))
        objectives.append(ObjectiveRow(1, "Be on time every day for a month", target))
    return PlanRows(
        problems=[ProblemRow("My roommate drinks every night", ["d6"])],
        goals=goals,
        objectives=objectives,
        interventions=[InterventionRow(0, "Group therapy", "3 times a week", "IOP Morning track")],
    )


def confirm_diagnosis(patient, by):
    assessment = services.latest_signed_assessment(patient)
    proposal = services.propose_diagnosis(assessment)
    return services.record_diagnosis(
        patient=patient,
        assessment=assessment,
        substance=proposal.substance,
        severity=proposal.severity,
        early_remission=False,
        reason="",
        by=by,
    )


def signed_plan(patient, counselor, *, plan_rows: PlanRows | None = None):
    """The patient's next plan version, written, signed by counselor and patient."""
    if services.current_diagnosis(patient) is None:
        confirm_diagnosis(patient, counselor)
    plan = services.start_plan(patient=patient, by=counselor)
    services.save_plan(plan=plan, rows=plan_rows or rows(), by=counselor)
    services.sign_as_counselor(plan=plan, by=counselor)
    return services.sign_as_patient(
        plan=plan, typed_name=patient.legal_name, attested=True, by=counselor
    )
