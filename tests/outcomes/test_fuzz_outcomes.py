"""Hostile input on the form endpoints of outcomes: measures item by item, medications,
drug-screen orders, collections and results, the sobriety date and the dashboard's
filters (the harness: tests/fuzzing.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import forms as outcomes_forms
from outcomes import scales
from outcomes.models import Measurement, Medication, ScreenOrder, ScreenResult, SobrietyDate
from tests import fuzzing
from tests.fuzzing import Endpoint, Payload, fresh, one


def _measure_payload(world) -> Payload:
    return one(taken_on=world.today, **{f"item_{i.key}": 0 for i in scales.BAM_ITEMS})


def _now_field(world) -> str:
    return (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")


ENDPOINTS = [
    Endpoint(
        name="outcomes:add-measurement",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:add-measurement", args=[w.patient.uuid, "bam7"]),
        baseline=_measure_payload,
        forms=lambda w, d: [outcomes_forms.MeasureForm(d, kind="bam7")],
        watch=lambda w: (Measurement,),
        strict_redirect=True,
        edge_cases=({"item_4": "2", "item_5": "3"},),  # heavy-drinking days above drinking days
    ),
    Endpoint(
        name="outcomes:add-medication",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:add-medication", args=[w.patient.uuid]),
        baseline=lambda w: one(
            name="Buprenorphine-naloxone 8 mg",
            purpose="Opioid use disorder",
            prescriber="Dr. Amal Reyes",
            tests_as="buprenorphine",
            start_date=w.today - timedelta(days=10),
            end_date="",
        ),
        forms=lambda w, d: [outcomes_forms.MedicationForm(d)],
        watch=lambda w: (Medication,),
        strict_redirect=True,
    ),
    Endpoint(
        name="outcomes:order-screen",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:order-screen", args=[w.patient.uuid]),
        baseline=lambda w: one(
            reason="ad_hoc", due_on=w.today, specimen="urine", panel=["cocaine", "fentanyl"]
        ),
        forms=lambda w, d: [outcomes_forms.ScreenOrderForm(d)],
        watch=lambda w: (ScreenOrder,),
        strict_redirect=True,
    ),
    Endpoint(
        name="outcomes:set-sobriety-date",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:set-sobriety-date", args=[w.patient.uuid]),
        baseline=lambda w: one(sober_since=w.today - timedelta(days=40)),
        forms=lambda w, d: [outcomes_forms.SobrietyForm(d)],
        watch=lambda w: (SobrietyDate,),
        strict_redirect=True,
    ),
    Endpoint(
        name="outcomes:record-collection",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:record-collection", args=[w.screen.uuid]),
        baseline=lambda w: one(outcome="collected", collected_at=_now_field(w)),
        forms=lambda w, d: [outcomes_forms.CollectionForm(d)],
        watch=lambda w: (ScreenOrder.objects.filter(pk=w.screen.pk, collected_at__isnull=True),),
        strict_redirect=True,
    ),
    Endpoint(
        name="outcomes:record-results",
        client="counselor_client",
        url=lambda w, c: reverse("outcomes:record-results", args=[w.collected_screen.uuid]),
        baseline=lambda w: one(result_buprenorphine="positive", result_cocaine="negative"),
        forms=lambda w, d: [outcomes_forms.ResultsForm(d, order=fresh(w.collected_screen))],
        watch=lambda w: (ScreenResult,),
        strict_redirect=True,
    ),
    Endpoint(
        name="outcomes:dashboard (GET)",
        client="director_client",
        method="get",
        url=lambda w, c: reverse("outcomes:dashboard"),
        baseline=lambda w: one(start=w.today - timedelta(days=30), end=w.today, program="IOP"),
        writes=False,
    ),
    Endpoint(
        name="outcomes:dashboard-csv (GET)",
        client="director_client",
        method="get",
        url=lambda w, c: reverse("outcomes:dashboard-csv", args=["funnel"]),
        baseline=lambda w: one(start=w.today - timedelta(days=30), end=w.today, program=""),
        writes=False,
        answers_with_page=True,
    ),
]

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "outcomes:patient-progress": "no input",
    "outcomes:measurement-detail": "no input",
    "outcomes:screen-detail": "no input",
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
