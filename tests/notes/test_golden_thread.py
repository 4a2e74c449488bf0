"""The golden thread: each individual part names objectives of the patient's current plan."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from notes import services
from notes.models import ProgressNote
from tests.notes.conftest import DAP, OTHER_DAP, attendee_of
from treatment.models import Goal, Objective, Problem, TreatmentPlan


def signed_plan(patient, by, *, version: int = 1, texts=("Name three triggers",)) -> list:
    plan = TreatmentPlan.objects.create(
        patient=patient, version=version, status="signed", created_by=by, signed_at=timezone.now()
    )
    problem = Problem.objects.create(plan=plan, dimensions=["d5"], statement="I keep relapsing")
    goal = Goal.objects.create(problem=problem, text="Stay sober through the summer")
    return [
        Objective.objects.create(goal=goal, position=n, text=text, target_date=date(2026, 3, 31))
        for n, text in enumerate(texts)
    ]


@pytest.fixture
def plans(session, counselor, patients):
    return {
        p.pk: signed_plan(p, counselor, texts=(f"Objective A of {p.pk}", f"Objective B of {p.pk}"))
        for p in patients[:2]
    }


def _drafts(session, counselor, patients):
    services.open_session_note(session=session, by=counselor)
    services.save_shared_part(
        session_note=session.session_note, topic="Triggers", group_work="Mapping.", by=counselor
    )
    first = ProgressNote.objects.get(patient=patients[0])
    second = ProgressNote.objects.get(patient=patients[1])
    return first, second


def test_signing_needs_an_objective_of_the_current_plan(session, counselor, patients, plans):
    first, _ = _drafts(session, counselor, patients)
    services.save_draft(note=first, parts=DAP, by=counselor)
    with pytest.raises(services.IncompleteNote, match="choose the plan objectives"):
        services.sign_notes(notes=[first], by=counselor)
    chosen = plans[patients[0].pk][1]
    services.save_draft(note=first, parts={}, objective_ids=[chosen.pk], by=counselor)
    (signed,) = services.sign_notes(notes=[first], by=counselor)
    assert list(signed.objectives.all()) == [chosen]


def test_another_patients_objective_cannot_be_named(session, counselor, patients, plans):
    first, _ = _drafts(session, counselor, patients)
    theirs = plans[patients[1].pk][0]
    services.save_draft(note=first, parts=DAP, objective_ids=[theirs.pk], by=counselor)
    assert not first.objectives.exists()


def test_only_the_latest_signed_plan_counts(session, counselor, patients, plans):
    newer = signed_plan(patients[0], counselor, version=2, texts=("Reviewed objective",))
    found = services.objectives_for_patients(patients)
    assert found[patients[0].pk] == newer
    assert patients[2].pk not in found


def test_before_a_plan_is_signed_the_note_can_be_signed(session, counselor, patients):
    first, _ = _drafts(session, counselor, patients)
    services.save_draft(note=first, parts=DAP, by=counselor)
    (signed,) = services.sign_notes(notes=[first], by=counselor)
    assert signed.is_signed and not signed.objectives.exists()


def test_the_page_offers_each_patients_own_objectives(counselor_client, session, patients, plans):
    page = counselor_client.get(reverse("notes:session-note", args=[session.pk])).content.decode()
    assert page.count("Plan objectives addressed") == 2
    a, b = patients[0].pk, patients[1].pk
    assert f"Objective A of {a}" in page and f"Objective B of {b}" in page
    attendee = attendee_of(session, patients[0])
    response = counselor_client.post(
        reverse("notes:save-part", args=[session.pk, attendee.pk]),
        {f"p{attendee.pk}-{k}": v for k, v in OTHER_DAP.items()}
        | {f"p{attendee.pk}-objectives": [plans[a][0].pk], "action": "save"},
    )
    assert response.status_code == 302
    assert list(ProgressNote.objects.get(attendee=attendee).objectives.all()) == [plans[a][0]]
