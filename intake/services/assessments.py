"""Drafting, completing and amending intake assessments."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from intake import dates, placement
from intake.models import (
    SCREENING_KEYS,
    Addendum,
    Assessment,
    InvalidTransition,
    Patient,
    RecommendationView,
    Refused,
)
from intake.services.common import IncompleteAssessment, _locked, _record, _within

Action = audit.Action

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
    check_assessment_values(assessment)
    assessment = assessment_form.save()
    substance_formset.instance = assessment
    # deletions first, so moving "primary" from one row to another never collides
    for form in substance_formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    saved = substance_formset.save(commit=False)
    for substance in saved:
        if substance.last_use is not None:
            allowed = dates.last_use(assessment.patient.date_of_birth, assessment.assessment_date)
            _within(substance.last_use, allowed, field="last_use")
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


def check_assessment_values(assessment: Assessment) -> None:
    """Refuse dates outside their range and screening totals that contradict each other
    (docs/date-ranges.md, docs/screening-checks.md), whatever form they came through."""
    today = timezone.localdate()
    allowed = dates.assessment_date(assessment.patient.first_contact_on(), today)
    _within(assessment.assessment_date, allowed, field="assessment_date")
    if assessment.step_down_ended_on is not None:
        allowed = dates.step_down_ended(today)
        _within(assessment.step_down_ended_on, allowed, field="step_down_ended_on")
        if assessment.step_down_ended_on > assessment.assessment_date:
            raise Refused(
                "Care can't have ended after the assessment date.", field="step_down_ended_on"
            )
    totals = {key: getattr(assessment, key) for key in SCREENING_KEYS}
    for key, message in placement.validate_screenings(totals).items():
        if key == "phq9_item9" and totals.get("phq9_item9") is None:
            continue  # a gap, not a wrong value: completing asks for it
        raise Refused(message, field=key)


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
    check_assessment_values(assessment)
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
