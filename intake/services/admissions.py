"""Placement decisions, admissions, discharges and level changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.roles import COUNSELOR
from intake import dates
from intake.models import (
    Admission,
    InvalidTransition,
    Patient,
    PlacementDecision,
    Refused,
)
from intake.services.common import _locked, _reason, _record, _within
from programs.models import Program

Action = audit.Action

# --- Decision and admission ---------------------------------------------------------------


def _check_counselor(user: User) -> None:
    if not user.groups.filter(name=COUNSELOR).exists():
        raise InvalidTransition("The primary counselor must be a member of the Counselor group.")


@dataclass(frozen=True)
class Transfer:
    """What documents an admission made without this clinic's assessment and decision."""

    kind: str
    from_where: str
    care_ended_on: date | None
    reason: str


def usable_decision(patient: Patient) -> PlacementDecision | None:
    """The latest decision when an admission can follow it: a program, not used before."""
    decision = latest_decision(patient)
    if decision is None or not decision.is_program or decision.admissions.exists():
        return None
    return decision


def latest_decision(patient: Patient) -> PlacementDecision | None:
    """The patient's most recent placement decision (the one admission follows)."""
    return (
        PlacementDecision.objects.filter(patient=patient)
        .select_related("assessment")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _decision_basis(
    *, patient: Patient, program: Program, decision: PlacementDecision | None, override_reason: str
) -> tuple[PlacementDecision, str]:
    """The decision this admission follows, and the reason when its level differs."""
    latest = latest_decision(patient)
    if latest is None or not latest.assessment.is_locked:
        raise Refused(
            "Admission needs a signed assessment and a placement decision first, unless this "
            "is a documented transfer from another provider.",
            field="transfer_kind",
        )
    if decision is not None and decision.pk != latest.pk:
        raise Refused("A newer placement decision exists; admit on that one.", field="program")
    if latest.admissions.exists():
        raise Refused(
            "The latest decision was already used for an earlier admission; record a new "
            "assessment and decision, or document a transfer.",
            field="transfer_kind",
        )
    if not latest.is_program:
        raise Refused(
            "The latest decision found no program indicated; record a new assessment first.",
            field="program",
        )
    if program.code == latest.final_level:
        return latest, ""
    return latest, _reason(override_reason, field="override_reason")


def _documented(transfer: Transfer, start_date: date) -> Transfer:
    if transfer.kind not in Admission.TransferKind.values:
        raise Refused("Choose the kind of transfer.", field="transfer_kind")
    from_where = " ".join(transfer.from_where.split())
    if not from_where:
        raise Refused("Name the provider the patient comes from.", field="transfer_from")
    if transfer.care_ended_on is None:
        raise Refused("Give the date the other care ended.", field="transfer_care_ended_on")
    _within(
        transfer.care_ended_on,
        dates.transfer_care_ended(start_date),
        field="transfer_care_ended_on",
    )
    reason = _reason(transfer.reason, field="transfer_reason")
    return Transfer(transfer.kind, from_where[:200], transfer.care_ended_on, reason)


def _check_start(patient: Patient, start_date: date) -> None:
    previous_end = max((a.end_date for a in patient.admissions.all() if a.end_date), default=None)
    allowed = dates.admission_start(patient.first_contact_on(), previous_end, timezone.localdate())
    _within(start_date, allowed, field="start_date")


@transaction.atomic
def admit_patient(
    *,
    patient: Patient,
    program: Program,
    start_date: date,
    primary_counselor: User,
    by: User,
    decision: PlacementDecision | None = None,
    override_reason: str = "",
    transfer: Transfer | None = None,
    request: HttpRequest | None = None,
) -> Admission:
    """Admit on the latest decision (a different level needs a reason), or as a transfer."""
    patient = _locked(Patient, patient.pk)
    if patient.admissions.filter(end_date__isnull=True).exists():
        raise InvalidTransition(
            "This patient already has an open admission; change level or discharge first."
        )
    _check_start(patient, start_date)
    if transfer is None:
        decision, override_reason = _decision_basis(
            patient=patient, program=program, decision=decision, override_reason=override_reason
        )
        transfer = Transfer("", "", None, "")
    else:
        transfer, decision, override_reason = _documented(transfer, start_date), None, ""
    _check_counselor(primary_counselor)
    admission = Admission.objects.create(
        patient=patient,
        program=program,
        start_date=start_date,
        primary_counselor=primary_counselor,
        decision=decision,
        override_reason=override_reason,
        transfer_kind=transfer.kind,
        transfer_from=transfer.from_where,
        transfer_care_ended_on=transfer.care_ended_on,
        transfer_reason=transfer.reason,
        created_by=by,
    )
    patient.status = Patient.Status.ACTIVE
    patient.save(update_fields=["status", "updated_at"])
    basis = "transfer" if transfer.kind else ("override" if override_reason else "as decided")
    _record(
        request,
        by,
        Action.CREATE,
        obj=admission,
        patient=patient,
        detail=f"admitted to {program.code} ({basis})",
    )
    return admission


@transaction.atomic
def discharge_patient(
    *,
    admission: Admission,
    on: date,
    reason: str,
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> Admission:
    """End the admission on `on` (not before it began, not in the future), saying why."""
    admission = _locked(Admission, admission.pk)
    if reason not in Admission.DischargeReason.values:
        raise Refused("Choose the reason for the discharge.", field="reason")
    _within(on, dates.discharge(admission.start_date, timezone.localdate()), field="end_date")
    note = _reason(note, field="note")
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
def plan_discharge(
    *,
    admission: Admission,
    on: date | None,
    by: User,
    request: HttpRequest | None = None,
) -> Admission:
    """Set the day the discharge is planned for (None clears it), on an open admission."""
    admission = _locked(Admission, admission.pk)
    if on is not None:
        allowed = dates.planned_discharge(admission.start_date, timezone.localdate())
        _within(on, allowed, field="planned_discharge_date")
    before = admission.planned_discharge_date
    admission.plan_discharge(on)
    _record(
        request,
        by,
        Action.CHANGE,
        obj=admission,
        patient=admission.patient,
        detail=f"planned discharge: {_day(before)} to {_day(on)}",
    )
    return admission


def _day(day: date | None) -> str:
    return day.isoformat() if day else "none"


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
    _within(on, dates.level_change(admission.start_date, timezone.localdate()), field="on")
    note = _reason(note, field="note")
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
