"""The assessment page: drafts with gaps, completion, locking, the recommendation."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from intake.models import Assessment, Substance
from tests.intake.conftest import (
    add_substance_row,
    assessment_post,
    days_ago,
    first_contact_days_ago,
    today,
)

pytestmark = pytest.mark.django_db


def url(assessment) -> str:
    return reverse("intake:assessment-detail", args=[assessment.uuid])


def test_it_shows_an_editable_form_for_a_draft(intake_client, draft):
    response = intake_client.get(url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-autosave" in html
    assert 'name="save_draft"' in html
    assert "<legend" in html and "DSM-5 criteria" in html
    assert "Used more, or for longer, than intended" in html


def test_a_draft_with_gaps_saves(intake_client, draft):
    data = assessment_post(draft, save_draft="1", d1="2", d1_note="", criteria_met=["craving"])
    add_substance_row(data, substance="alcohol")  # only the substance: still a gap
    response = intake_client.post(url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.d1 == 2
    assert draft.criteria_met == ["craving"]
    assert draft.status == Assessment.Status.DRAFT
    assert draft.substances.get().substance == "alcohol"
    assert AuditEvent.objects.filter(
        action="change", patient_uuid=draft.patient.uuid, detail="draft"
    ).exists()


def test_a_save_draft_post_with_almost_nothing_saves(intake_client, draft):
    """What the idle-timeout script sends before signing someone out."""
    data = {"save_draft": "1", "assessment_date": today().isoformat(), "gad7": "4"}
    data.update({k: v for k, v in assessment_post(draft).items() if k.startswith("substances-")})
    response = intake_client.post(url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.gad7 == 4


def test_the_saved_draft_resumes_with_its_values(intake_client, moderate_draft):
    html = intake_client.get(url(moderate_draft)).content.decode()
    assert 'value="craving" checked' in html or "checked" in html
    assert "Shares a flat with a roommate" in html


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"assessment_date": "2099-01-01"}, "assessment_date", "can't be in the future"),
        (
            {"referral_source": "step_down_php", "step_down_ended_on": "2099-01-01"},
            "step_down_ended_on",
            "can't be in the future",
        ),
        ({"audit": "41"}, "audit", "AUDIT scores run from 0 to 40"),
        ({"audit_c": "13"}, "audit_c", "AUDIT-C scores run from 0 to 12"),
        ({"dast10": "11"}, "dast10", "DAST-10 scores run from 0 to 10"),
        ({"phq9": "28", "phq9_item9": "1"}, "phq9", "PHQ-9 scores run from 0 to 27"),
        ({"phq9_item9": "4"}, "phq9_item9", "run from 0 to 3"),
        ({"gad7": "22"}, "gad7", "GAD-7 scores run from 0 to 21"),
        ({"ciwa": "68"}, "ciwa", "CIWA-Ar scores run from 0 to 67"),
        ({"cows": "49"}, "cows", "COWS scores run from 0 to 48"),
        ({"cows": "-1"}, "cows", "COWS scores run from 0 to 48"),
        ({"gad7": "seven"}, "gad7", "whole number"),
        ({"phq9": "2", "phq9_item9": "3"}, "phq9_item9", "can't be more than the PHQ-9 total"),
        ({"d3": "5"}, "d3", "Select a valid choice"),
    ],
)
def test_wrong_values_are_refused_and_nothing_is_saved(
    intake_client, moderate_draft, overrides, field, message
):
    before = Assessment.objects.get(pk=moderate_draft.pk)
    data = assessment_post(moderate_draft, save_draft="1", d2_note="typed but lost?", **overrides)
    response = intake_client.post(url(moderate_draft), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    # what was typed is still on the page
    assert "typed but lost?" in response.content.decode()
    after = Assessment.objects.get(pk=moderate_draft.pk)
    assert after.d2_note == before.d2_note == ""
    assert after.updated_at == before.updated_at


def test_step_down_end_after_the_assessment_date_is_refused(intake_client, draft):
    first_contact_days_ago(draft.patient, 10)
    data = assessment_post(
        draft,
        save_draft="1",
        assessment_date=days_ago(5).isoformat(),
        referral_source="step_down_inp",
        step_down_ended_on=days_ago(2).isoformat(),
    )
    response = intake_client.post(url(draft), data)
    assert response.status_code == 400
    assert "after the assessment date" in response.context["form"].errors["step_down_ended_on"][0]


def test_last_use_after_the_assessment_date_is_refused(intake_client, draft):
    first_contact_days_ago(draft.patient, 10)
    data = assessment_post(draft, save_draft="1", assessment_date=days_ago(3).isoformat())
    add_substance_row(data, substance="alcohol", last_use=days_ago(1).isoformat())
    response = intake_client.post(url(draft), data)
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors["last_use"]
    assert "after the assessment date" in errors[0]
    assert not Substance.objects.exists()


def test_two_primary_substances_are_refused(intake_client, draft):
    data = assessment_post(draft, save_draft="1")
    add_substance_row(data, substance="alcohol", is_primary="on")
    add_substance_row(data, substance="cannabis", is_primary="on")
    response = intake_client.post(url(draft), data)
    assert response.status_code == 400
    assert "only one substance" in str(response.context["formset"].non_form_errors())
    assert not Substance.objects.exists()


def test_completing_with_gaps_lists_them_and_keeps_everything(intake_client, draft):
    data = assessment_post(draft, complete="1", d1="3", d1_note="", gad7="9")
    response = intake_client.post(url(draft), data)
    assert response.status_code == 302
    assert response.url.endswith("?check=1")
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert (draft.d1, draft.gad7) == (3, 9)  # kept
    page = intake_client.get(response.url)
    html = page.content.decode()
    assert "Not complete yet" in html
    assert "Add a note explaining the D1 rating." in html
    assert "Rate D2" in html
    assert "Record at least one substance" in html
    form = page.context["form"]
    assert form.errors["d1_note"] == ["Add a note explaining the D1 rating."]
    assert form["gad7"].value() == 9


def test_completing_signs_locks_and_freezes_the_recommendation(
    intake_client, intake_user, moderate_draft
):
    data = assessment_post(moderate_draft, complete="1")
    response = intake_client.post(url(moderate_draft), data)
    assert response.status_code == 302
    moderate_draft.refresh_from_db()
    assert moderate_draft.status == Assessment.Status.COMPLETED
    assert moderate_draft.completed_by == intake_user
    assert moderate_draft.completed_at is not None
    assert moderate_draft.recommended_level == "IOP"
    reasons = moderate_draft.recommendation["reasons"]
    assert any(r["deciding"] and r["rule"] == "severity" for r in reasons)
    assert any(r["deciding"] and r["rule"] == "D6 floor" for r in reasons)
    page = intake_client.get(url(moderate_draft)).content.decode()
    assert "Intensive Outpatient (IOP)" in page
    assert "Deciding" in page
    assert "data-autosave" not in page  # read-only now


def test_a_signed_assessment_refuses_changes(intake_client, completed):
    data = assessment_post(completed, save_draft="1", d1="4")
    response = intake_client.post(url(completed), data, follow=True)
    assert "signed and locked" in response.content.decode()
    completed.refresh_from_db()
    assert completed.d1 == 1


def test_the_stored_recommendation_outlives_policy_changes(intake_client, completed, monkeypatch):
    from intake import placement

    def changed_policy(inp):
        raise AssertionError("a signed assessment must not be re-evaluated")

    monkeypatch.setattr(placement, "recommend", changed_policy)
    response = intake_client.get(url(completed))
    assert response.status_code == 200
    assert "Intensive Outpatient (IOP)" in response.content.decode()


def test_addenda_are_dated_and_signed(intake_client, intake_user, completed):
    response = intake_client.post(
        reverse("intake:add-addendum", args=[completed.uuid]),
        {"text": "Patient later reported weekend cannabis use."},
    )
    assert response.status_code == 302
    addendum = completed.addenda.get()
    assert addendum.author == intake_user
    html = intake_client.get(url(completed)).content.decode()
    assert "Patient later reported weekend cannabis use." in html


def test_an_empty_addendum_is_refused(intake_client, completed):
    response = intake_client.post(
        reverse("intake:add-addendum", args=[completed.uuid]), {"text": " "}
    )
    assert response.status_code == 400
    assert not completed.addenda.exists()


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"phq9": "12", "phq9_item9": "1"}, "PHQ-9 item 9"),
        ({"d3": "4", "d3_note": "Voices telling him to hurt himself."}, "imminent danger"),
        ({"ciwa": "18"}, "ratings disagree"),
        ({"cows": "26"}, "ratings disagree"),
    ],
)
def test_alerts_appear_in_a_banner_at_the_top(intake_client, moderate_draft, overrides, expected):
    data = assessment_post(moderate_draft, save_draft="1", **overrides)
    assert intake_client.post(url(moderate_draft), data).status_code == 302
    html = intake_client.get(url(moderate_draft)).content.decode()
    banner_start = html.index('role="alert"')
    assert html.index("<form", banner_start) > banner_start  # above the form
    banner = html[banner_start : html.index("</div>", banner_start)]
    assert expected in banner
    assert "988" in banner


def test_no_banner_without_alerts(intake_client, moderate_draft):
    html = intake_client.get(url(moderate_draft)).content.decode()
    assert "safety-banner" not in html


def test_recommendation_updates_after_each_save(intake_client, moderate_draft):
    data = assessment_post(moderate_draft, save_draft="1", d5="3", d5_note="Relapsed twice.")
    intake_client.post(url(moderate_draft), data)
    html = intake_client.get(url(moderate_draft)).content.decode()
    assert "Partial Hospitalization (PHP)" in html
