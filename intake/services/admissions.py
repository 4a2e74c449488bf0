"""Placement decisions, admissions, discharges and level changes."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from accounts import audit
from accounts.roles import COUNSELOR
from intake import placement
from intake.models import (
    Admission,
    Assessment,
    InvalidTransition,
    Patient,
    PlacementDecision,
)
from intake.services.common import _locked, _record
from programs.models import Program

Action = audit.Action

# --- Decision and admission ---------------------------------------------------------------


@transaction.atomic
def decide_placement(
    *,
    assessment: Assessment,
    final_level: str,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> PlacementDecision:
    assessment = _locked(Assessment, assessment.pk)
    if not assessment.is_locked:
        raise InvalidTransition("Complete and sign the assessment before deciding the level.")
    if PlacementDecision.objects.filter(assessment=assessment).exists():
        raise InvalidTransition("The level for this assessment has already been decided.")
    placement.Level[final_level]  # KeyError for a level that does not exist
    if final_level != assessment.recommended_level and not reason.strip():
        raise InvalidTransition("A level different from the recommendation needs a reason.")
    decision = PlacementDecision.objects.create(
        assessment=assessment,
        patient=assessment.patient,
        recommended_level=assessment.recommended_level,
        final_level=final_level,
        reason=reason.strip() if final_level != assessment.recommended_level else "",
        decided_by=by,
    )
    detail = "override" if decision.is_override else "as recommended"
    _record(
        request,
        by,
        Action.CREATE,
        obj=decision,
        patient=assessment.patient,
        detail=f"level {final_level} ({detail})",
    )
    return decision


def _check_counselor(user: User) -> None:
    if not user.groups.filter(name=COUNSELOR).exists():
        raise InvalidTransition("The primary counselor must be a member of the Counselor group.")


@transaction.atomic
def admit_patient(
    *,
    patient: Patient,
    program: Program,
    start_date: date,
    primary_counselor: User,
    by: User,
    decision: PlacementDecision | None = None,
    request: HttpRequest | None = None,
) -> Admission:
    patient = _locked(Patient, patient.pk)
    if patient.admissions.filter(end_date__isnull=True).exists():
        raise InvalidTransition(
            "This patient already has an open admission; change level or discharge first."
        )
    _check_counselor(primary_counselor)
    admission = Admission.objects.create(
        patient=patient,
        program=program,
        start_date=start_date,
        primary_counselor=primary_counselor,
        decision=decision,
        created_by=by,
    )
    patient.status = Patient.Status.ACTIVE
    patient.save(update_fields=["status", "updated_at"])
    _record(
        request,
        by,
        Action.CREATE,
        obj=admission,
        patient=patient,
        detail=f"admitted to {program.code}",
    )
    return admission


@transaction.atomic
def discharge_patient(
    *,
    admission: Admission,
    on: date,
    reason: str,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Admission:
    admission = _locked(Admission, admission.pk)
    admission.discharge(on=on, reason=reason, note=note)
    patient = admission.patient
    patient.status = Patient.Status.DISCHARGED
    patient.save(update_fields=["status", "updated_at"])
    _record(
        request,
        by,
        Action.CHANGE,
        obj=admission,
        patient=patient,
        detail=f"discharged from {admission.program.code}: {reason}",
    )
    return admission


@transaction.atomic
def change_level(
    *,
    admission: Admission,
    program: Program,
    on: date,
    primary_counselor: User,
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> Admission:
    """Step down or up: end this admission and open the next one, on the same day."""
    admission = _locked(Admission, admission.pk)
    if program.pk == admission.program_id:
        raise InvalidTransition("Choose a different level; the patient is already there.")
    stepping_down = program.intensity < admission.program.intensity
    reason = (
        Admission.DischargeReason.STEPPED_DOWN
        if stepping_down
        else Admission.DischargeReason.STEPPED_UP
    )
    admission.discharge(on=on, reason=reason, note=note)
    _check_counselor(primary_counselor)
    new = Admission.objects.create(
        patient=admission.patient,
        program=program,
        start_date=on,
        primary_counselor=primary_counselor,
        created_by=by,
    )
    _record(
        request,
        by,
        Action.CHANGE,
        obj=new,
        patient=admission.patient,
        detail=f"{reason.replace('_', ' ')}: {admission.program.code} to {program.code}",
    )
    return new
