"""Workflows of diagnosis and treatment plans, each in one transaction with its audit."""

from __future__ import annotations

from intake.models import Patient
from treatment.models import Objective, TreatmentPlan


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


__all__ = ["current_plan", "objectives_for"]
