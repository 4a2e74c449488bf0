"""Rules on one assessment: what completing needs, what placement is given, locking."""

from datetime import date

import pytest

from intake import placement, services
from intake.models import (
    SCREENING_KEYS,
    Assessment,
    InvalidTransition,
    RecommendationView,
    level_history,
)
from tests.factories import AdmissionFactory, SubstanceFactory, program
from tests.intake.conftest import days_ago

pytestmark = pytest.mark.django_db


def test_the_screening_fields_are_the_placement_table():
    assert set(SCREENING_KEYS) == set(placement.SCREENINGS)


def test_an_empty_draft_lists_every_required_part(draft):
    draft.referral_source = ""
    missing = services.missing_for_completion(draft)
    assert list(missing) == [
        "referral_source",
        "substances",
        "criteria_met",
        "d1",
        "d2",
        "d3",
        "d4",
        "d5",
        "d6",
    ]


def test_a_full_moderate_draft_misses_nothing(moderate_draft):
    assert services.missing_for_completion(moderate_draft) == {}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"referral_source": "step_down_inp"}, "step_down_ended_on"),
        ({"referral_source": "other", "referral_detail": ""}, "referral_detail"),
        ({"d6_note": ""}, "d6_note"),
        ({"phq9": 8}, "phq9_item9"),
        ({"criteria_met": [], "criteria_reviewed": False}, "criteria_met"),
    ],
)
def test_each_gap_is_named(moderate_draft, change, field):
    for name, value in change.items():
        setattr(moderate_draft, name, value)
    moderate_draft.save()
    assert field in services.missing_for_completion(moderate_draft)


def test_no_criteria_is_fine_once_confirmed(moderate_draft):
    moderate_draft.criteria_met = []
    moderate_draft.criteria_reviewed = True
    moderate_draft.save()
    assert services.missing_for_completion(moderate_draft) == {}
    assert moderate_draft.live_recommendation().level == placement.Level.NONE


def test_substances_need_one_primary_and_their_details(moderate_draft):
    SubstanceFactory(assessment=moderate_draft, substance="cannabis", is_primary=False, route="")
    assert "substances" in services.missing_for_completion(moderate_draft)


def test_tolerance_and_withdrawal_do_not_count_when_only_as_prescribed(moderate_draft):
    moderate_draft.criteria_met = ["craving", "cut_down", "tolerance", "withdrawal"]
    moderate_draft.d6 = 0
    assert moderate_draft.live_recommendation().criteria_count == 4
    moderate_draft.only_as_prescribed = True
    recommendation = moderate_draft.live_recommendation()
    assert recommendation.criteria_count == 2
    assert recommendation.level == placement.Level.OP


def test_the_step_down_date_counts_only_for_a_step_down_referral(moderate_draft):
    moderate_draft.criteria_met = [key for key, _ in placement.CRITERIA][:7]  # severe
    moderate_draft.d6 = 0
    moderate_draft.step_down_ended_on = days_ago(10)
    assert moderate_draft.live_recommendation().level == placement.Level.INP
    moderate_draft.referral_source = Assessment.ReferralSource.STEP_DOWN_PHP
    assert moderate_draft.live_recommendation().level == placement.Level.IOP


def test_a_recommendation_survives_storing(moderate_draft):
    view = RecommendationView.from_recommendation(moderate_draft.live_recommendation())
    again = RecommendationView.from_snapshot(view.snapshot())
    assert again == view
    assert view.level == "IOP" and view.level_label == "Intensive Outpatient (IOP)"


def test_completing_twice_is_refused(completed, intake_user):
    with pytest.raises(InvalidTransition, match="signed and locked"):
        services.complete_assessment(assessment=completed, by=intake_user)


def test_an_incomplete_assessment_is_not_signed(draft, intake_user):
    with pytest.raises(services.IncompleteAssessment) as caught:
        services.complete_assessment(assessment=draft, by=intake_user)
    assert "d1" in caught.value.missing
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT and draft.completed_at is None


def test_the_database_refuses_an_unsigned_completed_assessment(draft):
    from django.db import IntegrityError

    draft.status = Assessment.Status.COMPLETED
    with pytest.raises(IntegrityError):
        draft.save()


def test_starting_an_assessment_resumes_an_open_draft(draft, intake_user):
    assert services.start_assessment(patient=draft.patient, by=intake_user) == draft


def test_starting_an_assessment_moves_a_prospect_on(patient, intake_user):
    assessment = services.start_assessment(patient=patient, by=intake_user)
    patient.refresh_from_db()
    assert patient.status == "in_assessment"
    assert assessment.status == Assessment.Status.DRAFT


def test_a_patient_in_treatment_gets_no_new_intake(caseload_patient, intake_user):
    with pytest.raises(InvalidTransition):
        services.start_assessment(patient=caseload_patient, by=intake_user)


def test_addenda_only_go_on_signed_assessments(draft, intake_user):
    with pytest.raises(InvalidTransition):
        services.add_addendum(assessment=draft, text="x", by=intake_user)


def test_level_history_names_each_move():
    first = AdmissionFactory(
        program=program("PHP"), start_date=date(2026, 1, 5), end_date=date(2026, 2, 1)
    )
    patient = first.patient
    second = AdmissionFactory(
        patient=patient,
        program=program("IOP"),
        start_date=date(2026, 2, 1),
        end_date=date(2026, 3, 1),
    )
    third = AdmissionFactory(
        patient=patient,
        program=program("IOP"),
        start_date=date(2026, 5, 1),
        end_date=date(2026, 6, 1),
    )
    fourth = AdmissionFactory(patient=patient, program=program("PHP"), start_date=date(2026, 6, 1))
    assert [(c.admission, c.change) for c in level_history([fourth, second, third, first])] == [
        (first, "admitted"),
        (second, "stepped down"),
        (third, "readmitted"),
        (fourth, "stepped up"),
    ]
