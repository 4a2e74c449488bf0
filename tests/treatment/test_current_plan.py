"""`current_plan` / `objectives_for`: what session notes link to (the latest signed plan)."""

from datetime import date

from django.utils import timezone

from tests.factories import PatientFactory, UserFactory
from treatment import services
from treatment.models import Goal, Objective, Problem, TreatmentPlan


def _plan(patient, by, *, version: int, status: str) -> TreatmentPlan:
    plan = TreatmentPlan.objects.create(
        patient=patient,
        version=version,
        status=status,
        created_by=by,
        signed_at=timezone.now() if status == "signed" else None,
    )
    problem = Problem.objects.create(plan=plan, dimensions=["d5"], statement="I keep relapsing")
    goal = Goal.objects.create(problem=problem, text="Stay sober through the summer")
    for position in (1, 0):
        Objective.objects.create(
            goal=goal, position=position, text=f"v{version} step {position}",
            target_date=date(2026, 12, 31),
        )  # fmt: skip
    return plan


def test_no_plan_before_one_is_signed(db):
    patient = PatientFactory()
    _plan(patient, UserFactory(), version=1, status="draft")
    assert services.current_plan(patient) is None
    assert services.objectives_for(patient) == []


def test_the_latest_signed_version_is_current_and_a_draft_review_is_not(
    db, django_assert_num_queries
):
    patient, by = PatientFactory(), UserFactory()
    _plan(patient, by, version=1, status="signed")
    second = _plan(patient, by, version=2, status="signed")
    _plan(patient, by, version=3, status="draft")
    assert services.current_plan(patient) == second
    with django_assert_num_queries(1):
        objectives = services.objectives_for(patient)
        assert [o.text for o in objectives] == ["v2 step 0", "v2 step 1"]
        assert objectives[0].goal.problem.plan == second


def test_another_patients_plan_is_never_theirs(db):
    by = UserFactory()
    _plan(PatientFactory(), by, version=1, status="signed")
    assert services.objectives_for(PatientFactory()) == []
