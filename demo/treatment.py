"""Fictional diagnoses and treatment plans for the demo patients.

Every admitted demo patient gets the diagnosis their signed assessment proposes, and a
plan written with them, so the plan pages, the chart and the due lists have something
to show: some plans in force, one review due this week, some overdue, an initial plan
due today, a draft in progress, a plan the patient declined to sign, a review after a
step-down (two versions, with what changed), and one diagnosis changed with a reason.

Idempotent: a patient who already has a diagnosis is left alone. Everything goes
through treatment.services; only the dates are moved back afterwards, to when the
demo's story says it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from demo.intake import DEMO_PATIENTS, DemoPatient
from demo.users import ensure_demo_users
from intake.models import Patient
from treatment import services
from treatment.models import Diagnosis, PlanSignature, TreatmentPlan
from treatment.services import GoalRow, InterventionRow, ObjectiveRow, PlanRows, ProblemRow


@dataclass(frozen=True)
class DemoPlan:
    signed_days_ago: int | None  # None: no signed plan
    draft: bool = False  # a draft in progress (after the signed plan, if any)
    declined: bool = False  # the patient declined to sign
    review_days_ago: int | None = None  # a signed review at the current level


# by the demo patient's e-mail; patients not listed get a plan signed 3 days into care
STORIES = {
    "brendan.foley.demo@example.com": DemoPlan(33),  # review overdue
    "gloria.mensah.demo@example.com": DemoPlan(25),  # review due this week
    "felix.nakamura.demo@example.com": DemoPlan(37),  # review overdue
    "imani.carter.demo@example.com": DemoPlan(49, review_days_ago=22),  # after step-down
    "keiko.yamada.demo@example.com": DemoPlan(None),  # initial plan due today
    "hector.alvarado.demo@example.com": DemoPlan(None),  # initial plan due in 2 days
    "darnell.brooks.demo@example.com": DemoPlan(None, draft=True),  # overdue, draft started
    "luis.serrano.demo@example.com": DemoPlan(19, declined=True),
}
CHANGED_DIAGNOSIS = "jonah.whitfield.demo@example.com"

GOALS = {
    "d1": "Get through the first weeks without being sick from withdrawal",
    "d2": "Take care of my health problems",
    "d3": "Feel less anxious and low most days",
    "d4": "Decide for myself that I want to change",
    "d5": "Stay sober when things get hard",
    "d6": "Live somewhere that helps me stay sober",
}
OBJECTIVES = {
    "d1": ("Attend every medical check during withdrawal management", "Sleep through the night"),
    "d2": ("See my primary care doctor about my liver tests", "Take my medication every day"),
    "d3": ("Practise one coping skill each day and note it", "Meet the psychiatrist monthly"),
    "d4": ("Name three reasons to stop, in my own words", "Attend every group this month"),
    "d5": ("Write a relapse prevention plan with my group", "Call my sponsor twice a week"),
    "d6": ("Visit two sober living homes", "Tell my housemates I am in treatment"),
}


def ensure_demo_treatment() -> int:
    """Diagnoses and plans for the admitted demo patients; returns how many were new."""
    users = {user.username: user for user in ensure_demo_users()}
    made = 0
    for demo in DEMO_PATIENTS:
        patient = Patient.objects.filter(email=demo.email).first()
        if patient is None or patient.diagnoses.exists() or patient.open_admission() is None:
            continue
        _ensure_patient_plan(patient, demo, users[demo.counselor])
        made += 1
    return made


@transaction.atomic
def ensure_signed_plan(patient: Patient, counselor: User) -> TreatmentPlan:
    """A diagnosis and a signed plan for any patient in care (benchmarks use it for the
    patient with the longest stay); the plan in force when there is one."""
    plan = services.current_plan(patient)
    if plan is not None:
        return plan
    if services.current_diagnosis(patient) is None:
        _diagnose(patient, counselor)
    draft = _write(patient, counselor, statuses=("in_progress", "not_started"))
    _sign(draft, patient, counselor, declined=False)
    signed = services.current_plan(patient)
    assert signed is not None  # just signed
    return signed


@transaction.atomic
def _ensure_patient_plan(patient: Patient, demo: DemoPatient, counselor: User) -> None:
    diagnosis = _diagnose(patient, counselor)
    _backdate_diagnosis(diagnosis, days_ago=demo.days_in_care - 1)
    if demo.email == CHANGED_DIAGNOSIS:
        _change_diagnosis(patient, counselor, days_ago=demo.days_in_care - 6)
    story = STORIES.get(demo.email, DemoPlan(demo.days_in_care - 3))
    if story.signed_days_ago is not None:
        plan = _write(patient, counselor, statuses=("in_progress", "not_started"))
        _sign(plan, patient, counselor, declined=story.declined)
        _backdate_plan(plan, days_ago=story.signed_days_ago)
        if story.review_days_ago is not None:
            _review_after_level_change(patient, counselor, plan, story.review_days_ago)
    if story.draft:
        _write(patient, counselor, statuses=("not_started", "not_started"))


def _diagnose(patient: Patient, counselor: User) -> Diagnosis:
    assessment = services.latest_signed_assessment(patient)
    assert assessment is not None  # every demo patient in treatment was assessed
    proposal = services.propose_diagnosis(assessment)
    return services.record_diagnosis(
        patient=patient,
        assessment=assessment,
        substance=proposal.substance or "other",
        severity=proposal.severity if proposal.is_diagnosis else "mild",
        early_remission=False,
        reason="" if proposal.is_diagnosis else "Confirmed at the first counseling session.",
        by=counselor,
    )


def _change_diagnosis(patient: Patient, counselor: User, *, days_ago: int) -> None:
    current = services.current_diagnosis(patient)
    assert current is not None
    changed = services.record_diagnosis(
        patient=patient,
        assessment=current.assessment,
        substance=current.substance,
        severity="moderate",
        early_remission=False,
        reason="The family session added two criteria: craving and activities given up.",
        by=counselor,
    )
    Diagnosis.objects.filter(pk=current.pk).update(superseded_at=_ago(days_ago))
    _backdate_diagnosis(changed, days_ago=days_ago)


def _rows(patient: Patient, statuses: tuple[str, str]) -> PlanRows:
    proposed = services.proposed_problems(services.latest_signed_assessment(patient))
    if not proposed:
        proposed = [ProblemRow("I keep going back to using when I am stressed", ["d5"])]
    target = timezone.localdate() + timedelta(days=30)
    rows = PlanRows([], [], [], [])
    for n, problem in enumerate(proposed[:3]):
        key = problem.dimensions[0]
        rows.problems.append(problem)
        rows.goals.append(GoalRow(n, GOALS[key]))
        for text, status in zip(OBJECTIVES[key], statuses, strict=True):
            rows.objectives.append(ObjectiveRow(n, text, target, status))
        rows.interventions.append(
            InterventionRow(n, "Group therapy", "3 times a week", "The patient's IOP group")
        )
    rows.interventions.append(
        InterventionRow(0, "Individual counseling", "Weekly", "Primary counselor")
    )
    return rows


def _write(patient: Patient, counselor: User, *, statuses: tuple[str, str]) -> TreatmentPlan:
    plan = services.start_plan(patient=patient, by=counselor)
    return services.save_plan(plan=plan, rows=_rows(patient, statuses), by=counselor)


def _sign(plan: TreatmentPlan, patient: Patient, counselor: User, *, declined: bool) -> None:
    services.sign_as_counselor(plan=plan, by=counselor)
    if declined:
        services.record_patient_declined(
            plan=plan,
            reason="Agrees with the plan but does not sign papers since a court case.",
            by=counselor,
        )
    else:
        services.sign_as_patient(
            plan=plan, typed_name=patient.legal_name, attested=True, by=counselor
        )


def _review_after_level_change(
    patient: Patient, counselor: User, first: TreatmentPlan, days_ago: int
) -> None:
    """Version 1 was written at the level before the step-down; version 2 reviews it."""
    admission = patient.open_admission()
    assert admission is not None
    earlier = patient.admissions.exclude(pk=admission.pk).first()
    TreatmentPlan.objects.filter(pk=first.pk).update(admission=earlier)
    review = services.start_plan(
        patient=patient, by=counselor, occasion=TreatmentPlan.Occasion.LEVEL_CHANGE
    )
    problem = review.problems.first()
    goal = problem.goals.first() if problem else None
    objective = goal.objectives.first() if goal else None
    assert objective is not None  # the review copies version 1's problems
    objective.status = "met"
    objective.save(update_fields=["status"])
    services.sign_as_counselor(plan=review, by=counselor)
    services.sign_as_patient(
        plan=review, typed_name=patient.legal_name, attested=True, by=counselor
    )
    _backdate_plan(review, days_ago=days_ago)


def _ago(days: int):
    return timezone.now() - timedelta(days=days)


def _backdate_diagnosis(diagnosis: Diagnosis, *, days_ago: int) -> None:
    Diagnosis.objects.filter(pk=diagnosis.pk).update(recorded_at=_ago(days_ago))


def _backdate_plan(plan: TreatmentPlan, *, days_ago: int) -> None:
    when = _ago(days_ago)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        created_at=when - timedelta(hours=2), signed_at=when
    )
    PlanSignature.objects.filter(plan=plan).update(signed_at=when)
