"""Hostile input on the form endpoints of treatment: the diagnosis, writing a plan (save,
add and remove rows), the patient's signature or refusal, starting a review and the
chart's filters (the harness: tests/fuzzing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests import fuzzing
from tests.fuzzing import Endpoint, Payload, fresh, one
from tests.treatment.conftest import confirm_diagnosis, in_care, rows
from treatment import forms, services
from treatment.models import (
    Diagnosis,
    Goal,
    Intervention,
    Objective,
    PlanSignature,
    Problem,
    TreatmentPlan,
)


def _made(world, name: str, make) -> Any:
    """An object made once per world, outside any example's savepoint."""
    if name not in world.__dict__:
        world.__dict__[name] = make()
    return world.__dict__[name]


def _undiagnosed(world):
    return _made(world, "t_undiagnosed", lambda: in_care(world.counselor, world.intake_user))


def _draft(world) -> TreatmentPlan:
    def make():
        patient = in_care(world.counselor, world.intake_user)
        confirm_diagnosis(patient, world.counselor)
        plan = services.start_plan(patient=patient, by=world.counselor)
        return services.save_plan(plan=plan, rows=rows(extra_goal=True), by=world.counselor)

    return _made(world, "t_draft", make)


def _awaiting(world) -> TreatmentPlan:
    def make():
        patient = in_care(world.counselor, world.intake_user)
        confirm_diagnosis(patient, world.counselor)
        plan = services.start_plan(patient=patient, by=world.counselor)
        services.save_plan(plan=plan, rows=rows(), by=world.counselor)
        return services.sign_as_counselor(plan=plan, by=world.counselor)

    return _made(world, "t_awaiting", make)


def _signed(world) -> TreatmentPlan:
    def make():
        from tests.treatment.conftest import signed_plan

        return signed_plan(in_care(world.counselor, world.intake_user), world.counselor)

    return _made(world, "t_signed", make)


def _plan_payload(world, **extra) -> Payload:
    """What the plan page sends for the draft as saved."""
    plan = _draft(world)
    saved = forms.PlanEditor(plan).saved_rows()
    data: dict[str, Any] = {}
    for prefix, level in saved.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(level)
        data[f"{prefix}-INITIAL_FORMS"] = 0
        for n, row in enumerate(level):
            for name, value in row.items():
                data[f"{prefix}-{n}-{name}"] = value if isinstance(value, list) else str(value)
    return one(**data, **extra)


def _plan_forms(world, data: QueryDict) -> list:
    editor = forms.PlanEditor(fresh(_draft(world)), data)
    formsets = editor.formsets(bound=True)
    return [form for formset in formsets.values() for form in [formset, *formset.forms]]


def _plan_rows(world) -> tuple:
    plan = _draft(world)
    return (
        Problem.objects.filter(plan=plan),
        Goal.objects.filter(problem__plan=plan),
        Objective.objects.filter(goal__problem__plan=plan),
        Intervention.objects.filter(problem__plan=plan),
        TreatmentPlan.objects.filter(pk=plan.pk).values("status", "version"),
    )


def _signature_forms(world, data: QueryDict) -> list:
    if data.get("action") == "decline":
        return [forms.DeclineForm(data)]
    return [forms.PatientSignatureForm(data)]


def _signature_rows(world) -> tuple:
    plan = _awaiting(world)
    return (
        PlanSignature.objects.filter(plan=plan),
        TreatmentPlan.objects.filter(pk=plan.pk).values("status", "signed_at"),
    )


ENDPOINTS = [
    Endpoint(
        name="treatment:diagnosis",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:diagnosis", args=[_undiagnosed(w).uuid]),
        baseline=lambda w: one(substance="alcohol", severity="moderate", reason=""),
        forms=lambda w, d: [forms.DiagnosisForm(d)],
        watch=lambda w: (Diagnosis.objects.filter(patient=_undiagnosed(w)),),
        strict_redirect=True,
    ),
    Endpoint(
        name="treatment:edit-plan",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:edit-plan", args=[_draft(w).uuid]),
        baseline=lambda w: _plan_payload(w, save="1"),
        forms=_plan_forms,
        edge_cases=(
            {"objectives-0-target_date": "9999-12-31", "goals-TOTAL_FORMS": "100000"},
            {"objectives-0-target_date": "0001-01-01", "goals-1-problem": "-1"},
        ),
        watch=_plan_rows,
        strict_redirect=True,
        writes=False,  # the baseline saves the draft as it is: the same rows again
    ),
    Endpoint(
        name="treatment:edit-plan (add a row)",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:edit-plan", args=[_draft(w).uuid]),
        baseline=lambda w: _plan_payload(w, add="objectives"),
        watch=_plan_rows,
        writes=False,
        answers_with_page=True,
    ),
    Endpoint(
        name="treatment:edit-plan (remove a row)",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:edit-plan", args=[_draft(w).uuid]),
        baseline=lambda w: _plan_payload(w, remove="problems-0"),
        watch=_plan_rows,
        writes=False,
        answers_with_page=True,
    ),
    Endpoint(
        name="treatment:patient-signature",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:patient-signature", args=[_awaiting(w).uuid]),
        baseline=lambda w: one(
            action="sign", typed_name=_awaiting(w).patient.legal_name, attested="on"
        ),
        forms=_signature_forms,
        watch=_signature_rows,
        strict_redirect=True,
    ),
    Endpoint(
        name="treatment:patient-signature (declined)",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:patient-signature", args=[_awaiting(w).uuid]),
        baseline=lambda w: one(
            action="decline", reason="Agrees with the plan but will not sign papers."
        ),
        forms=_signature_forms,
        watch=_signature_rows,
        strict_redirect=True,
    ),
    Endpoint(
        name="treatment:start-plan",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:start-plan", args=[_signed(w).patient.uuid]),
        baseline=lambda w: one(occasion="off_track"),
        watch=lambda w: (TreatmentPlan.objects.filter(patient=_signed(w).patient),),
    ),
    Endpoint(
        name="treatment:chart (GET)",
        client="counselor_client",
        method="get",
        url=lambda w, c: reverse("treatment:chart", args=[_signed(w).patient.uuid]),
        baseline=lambda w: one(kind=["plan", "diagnosis"], page="1"),
        writes=False,
    ),
]

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "treatment:plan-list": "no input",
    "treatment:plan-detail": "no input",
    "treatment:sign-plan": "POST without fields",
    "treatment:print-plan": "no input",
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("fuzz", ENDPOINTS), ids=str)
def test_fuzzed_input_never_500s_and_stores_nothing_invalid(request, fuzz_world, endpoint):
    fuzzing.run_fuzz(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("edges", ENDPOINTS), ids=str)
def test_edge_values_in_each_field_never_500(request, fuzz_world, endpoint):
    fuzzing.run_edges(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("nul", fuzzing.with_forms(ENDPOINTS)), ids=str)
def test_a_nul_byte_in_any_field_is_refused_with_a_message(request, fuzz_world, endpoint):
    fuzzing.run_nul(request, fuzz_world, endpoint)
