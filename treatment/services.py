"""Workflows of diagnosis and treatment plans.

Each function locks what it changes, applies the rule, and writes its audit event in
the same transaction. `request` is passed for the audit trail (address, browser); code
without one (demo data, commands) passes None and the acting user as `by`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.validators import clean_reason
from intake.models import Admission, Assessment, Patient
from intake.placement import DIMENSIONS
from treatment import icd
from treatment.models import (
    Diagnosis,
    Goal,
    Intervention,
    Objective,
    PlanSignature,
    Problem,
    TreatmentPlan,
)

Action = audit.Action


class PlanError(Exception):
    """A plan action refused, with the reason in words for the page."""


def _record(request: HttpRequest | None, by: User, action: str, **kwargs: Any) -> None:
    audit.record(request, action, user=by, **kwargs)


# --- Reading (what session notes and other apps use) ---------------------------------------


def current_plan(patient: Patient) -> TreatmentPlan | None:
    """The patient's plan in force: the latest fully signed version (None before one)."""
    return TreatmentPlan.objects.signed().filter(patient=patient).order_by("-version").first()


def objectives_for(patient: Patient) -> list[Objective]:
    """The objectives of the patient's current signed plan, in plan order, in one query.

    Each objective comes with its goal and problem (`objective.goal.problem`), so a note
    can name which problem it served without more queries.
    """
    latest = (
        TreatmentPlan.objects.signed().filter(patient=patient).order_by("-version").values("pk")[:1]
    )
    return list(
        Objective.objects.filter(goal__problem__plan__in=latest)
        .select_related("goal__problem__plan")
        .order_by(
            "goal__problem__position",
            "goal__problem__pk",
            "goal__position",
            "goal__pk",
            "position",
            "pk",
        )
    )


def current_diagnosis(patient: Patient) -> Diagnosis | None:
    return Diagnosis.objects.current().filter(patient=patient).first()


# --- Diagnosis -------------------------------------------------------------------------------


def latest_signed_assessment(patient: Patient) -> Assessment | None:
    return (
        patient.assessments.filter(status=Assessment.Status.COMPLETED)
        .order_by("-assessment_date", "-completed_at")
        .first()
    )


def propose_diagnosis(assessment: Assessment) -> icd.Proposal:
    """What a signed assessment's primary substance and criteria point to."""
    primary = assessment.substances.filter(is_primary=True).first()
    return icd.propose(
        intake_kind=primary.substance if primary else None,
        criteria=list(assessment.criteria_met),
        only_as_prescribed=assessment.only_as_prescribed,
    )


@transaction.atomic
def record_diagnosis(
    *,
    patient: Patient,
    substance: str,
    severity: str,
    early_remission: bool,
    reason: str,
    by: User,
    assessment: Assessment | None = None,
    request: HttpRequest | None = None,
) -> Diagnosis:
    """Confirm or change the patient's primary SUD diagnosis; the one before becomes history.

    A reason is required when the code differs from what the assessment proposes, and
    for any change of a diagnosis already on record.
    """
    Patient.objects.select_for_update().get(pk=patient.pk)
    code = icd.code_for(substance=substance, severity=severity, early_remission=early_remission)
    proposed = propose_diagnosis(assessment).code if assessment is not None else ""
    previous = Diagnosis.objects.current().filter(patient=patient).first()
    if previous is not None and (previous.code, previous.substance, previous.severity) == (
        code,
        substance,
        severity,
    ):
        raise PlanError(f"{code} is already the patient's diagnosis.")
    needs_reason = previous is not None or proposed != code
    reason = _checked_reason(reason, required=needs_reason)
    now = timezone.now()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    diagnosis = Diagnosis.objects.create(
        patient=patient,
        assessment=assessment,
        substance=substance,
        severity=severity,
        early_remission=early_remission,
        criteria_count=propose_diagnosis(assessment).criteria_count if assessment else None,
        code=code,
        proposed_code=proposed,
        reason=reason,
        recorded_by=by,
        recorded_at=now,
    )
    detail = f"diagnosis {code}" + (f" replaces {previous.code}" if previous else " confirmed")
    _record(request, by, Action.CREATE, obj=diagnosis, patient=patient, detail=detail)
    return diagnosis


def _checked_reason(reason: str, *, required: bool) -> str:
    if not (reason or "").strip():
        if required:
            raise ValidationError(
                {"reason": "Say why: the code differs from the proposal or changes the diagnosis."}
            )
        return ""
    try:
        return clean_reason(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error


# --- Writing a plan ---------------------------------------------------------------------------


@dataclass
class ProblemRow:
    statement: str
    dimensions: list[str]
    row_key: Any = None


@dataclass
class GoalRow:
    problem: int  # index into the problems
    text: str
    row_key: Any = None


@dataclass
class ObjectiveRow:
    goal: int  # index into the goals
    text: str
    target_date: Any
    status: str = Objective.Status.NOT_STARTED
    row_key: Any = None


@dataclass
class InterventionRow:
    problem: int
    what: str
    how_often: str
    who: str
    row_key: Any = None


@dataclass
class PlanRows:
    problems: list[ProblemRow]
    goals: list[GoalRow]
    objectives: list[ObjectiveRow]
    interventions: list[InterventionRow]


def proposed_problems(assessment: Assessment | None) -> list[ProblemRow]:
    """One problem per ASAM dimension the assessment rated 2 or more, worded from its note."""
    if assessment is None:
        return []
    rows = []
    for key, label in DIMENSIONS:
        rating = getattr(assessment, key)
        if rating is not None and rating >= 2:
            note = getattr(assessment, f"{key}_note").strip()
            rows.append(ProblemRow(statement=note or f"{label} (rated {rating})", dimensions=[key]))
    return rows


def _open_admission(patient: Patient) -> Admission | None:
    return Admission.objects.filter(patient=patient, end_date__isnull=True).first()


@transaction.atomic
def start_plan(
    *, patient: Patient, by: User, occasion: str = "", request: HttpRequest | None = None
) -> TreatmentPlan:
    """Open the draft of the next version: the initial plan (problems proposed from the
    signed assessment) or a review (a copy of the current plan). An open draft is
    returned as it is."""
    Patient.objects.select_for_update().get(pk=patient.pk)
    draft = TreatmentPlan.objects.open_drafts().filter(patient=patient).first()
    if draft is not None:
        return draft
    admission = _open_admission(patient)
    if admission is None:
        raise PlanError("Only a patient in care has a treatment plan; admit the patient first.")
    previous = current_plan(patient)
    plan = TreatmentPlan.objects.create(
        patient=patient,
        admission=admission,
        version=(previous.version + 1) if previous else 1,
        previous=previous,
        occasion=occasion
        or (TreatmentPlan.Occasion.SCHEDULED if previous else TreatmentPlan.Occasion.INITIAL),
        created_by=by,
    )
    if previous is not None:
        _copy_rows(previous, plan)
    else:
        problems = proposed_problems(latest_signed_assessment(patient))
        _write_rows(plan, PlanRows(problems, [], [], []))
    detail = f"plan v{plan.version} started ({plan.get_occasion_display()})"
    _record(request, by, Action.CREATE, obj=plan, patient=patient, detail=detail)
    return plan


def _copy_rows(source: TreatmentPlan, target: TreatmentPlan) -> None:
    for problem in source.problems.prefetch_related("goals__objectives", "interventions"):
        copy = Problem.objects.create(
            plan=target,
            row_key=problem.row_key,
            position=problem.position,
            dimensions=problem.dimensions,
            statement=problem.statement,
        )
        for goal in problem.goals.all():
            goal_copy = Goal.objects.create(
                problem=copy, row_key=goal.row_key, position=goal.position, text=goal.text
            )
            Objective.objects.bulk_create(
                Objective(
                    goal=goal_copy,
                    row_key=o.row_key,
                    position=o.position,
                    text=o.text,
                    target_date=o.target_date,
                    status=o.status,
                )
                for o in goal.objectives.all()
            )
        Intervention.objects.bulk_create(
            Intervention(
                problem=copy,
                row_key=i.row_key,
                position=i.position,
                what=i.what,
                how_often=i.how_often,
                who=i.who,
            )
            for i in problem.interventions.all()
        )


def _delete_rows(plan: TreatmentPlan) -> None:
    Objective.objects.filter(goal__problem__plan=plan).delete()
    Intervention.objects.filter(problem__plan=plan).delete()
    Goal.objects.filter(problem__plan=plan).delete()
    Problem.objects.filter(plan=plan).delete()


def _keyed(row_key: Any) -> dict[str, Any]:
    return {"row_key": row_key} if row_key else {}


def _write_rows(plan: TreatmentPlan, rows: PlanRows) -> None:
    problems = [
        Problem.objects.create(
            plan=plan,
            position=n,
            statement=r.statement,
            dimensions=r.dimensions,
            **_keyed(r.row_key),
        )
        for n, r in enumerate(rows.problems)
    ]
    goals = [
        Goal.objects.create(
            problem=problems[r.problem], position=n, text=r.text, **_keyed(r.row_key)
        )
        for n, r in enumerate(rows.goals)
    ]
    Objective.objects.bulk_create(
        Objective(
            goal=goals[r.goal],
            position=n,
            text=r.text,
            target_date=r.target_date,
            status=r.status,
            **_keyed(r.row_key),
        )
        for n, r in enumerate(rows.objectives)
    )
    Intervention.objects.bulk_create(
        Intervention(
            problem=problems[r.problem],
            position=n,
            what=r.what,
            how_often=r.how_often,
            who=r.who,
            **_keyed(r.row_key),
        )
        for n, r in enumerate(rows.interventions)
    )


def check_rows(rows: PlanRows) -> list[str]:
    """What makes a set of rows inconsistent (a parent that is not there, a duplicate key)."""
    problems = []
    for what, children, parents in (
        ("goal", [r.problem for r in rows.goals], len(rows.problems)),
        ("objective", [r.goal for r in rows.objectives], len(rows.goals)),
        ("intervention", [r.problem for r in rows.interventions], len(rows.problems)),
    ):
        if any(not 0 <= parent < parents for parent in children):
            problems.append(f"Each {what} must belong to a row that is on the plan.")
    keys = [
        r.row_key
        for level in (rows.problems, rows.goals, rows.objectives, rows.interventions)
        for r in level
        if r.row_key
    ]
    if len(keys) != len(set(keys)):
        problems.append("Two rows share one key; reload the plan and try again.")
    return problems


@transaction.atomic
def save_plan(
    *, plan: TreatmentPlan, rows: PlanRows, by: User, request: HttpRequest | None = None
) -> TreatmentPlan:
    """Replace a draft's rows with these (all or nothing)."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    plan.ensure_editable()
    errors = check_rows(rows)
    if errors:
        raise PlanError(" ".join(errors))
    _delete_rows(plan)
    _write_rows(plan, rows)
    plan.save(update_fields=["updated_at"])
    _record(
        request,
        by,
        Action.CHANGE,
        obj=plan,
        patient=plan.patient,
        detail=f"plan v{plan.version} draft saved",
    )
    return plan


# --- Signing ------------------------------------------------------------------------------------


def missing_for_signing(plan: TreatmentPlan, problems: list[Problem] | None = None) -> list[str]:
    """What a plan still needs before the counselor can sign it; `problems` are its rows
    when the caller has them (goals, objectives and interventions prefetched)."""
    if problems is None:
        problems = list(plan.problems.prefetch_related("goals__objectives", "interventions"))
    missing = []
    if not problems:
        missing.append("Add at least one problem.")
    for n, problem in enumerate(problems, start=1):
        goals = list(problem.goals.all())
        if not goals:
            missing.append(f"Problem {n} needs a goal.")
        if any(not goal.objectives.all() for goal in goals):
            missing.append(f"Each goal of problem {n} needs a measurable objective.")
        if not problem.interventions.all():
            missing.append(f"Problem {n} needs an intervention.")
    if not Diagnosis.objects.current().filter(patient_id=plan.patient_id).exists():
        missing.append("Confirm the patient's diagnosis first.")
    return missing


@transaction.atomic
def sign_as_counselor(
    *, plan: TreatmentPlan, by: User, request: HttpRequest | None = None
) -> TreatmentPlan:
    """The primary counselor signs; the plan is locked from here on."""
    plan = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    plan.ensure_editable()
    admission = _open_admission(plan.patient)
    if admission is None or admission.primary_counselor_id != by.pk:
        raise PlanError("Only the patient's primary counselor signs the plan.")
    missing = missing_for_signing(plan)
    if missing:
        raise PlanError(" ".join(missing))
    PlanSignature.objects.create(plan=plan, role=PlanSignature.Role.COUNSELOR, by=by)
    plan.status = TreatmentPlan.Status.AWAITING_PATIENT
    plan.diagnosis = current_diagnosis(plan.patient)
    plan.save(update_fields=["status", "diagnosis", "updated_at"])
    _record(request, by, Action.CHANGE, obj=plan, patient=plan.patient, detail="counselor signed")
    return plan


def _names_match(typed: str, patient: Patient) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    return norm(typed) in {
        norm(patient.legal_name),
        norm(f"{patient.preferred_name} {patient.legal_last_name}"),
    }


@transaction.atomic
def sign_as_patient(
    *,
    plan: TreatmentPlan,
    typed_name: str,
    attested: bool,
    by: User,
    request: HttpRequest | None = None,
) -> TreatmentPlan:
    """The patient signs in person (typed full name and attestation), witnessed by `by`."""
    plan = _awaiting_patient(plan)
    errors: dict[str, str] = {}
    if not _names_match(typed_name or "", plan.patient):
        errors["typed_name"] = "Type the patient's full name as it is on the record."
    if not attested:
        errors["attested"] = "The patient must confirm the statement by ticking the box."
    if errors:
        raise ValidationError(errors)
    return _finish(
        plan, by, request, typed_name=" ".join(typed_name.split()), attested=True, detail="signed"
    )


@transaction.atomic
def record_patient_declined(
    *, plan: TreatmentPlan, reason: str, by: User, request: HttpRequest | None = None
) -> TreatmentPlan:
    """The patient declined to sign: recorded with the reason; the plan is in force."""
    plan = _awaiting_patient(plan)
    reason = _checked_reason(reason, required=True)
    return _finish(plan, by, request, declined=True, declined_reason=reason, detail="declined")


def _awaiting_patient(plan: TreatmentPlan) -> TreatmentPlan:
    plan = TreatmentPlan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
    if plan.status != TreatmentPlan.Status.AWAITING_PATIENT:
        raise PlanError(
            "The plan is already signed."
            if plan.is_signed
            else "The primary counselor signs the plan first."
        )
    return plan


def _finish(
    plan: TreatmentPlan, by: User, request: HttpRequest | None, *, detail: str, **signature: Any
) -> TreatmentPlan:
    now = timezone.now()
    PlanSignature.objects.create(
        plan=plan, role=PlanSignature.Role.PATIENT, by=by, signed_at=now, **signature
    )
    plan.status = TreatmentPlan.Status.SIGNED
    plan.signed_at = now
    plan.save(update_fields=["status", "signed_at", "updated_at"])
    _record(request, by, Action.CHANGE, obj=plan, patient=plan.patient, detail=f"patient {detail}")
    return plan


# --- Versions ------------------------------------------------------------------------------


def versions_of(patient: Patient) -> Sequence[TreatmentPlan]:
    return list(TreatmentPlan.objects.filter(patient=patient).order_by("-version"))
