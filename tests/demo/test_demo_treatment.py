"""The demo's diagnoses and plans: every admitted patient diagnosed, plans in every state
the pages show (in force, due this week, overdue, declined, a reviewed second version),
loaded once."""

import pytest
from django.db.models import Count

from demo.intake import ensure_demo_intake
from demo.treatment import ensure_demo_treatment
from intake.models import Admission
from treatment import reviews
from treatment.diff import diff_plans
from treatment.models import Diagnosis, PlanSignature, TreatmentPlan

pytestmark = pytest.mark.django_db


def test_the_demo_has_plans_due_overdue_and_reviewed_once():
    ensure_demo_intake()
    in_care = Admission.objects.filter(end_date__isnull=True).count()
    assert in_care >= 12
    assert ensure_demo_treatment() == in_care
    counts = (Diagnosis.objects.count(), TreatmentPlan.objects.count())
    assert ensure_demo_treatment() == 0
    assert (Diagnosis.objects.count(), TreatmentPlan.objects.count()) == counts

    open_admissions = Admission.objects.filter(end_date__isnull=True).select_related("patient")
    assert Diagnosis.objects.current().count() == open_admissions.count() == in_care
    assert Diagnosis.objects.filter(superseded_at__isnull=False, reason="").count() == 1
    flags = reviews.plan_flags(list(open_admissions))
    states = {(f.patient.legal_first_name, f.due.occasion, f.state) for f in flags}
    assert ("Gloria", "scheduled", "due") in states  # a review due this week
    assert ("Brendan", "scheduled", "overdue") in states
    assert ("Keiko", "initial", "due") in states
    assert any(f.has_draft and f.is_overdue for f in flags)
    assert PlanSignature.objects.filter(declined=True).count() == 1

    reviewed = TreatmentPlan.objects.get(version=2)
    assert reviewed.occasion == "level_change" and reviewed.is_signed
    assert [c.change for c in diff_plans(reviewed.previous, reviewed)] == ["changed"]
    per_patient = TreatmentPlan.objects.values("patient").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_patient) == 2
