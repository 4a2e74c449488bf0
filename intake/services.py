"""Intake workflows that touch several rows, need a transaction or write audit events.

Each function locks what it changes, applies the model's rule, and records who did
it. `request` is passed for the audit trail (address, browser); code without one
(demo data, commands) passes None and the acting user as `by`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.roles import COUNSELOR
from intake import placement
from intake.models import (
    Addendum,
    Admission,
    Assessment,
    Consent,
    ContactAttempt,
    Disclosure,
    Inquiry,
    InvalidTransition,
    Patient,
    PlacementDecision,
    RecommendationView,
    RecordKind,
)
from programs.models import Program

Action = audit.Action


class IncompleteAssessment(Exception):
    """Completing failed: `missing` maps a field name to what is still needed."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__("; ".join(missing.values()))
        self.missing = missing


M = TypeVar("M", bound=models.Model)


def _record(request: HttpRequest | None, by: User, action: str, **kwargs: Any) -> None:
    audit.record(request, action, user=by, **kwargs)


def _locked(model: type[M], pk: int) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


# --- Inquiries ------------------------------------------------------------------------


@transaction.atomic
def log_contact(
    *,
    inquiry: Inquiry,
    by: User,
    at: datetime,
    method: str,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ContactAttempt:
    inquiry = _locked(Inquiry, inquiry.pk)
    attempt = inquiry.log_contact(at=at, method=method, outcome=outcome, note=note, by=by)
    _record(request, by, Action.CREATE, obj=attempt, detail="contact attempt logged")
    return attempt


@transaction.atomic
def book_assessment(
    *, inquiry: Inquiry, by: User, at: datetime, request: HttpRequest | None = None
) -> Inquiry:
    inquiry = _locked(Inquiry, inquiry.pk)
    inquiry.book_assessment(at=at)
    _record(request, by, Action.CHANGE, obj=inquiry, detail="assessment booked")
    return inquiry


@transaction.atomic
def close_inquiry(
    *, inquiry: Inquiry, by: User, reason: str, note: str = "", request: HttpRequest | None = None
) -> Inquiry:
    inquiry = _locked(Inquiry, inquiry.pk)
    inquiry.close(reason=reason, note=note)
    _record(request, by, Action.CHANGE, obj=inquiry, detail=f"inquiry closed: {reason}")
    return inquiry


def patient_initial_from_inquiry(inquiry: Inquiry) -> dict[str, str]:
    first, last = inquiry.first_and_last_name()
    return {
        "legal_first_name": first,
        "legal_last_name": last,
        "phone": inquiry.phone,
        "email": inquiry.email,
    }


# --- Patients -------------------------------------------------------------------------


@transaction.atomic
def create_patient(
    *,
    patient: Patient,
    by: User,
    inquiry: Inquiry | None = None,
    request: HttpRequest | None = None,
) -> Patient:
    """Save a new patient; from an inquiry, convert it in the same transaction."""
    if inquiry is not None:
        inquiry = _locked(Inquiry, inquiry.pk)
        inquiry.mark_converted()  # raises InvalidTransition before anything is saved
        patient.inquiry = inquiry
    patient.created_by = by
    patient.save()
    _record(request, by, Action.CREATE, obj=patient, patient=patient)
    return patient


@transaction.atomic
def update_patient(
    *, patient: Patient, changed: list[str], by: User, request: HttpRequest | None = None
) -> Patient:
    patient.save()
    # field names only: the values are the patient's details
    detail = "changed: " + ", ".join(changed) if changed else "saved without changes"
    _record(request, by, Action.CHANGE, obj=patient, patient=patient, detail=detail)
    return patient


@transaction.atomic
def add_consent(
    *, consent: Consent, patient: Patient, by: User, request: HttpRequest | None = None
) -> Consent:
    consent.patient = patient
    consent.recorded_by = by
    consent.save()
    _record(request, by, Action.CREATE, obj=consent, patient=patient)
    return consent


@transaction.atomic
def revoke_consent(
    *, consent: Consent, on: date, by: User, request: HttpRequest | None = None
) -> Consent:
    consent = _locked(Consent, consent.pk)
    consent.revoke(on=on)
    _record(
        request, by, Action.CHANGE, obj=consent, patient=consent.patient, detail="consent revoked"
    )
    return consent


# --- Part 2 disclosures ------------------------------------------------------------------


def latest_signed_assessment(patient: Patient) -> Assessment | None:
    """The assessment a disclosure sends: the patient's most recent signed one."""
    return (
        patient.assessments.filter(status=Assessment.Status.COMPLETED)
        .select_related("completed_by")
        .order_by("-assessment_date", "-completed_at")
        .first()
    )


@transaction.atomic
def disclose_records(
    *,
    patient: Patient,
    consent: Consent,
    what: str,
    by: User,
    attendance_from: date | None = None,
    attendance_to: date | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Disclosure:
    """Record records leaving the clinic under `consent`, or refuse with the reason.

    The consent row is locked before it is checked, so a revocation saved at the same
    moment either commits first (and this refuses) or waits until this disclosure is
    recorded. `at` is when the records leave (now unless given): the consent must be
    in force on that clinic day and cover every kind of record asked for.
    """
    at = at or timezone.now()
    day = timezone.localdate(at)
    try:
        consent = Consent.objects.select_for_update().get(pk=consent.pk, patient=patient)
    except Consent.DoesNotExist as exc:
        raise InvalidTransition("That consent is not on this patient's record.") from exc
    consent.patient = patient
    kinds = Disclosure.KINDS[Disclosure.What(what)]
    refusal = consent.disclosure_refusal(kinds=kinds, on=day)
    if refusal:
        raise InvalidTransition(refusal)
    assessment = None
    if RecordKind.ASSESSMENT in kinds:
        assessment = latest_signed_assessment(patient)
        if assessment is None:
            raise InvalidTransition(
                "There is no signed assessment to send: a draft never leaves the clinic."
            )
    if RecordKind.ATTENDANCE in kinds:
        if attendance_from is None or attendance_to is None:
            raise InvalidTransition("Give the first and last day of attendance to send.")
        if attendance_from > attendance_to:
            raise InvalidTransition("The first day of attendance comes after the last one.")
        if attendance_to > day:
            raise InvalidTransition("Attendance can only be sent up to today.")
    else:
        attendance_from = attendance_to = None
    disclosure = Disclosure.objects.create(
        patient=patient,
        consent=consent,
        what=what,
        assessment=assessment,
        attendance_from=attendance_from,
        attendance_to=attendance_to,
        recipient=consent.recipient,
        purpose=consent.purpose,
        disclosed_at=at,
        by=by,
    )
    _record(
        request, by, Action.EXPORT, obj=disclosure, patient=patient, detail=f"disclosed: {what}"
    )
    return disclosure


# --- Assessment -------------------------------------------------------------------------


@transaction.atomic
def start_assessment(
    *, patient: Patient, by: User, request: HttpRequest | None = None
) -> Assessment:
    """A new draft, or the patient's open draft when there is one (resume it)."""
    patient = _locked(Patient, patient.pk)
    draft = patient.assessments.filter(status=Assessment.Status.DRAFT).first()
    if draft is not None:
        return draft
    if patient.status == Patient.Status.ACTIVE:
        raise InvalidTransition(
            "This patient is in treatment; discharge or change level instead of a new intake."
        )
    assessment = Assessment.objects.create(patient=patient, created_by=by)
    patient.status = Patient.Status.IN_ASSESSMENT
    patient.save(update_fields=["status", "updated_at"])
    _record(request, by, Action.CREATE, obj=assessment, patient=patient)
    return assessment


def _refuse_if_locked(assessment: Assessment) -> None:
    if assessment.is_locked:
        raise InvalidTransition(
            "This assessment is signed and locked; add an addendum to correct it."
        )


@transaction.atomic
def save_assessment_draft(
    *,
    assessment_form: forms.ModelForm,
    substance_formset: forms.BaseInlineFormSet,
    by: User,
    request: HttpRequest | None = None,
) -> Assessment:
    """Save both valid forms whole (or nothing); the draft may still have gaps."""
    assessment = assessment_form.instance
    current = _locked(Assessment, assessment.pk)
    _refuse_if_locked(current)
    assessment = assessment_form.save()
    substance_formset.instance = assessment
    # deletions first, so moving "primary" from one row to another never collides
    for form in substance_formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    saved = substance_formset.save(commit=False)
    try:
        with transaction.atomic():
            for substance in sorted(saved, key=lambda s: s.is_primary):
                substance.save()
    except IntegrityError as exc:  # one_primary_substance: another window won the race
        raise InvalidTransition(
            "Another substance was marked as the primary one at the same moment; nothing "
            "was saved. Reload the page and choose again."
        ) from exc
    _record(request, by, Action.CHANGE, obj=assessment, patient=assessment.patient, detail="draft")
    return assessment


def missing_for_completion(assessment: Assessment) -> dict[str, str]:
    substances = list(assessment.substances.all())
    missing = assessment.missing_for_completion(substances)
    if assessment.phq9 is not None and assessment.phq9_item9 is None:
        missing["phq9_item9"] = "Record PHQ-9 item 9 as well: the safety check depends on it."
    recommendation = assessment.live_recommendation()
    for key, text in zip(recommendation.missing_keys, recommendation.missing, strict=False):
        field = "criteria_met" if key == "criteria" else key
        missing.setdefault(field, text[:1].upper() + text[1:] + ".")
    return missing


@transaction.atomic
def complete_assessment(
    *, assessment: Assessment, by: User, request: HttpRequest | None = None
) -> Assessment:
    """Sign and lock a saved draft, freezing its recommendation; refuse while parts are missing."""
    assessment = _locked(Assessment, assessment.pk)
    _refuse_if_locked(assessment)
    missing = missing_for_completion(assessment)
    if missing:
        raise IncompleteAssessment(missing)
    view = RecommendationView.from_recommendation(assessment.live_recommendation())
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.completed_by = by
    assessment.recommended_level = view.level or ""
    assessment.recommendation = view.snapshot()
    assessment.save()
    _record(request, by, Action.CHANGE, obj=assessment, patient=assessment.patient, detail="signed")
    return assessment


@transaction.atomic
def add_addendum(
    *, assessment: Assessment, text: str, by: User, request: HttpRequest | None = None
) -> Addendum:
    if not assessment.is_locked:
        raise InvalidTransition("A draft is still editable; change it directly.")
    addendum = Addendum.objects.create(assessment=assessment, text=text, author=by)
    _record(request, by, Action.CREATE, obj=addendum, patient=assessment.patient, detail="addendum")
    return addendum


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
