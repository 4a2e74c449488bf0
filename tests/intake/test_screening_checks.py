"""Screening totals that contradict each other are refused: by the rule, through the
page, through the service and by the database (docs/screening-checks.md)."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from intake import placement, services
from intake.models import Assessment, Refused
from tests.factories import AssessmentFactory
from tests.intake.conftest import assessment_post, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("totals", "field"),
    [
        ({"audit": 3, "audit_c": 4}, "audit_c"),  # AUDIT-C above the AUDIT that contains it
        ({"audit": 33, "audit_c": 4}, "audit"),  # 29 points from the other seven questions
        ({"phq9": 2, "phq9_item9": 3}, "phq9_item9"),
        ({"phq9": 27, "phq9_item9": 2}, "phq9"),  # 25 points from the other eight items
    ],
)
def test_contradictions_are_refused_by_the_rule(totals, field):
    assert set(placement.validate_screenings(totals)) == {field}


@pytest.mark.parametrize(
    "totals",
    [
        {"audit": 4, "audit_c": 4},
        {"audit": 32, "audit_c": 4},
        {"audit": 40, "audit_c": 12},
        {"audit": 0, "audit_c": 0},
        {"audit": 12},
        {"audit_c": 5},
        {"phq9": 3, "phq9_item9": 3},
        {"phq9": 27, "phq9_item9": 3},
    ],
)
def test_totals_that_agree_pass(totals):
    assert placement.validate_screenings(totals) == {}


def test_the_page_refuses_an_audit_c_above_the_audit(intake_client):
    draft = AssessmentFactory()
    url = reverse("intake:assessment-detail", args=[draft.uuid])
    response = intake_client.post(
        url, assessment_post(draft, save_draft="1", audit="3", audit_c="4")
    )
    assert response.status_code == 400
    message = response.context["form"].errors["audit_c"][0]
    assert message.startswith("The AUDIT-C (4) can't be more than the AUDIT total (3)")
    assert message in text(response)
    draft.refresh_from_db()
    assert (draft.audit, draft.audit_c) == (None, None)


class UncheckedForm:
    """What a form that skipped its checks would hand the service."""

    def __init__(self, instance: Assessment) -> None:
        self.instance = instance

    def save(self):
        raise AssertionError("the service saved a contradiction")


@pytest.mark.parametrize(
    ("values", "field"),
    [({"audit": 3, "audit_c": 4}, "audit_c"), ({"phq9": 27, "phq9_item9": 2}, "phq9")],
)
def test_the_service_refuses_what_the_form_would(intake_user, values, field):
    draft = AssessmentFactory(moderate=True)
    for key, value in values.items():
        setattr(draft, key, value)
    with pytest.raises(Refused) as refused:
        services.save_assessment_draft(
            assessment_form=UncheckedForm(draft), substance_formset=None, by=intake_user
        )
    assert refused.value.field == field


@pytest.mark.parametrize(
    "values",
    [
        {"audit": 3, "audit_c": 4},
        {"audit": 33, "audit_c": 4},
        {"phq9": 2, "phq9_item9": 3},
        {"phq9": 27, "phq9_item9": 2},
    ],
)
def test_the_database_refuses_contradicting_totals(values):
    draft = AssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=draft.pk).update(**values)
