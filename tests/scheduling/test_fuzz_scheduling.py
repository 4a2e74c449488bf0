"""Hostile input on the form endpoints of scheduling: attendance, notes, booking,
rescheduling, tracks and enrollment (the harness: tests/fuzzing.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse

from intake.access import patients_visible_to
from scheduling import forms as scheduling_forms
from scheduling.models import Attendee, Session, SessionCounselor, Track, TrackEnrollment
from tests import fuzzing
from tests.factories import program, session_type
from tests.fuzzing import Endpoint, Payload, fresh, one


def _attendance_payload(world) -> Payload:
    attendee = world.past_session.attendees.get()
    return one(**{f"a{attendee.pk}-attendance": "late", f"a{attendee.pk}-minutes": "30"})


def _attendance_forms(world, data: QueryDict) -> list:
    session = fresh(world.past_session)
    return [
        scheduling_forms.AttendanceForm(data, prefix=f"a{a.pk}", session_minutes=session.minutes)
        for a in session.attendees.all()
    ]


def _individual_forms(world, data: QueryDict) -> list:
    patients = (
        patients_visible_to(world.counselor).filter(admissions__end_date__isnull=True).distinct()
    )
    return [
        scheduling_forms.IndividualSessionForm(
            data,
            patients=patients,
            counselor_choices=scheduling_forms.counselors().filter(pk=world.counselor.pk),
        )
    ]


def _track_payload(world, track=None) -> Payload:
    if track is None:
        return one(
            name="Fuzz Evening Group",
            program=program("IOP").pk,
            session_type=session_type("group-therapy").pk,
            weekdays=["1", "3"],
            start_time="18:00",
            length_minutes="180",
            room=world.spare_room.pk,
            lead_counselor=world.counselor.pk,
            co_facilitator="",
            capacity="10",
            first_date=world.today + timedelta(days=1),
            last_date="",
        )
    return one(
        name=f"{track.name} (renamed)",
        program=track.program_id,
        session_type=track.session_type_id,
        weekdays=[str(day) for day in track.weekdays],
        start_time=track.start_time.strftime("%H:%M"),
        length_minutes=track.length_minutes,
        room=track.room_id,
        lead_counselor=track.lead_counselor_id,
        co_facilitator="",
        capacity=track.capacity,
        first_date=track.first_date,
        last_date="",
    )


def _enrollable(world):
    return (
        patients_visible_to(world.intake_user).filter(admissions__end_date__isnull=True).distinct()
    )


ENDPOINTS = [
    Endpoint(
        name="scheduling:mark-attendance",
        client="counselor_client",
        url=lambda w, c: reverse("scheduling:mark-attendance", args=[w.past_session.pk]),
        baseline=_attendance_payload,
        forms=_attendance_forms,
        watch=lambda w: (Attendee.objects.filter(session=w.past_session),),
    ),
    Endpoint(
        name="scheduling:session-notes",
        client="counselor_client",
        url=lambda w, c: reverse("scheduling:session-notes", args=[w.past_session.pk]),
        baseline=lambda w: one(notes="Talked about weekend plans."),
        forms=lambda w, d: [scheduling_forms.NotesForm(d, instance=fresh(w.past_session))],
        watch=lambda w: (Session.objects.filter(pk=w.past_session.pk),),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:reschedule-session",
        client="intake_client",
        url=lambda w, c: reverse("scheduling:reschedule-session", args=[w.future_session.pk]),
        baseline=lambda w: one(
            date=w.today + timedelta(days=8), start_time="11:00", minutes="50", room=w.room.pk
        ),
        forms=lambda w, d: [scheduling_forms.RescheduleForm(d)],
        edge_cases=(
            {"date": "9999-12-31", "start_time": "23:30"},
            {"date": "0001-01-01", "start_time": "00:00"},
            {"date": "2026-03-08", "start_time": "02:30"},
        ),
        watch=lambda w: (
            Session.objects.filter(pk=w.future_session.pk),
            Attendee.objects.filter(session=w.future_session),
            SessionCounselor.objects.filter(session=w.future_session),
        ),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:cancel-session",
        client="intake_client",
        url=lambda w, c: reverse("scheduling:cancel-session", args=[w.future_session.pk]),
        baseline=lambda w: one(reason="The counselor is ill."),
        forms=lambda w, d: [scheduling_forms.CancelForm(d)],
        watch=lambda w: (Session.objects.filter(pk=w.future_session.pk),),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:book-individual",
        client="counselor_client",
        url=lambda w, c: reverse("scheduling:book-individual"),
        baseline=lambda w: one(
            patient=w.patient.pk,
            counselor=w.counselor.pk,
            session_type=session_type("individual-counseling").pk,
            room=w.room.pk,
            date=w.today + timedelta(days=9),
            start_time="14:00",
            minutes="",
            confirm="on",
        ),
        forms=_individual_forms,
        edge_cases=(
            {"date": "9999-12-31", "start_time": "23:30"},
            {"date": "9999-12-31", "start_time": "16:00", "minutes": "480"},
            {"date": "0001-01-01", "start_time": "00:00"},
        ),
        watch=lambda w: (Session, Attendee),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:track-create",
        client="director_client",
        url=lambda w, c: reverse("scheduling:track-create"),
        baseline=_track_payload,
        forms=lambda w, d: [scheduling_forms.TrackForm(d)],
        edge_cases=(
            {"first_date": "9999-12-01", "last_date": "9999-12-31"},
            {"first_date": "0001-01-01", "start_time": "23:30"},
        ),
        watch=lambda w: (Track, Session),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:track-edit",
        client="director_client",
        url=lambda w, c: reverse("scheduling:track-edit", args=[w.track.pk]),
        baseline=lambda w: _track_payload(w, w.track),
        forms=lambda w, d: [scheduling_forms.TrackForm(d, instance=fresh(w.track))],
        watch=lambda w: (Track, Session),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:enroll",
        client="intake_client",
        url=lambda w, c: reverse("scheduling:enroll", args=[w.track.pk]),
        baseline=lambda w: one(patient=w.second_patient.pk, joined=w.today),
        forms=lambda w, d: [scheduling_forms.EnrollForm(d, patients=_enrollable(w))],
        watch=lambda w: (TrackEnrollment, Attendee),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:end-enrollment",
        client="intake_client",
        url=lambda w, c: reverse("scheduling:end-enrollment", args=[w.track.pk, w.enrollment.pk]),
        baseline=lambda w: one(
            last_day=w.today + timedelta(days=2),
            reason="Moving to the evening group for work.",
            confirmed="on",
        ),
        forms=lambda w, d: [scheduling_forms.EndEnrollmentForm(d)],
        watch=lambda w: (TrackEnrollment, Attendee),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:cancel-series",
        client="director_client",
        url=lambda w, c: reverse("scheduling:cancel-series", args=[w.track.pk]),
        baseline=lambda w: one(
            start=w.today + timedelta(days=7),
            reason="The group merges into the evening group.",
            confirmed="on",
        ),
        forms=lambda w, d: [scheduling_forms.CancelSeriesForm(d)],
        edge_cases=({"start": "9999-12-31"}, {"start": "0001-01-01"}),
        watch=lambda w: (Track, Session),
        strict_redirect=True,
    ),
    Endpoint(
        name="scheduling:week (GET)",
        client="intake_client",
        method="get",
        url=lambda w, c: reverse("scheduling:week"),
        baseline=lambda w: one(date=w.today, show=f"room-{w.room.pk}"),
        forms=lambda w, d: [scheduling_forms.WeekForm(d, can_choose=True)],
        writes=False,
    ),
    Endpoint(
        name="scheduling:caseload (GET)",
        client="director_client",
        method="get",
        url=lambda w, c: reverse("scheduling:caseload"),
        baseline=lambda w: one(date=w.today, counselor=w.counselor.pk),
        writes=False,
    ),
]

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "scheduling:print-attendance": "no input",
    "scheduling:home": "redirect (keeps the query string for the week)",
    "scheduling:session-detail": "no input",
    "scheduling:mark-all-present": "POST without fields",
    "scheduling:patient-attendance": "no input",
    "scheduling:track-list": "no input",
    "scheduling:track-detail": "no input",
    "scheduling:calendar-feed": "no input",
    "scheduling:reset-calendar-feed": "POST without fields",
    "scheduling:ical-feed": "the token only (404 when unknown)",
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
