"""Hostile input on the form endpoints of session notes: the shared part, a patient's
part, sign all, addenda, SUD counseling notes and licensure (the harness:
tests/fuzzing.py)."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from notes import forms as notes_forms
from notes import models as notes_models
from tests import fuzzing
from tests.fuzzing import Endpoint, Payload, one


def _part_prefix(world) -> str:
    return f"p{world.noted_session.attendees.get().pk}"


def _part_payload(world) -> Payload:
    prefix = _part_prefix(world)
    return one(
        **{
            f"{prefix}-data": "Talked about the weekend.",
            f"{prefix}-assessment": "Steadier mood.",
            f"{prefix}-plan": "Urge log daily.",
            "action": "save",
        }
    )


def _part_forms(world, data: QueryDict) -> list:
    return [
        notes_forms.ProgressNoteForm(
            data, prefix=_part_prefix(world), note_format="DAP", patient_name=""
        )
    ]


ENDPOINTS = [
    Endpoint(
        name="notes:save-shared-part",
        client="counselor_client",
        url=lambda w, c: reverse("notes:save-shared-part", args=[w.noted_session.pk]),
        baseline=lambda w: one(**{"shared-topic": "Coping", "shared-group_work": "Role play."}),
        forms=lambda w, d: [notes_forms.SharedPartForm(d)],
        watch=lambda w: (notes_models.SessionNote, notes_models.ProgressNote),
        strict_redirect=True,
    ),
    Endpoint(
        name="notes:save-part",
        client="counselor_client",
        url=lambda w, c: reverse(
            "notes:save-part", args=[w.noted_session.pk, w.noted_session.attendees.get().pk]
        ),
        baseline=_part_payload,
        forms=_part_forms,
        watch=lambda w: (notes_models.SessionNote, notes_models.ProgressNote),
        strict_redirect=True,
    ),
    Endpoint(
        name="notes:sign-all",
        client="counselor_client",
        url=lambda w, c: reverse("notes:sign-all", args=[w.noted_session.pk]),
        baseline=lambda w: one(confirm_similar="on"),  # a tick box: any value means "on"
        watch=lambda w: (notes_models.ProgressNote,),
        writes=False,  # no drafts yet: nothing to sign
    ),
    Endpoint(
        name="notes:add-addendum",
        client="counselor_client",
        url=lambda w, c: reverse("notes:add-addendum", args=[w.signed_note.pk]),
        baseline=lambda w: one(text="Mood was low, not steady."),
        forms=lambda w, d: [notes_forms.AddendumForm(d)],
        watch=lambda w: (notes_models.NoteAddendum, notes_models.ProgressNote),
        strict_redirect=True,
    ),
    Endpoint(
        name="notes:counseling-notes",
        client="counselor_client",
        url=lambda w, c: reverse("notes:counseling-notes", args=[w.patient.uuid]),
        baseline=lambda w: one(text="Transference themes to explore in supervision."),
        forms=lambda w, d: [notes_forms.CounselingNoteForm(d)],
        watch=lambda w: (notes_models.CounselingNote,),
        strict_redirect=True,
    ),
    Endpoint(
        name="notes:licensure",
        client="director_client",
        url=lambda w, c: reverse("notes:licensure"),
        baseline=lambda w: one(user=w.counselor.pk, licensed="no"),
        forms=lambda w, d: [notes_forms.LicensureForm(d)],
        watch=lambda w: (notes_models.Clinician,),
        strict_redirect=True,
    ),
]


# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "notes:session-note": "no input",
    "notes:note-detail": "no input",
    "notes:cosign-note": "POST without fields",
    "notes:cosign-queue": "no input",
    "notes:patient-notes": "no input",
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
