"""Groups: the timetable, a track's members, enrolling and leaving, the pattern."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import Action, record
from accounts.decorators import role_required
from accounts.roles import DIRECTOR, INTAKE, roles_of
from intake.access import patients_visible_to
from intake.models import Patient
from scheduling import clinictime, services
from scheduling.access import (
    get_track_for_user,
    leads_track,
    sees_everything,
)
from scheduling.audit import record_for_patients
from scheduling.forms import CancelSeriesForm, EndEnrollmentForm, EnrollForm, TrackForm
from scheduling.models import Track
from scheduling.views.common import STAFF

NEW_TRACK_WEEKS = 4


@role_required(*STAFF)
def track_list(request: HttpRequest) -> HttpResponse:
    today = clinictime.today()
    tracks = Track.objects.select_related(
        "program", "room", "lead_counselor", "co_facilitator", "session_type"
    ).annotate(
        enrolled=Count(
            "enrollments",
            filter=Q(enrollments__joined__lte=today)
            & (Q(enrollments__left__isnull=True) | Q(enrollments__left__gt=today)),
        )
    )
    return render(
        request,
        "scheduling/track_list.html",
        {"tracks": tracks, "may_edit": DIRECTOR in roles_of(request.user)},
    )


def _render_track(
    request: HttpRequest,
    track: Track,
    *,
    enroll_form: EnrollForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    enrollments = list(track.enrollments.select_related("patient").order_by("-joined", "pk"))
    if not (sees_everything(user) or leads_track(user, track)):
        visible = set(
            patients_visible_to(user)
            .filter(pk__in=[e.patient_id for e in enrollments])
            .values_list("pk", flat=True)
        )
        hidden = sum(1 for e in enrollments if e.patient_id not in visible)
        enrollments = [e for e in enrollments if e.patient_id in visible]
    else:
        hidden = 0
    today = clinictime.today()
    may_enroll = sees_everything(user)
    record_for_patients(
        request, Action.VIEW, obj=track, patients=[e.patient for e in enrollments], detail="track"
    )
    return render(
        request,
        "scheduling/track_detail.html",
        {
            "track": track,
            "current": [e for e in enrollments if e.is_active_on(today) or e.joined > today],
            "past": [e for e in enrollments if e.left is not None and e.left <= today],
            "hidden_count": hidden,
            "may_enroll": may_enroll,
            "may_edit": DIRECTOR in roles_of(user),
            "enroll_form": enroll_form
            or (
                EnrollForm(initial={"joined": today}, patients=_enrollable(user))
                if may_enroll
                else None
            ),
            "today": today,
        },
        status=status,
    )


def _enrollable(user) -> QuerySet[Patient]:
    return (
        patients_visible_to(user)
        .filter(admissions__end_date__isnull=True)
        .distinct()
        .order_by("legal_last_name", "legal_first_name")
    )


@role_required(*STAFF)
def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_track(request, get_track_for_user(request.user, pk))


def _add_service_error(form: Form, exc: services.ScheduleError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


@role_required(INTAKE, DIRECTOR)
@require_POST
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_track_for_user(request.user, pk)
    form = EnrollForm(request.POST, patients=_enrollable(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            enrollment, result = services.enroll_patient(
                track=track,
                patient=data["patient"],
                joined=data["joined"],
                exception_reason=data["exception_reason"] or "",
                by=request.user,
                request=request,
            )
        except services.EnrollmentError as exc:
            _add_service_error(form, exc)
        else:
            exception = " as an exception to their care" if enrollment.is_exception else ""
            messages.success(request, f"Enrolled in {track.name}{exception}.")
            for problem in result.problems:
                messages.warning(request, problem)
            return redirect(track)
    return _render_track(request, track, enroll_form=form, status=400)


@role_required(INTAKE, DIRECTOR)
def end_enrollment(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    """Two steps: the last day and the reason, then a confirmation listing the sessions
    the patient comes off; only the confirmed form ends the enrollment."""
    track = get_track_for_user(request.user, pk)
    enrollment = get_object_or_404(
        track.enrollments.select_related("track", "patient"), pk=enrollment_pk
    )
    today = clinictime.today()
    form = EndEnrollmentForm(request.POST or None, initial={"last_day": today})
    affected = None
    if request.method == "POST" and form.is_valid():
        left = form.cleaned_data["last_day"] + timedelta(days=1)
        if form.cleaned_data["confirmed"]:
            try:
                services.end_enrollment(
                    enrollment=enrollment,
                    left=left,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
            except services.EnrollmentError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, "Enrollment ended.")
                return redirect(track)
        else:
            affected = services.sessions_left(enrollment=enrollment, left=left, today=today)
    record(request, Action.VIEW, obj=track, patient=enrollment.patient, detail="end enrollment")
    return render(
        request,
        "scheduling/end_enrollment.html",
        {"track": track, "enrollment": enrollment, "form": form, "affected": affected},
        status=400 if form.errors else 200,
    )


@role_required(DIRECTOR)
def cancel_series(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the first date and the reason, then a confirmation listing every
    session that will be cancelled; only the confirmed form cancels them."""
    track = get_track_for_user(request.user, pk)
    form = CancelSeriesForm(request.POST or None, initial={"start": clinictime.today()})
    affected = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["confirmed"]:
            try:
                cancelled = services.cancel_series(
                    track=track,
                    start=data["start"],
                    reason=data["reason"],
                    by=request.user,
                    request=request,
                )
            except services.SessionError as exc:
                _add_service_error(form, exc)
            else:
                noun = "session" if len(cancelled) == 1 else "sessions"
                messages.success(request, f"{track.name}: {len(cancelled)} {noun} cancelled.")
                return redirect(track)
        else:
            affected = services.series_to_cancel(
                track=track, start=data["start"], now=timezone.now()
            )
    return render(
        request,
        "scheduling/cancel_series.html",
        {"track": track, "form": form, "affected": affected},
        status=400 if form.errors else 200,
    )


@role_required(DIRECTOR)
def track_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    track = get_track_for_user(request.user, pk) if pk else None
    form = TrackForm(request.POST or None, instance=track)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
                if track is None:
                    start = max(clinictime.today(), saved.first_date)
                    result = services.generate_track_sessions(
                        track=saved, start=start, end=start + timedelta(weeks=NEW_TRACK_WEEKS)
                    )
                else:
                    result = services.update_track_pattern(track=saved)
        except services.BookingConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{saved.name} saved.")
            for problem in result.problems:
                messages.warning(request, problem)
            return redirect(saved)
    return render(request, "scheduling/track_form.html", {"form": form, "track": track})
