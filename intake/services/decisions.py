"""Placement decisions: made once, deliberately, and corrected only by a dated amendment."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from accounts import audit
from intake import placement
from intake.models import (
    Assessment,
    DecisionAmendment,
    InvalidTransition,
    PlacementDecision,
    Refused,
)
from intake.services.common import _locked, _reason, _record

Action = audit.Action


def _level(code: str, *, field: str) -> str:
    if code not in placement.Level.__members__:
        raise Refused("Choose one of the levels of care.", field=field)
    return code


@transaction.atomic
def decide_placement(
    *,
    assessment: Assessment,
    final_level: str,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> PlacementDecision:
    """Record the level staff chose; a level other than the recommendation needs a reason."""
    assessment = _locked(Assessment, assessment.pk)
    if not assessment.is_locked:
        raise InvalidTransition("Complete and sign the assessment before deciding the level.")
    if PlacementDecision.objects.filter(assessment=assessment).exists():
        raise InvalidTransition("The level for this assessment has already been decided.")
    _level(final_level, field="final_level")
    override = final_level != assessment.recommended_level
    reason = _reason(reason, field="reason") if override else ""
    decision = PlacementDecision.objects.create(
        assessment=assessment,
        patient=assessment.patient,
        recommended_level=assessment.recommended_level,
        final_level=final_level,
        reason=reason,
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


@transaction.atomic
def amend_decision(
    *,
    decision: PlacementDecision,
    new_level: str,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> DecisionAmendment:
    """Correct a decision recorded by mistake; what it said before stays on the record.

    Refused once an admission followed the decision: the level of care is then changed
    by a step-down or step-up, which is what happened.
    """
    decision = _locked(PlacementDecision, decision.pk)
    _level(new_level, field="new_level")
    if new_level == decision.final_level:
        raise Refused(
            f"The decision already says {decision.final_level_label}; choose the corrected level.",
            field="new_level",
        )
    if decision.admissions.exists():
        raise Refused(
            "A patient was admitted on this decision; change the level of care from the "
            "admission instead.",
            field="new_level",
        )
    reason = _reason(reason, field="reason")
    amendment = DecisionAmendment.objects.create(
        decision=decision,
        previous_level=decision.final_level,
        previous_reason=decision.reason,
        new_level=new_level,
        reason=reason,
        amended_by=by,
    )
    decision.final_level = new_level
    decision.reason = "" if new_level == decision.recommended_level else reason
    decision.save(update_fields=["final_level", "reason"])
    _record(
        request,
        by,
        Action.CHANGE,
        obj=decision,
        patient=decision.patient,
        detail=f"decision amended: {amendment.previous_level} to {new_level}",
    )
    return amendment
