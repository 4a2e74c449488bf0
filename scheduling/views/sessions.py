"""One session: its roster and attendance, notes, moving and cancelling; booking an
individual session."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.audit import Action
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR, roles_of
from intake.access import patients_visible_to
from scheduling import clinictime, services, session_actions
from scheduling.access import (
    can_change_session,
    can_take_attendance,
    get_session_for_user,
    runs_session,
    sees_everything,
)
from scheduling.audit import record_for_patients
from scheduling.forms import (
    AttendanceForm,
    CancelForm,
    IndividualSessionForm,
    NotesForm,
    RescheduleForm,
    counselors,
    staff_name,
)
from scheduling.models import Attendee, Session, TrackEnrollment
from scheduling.views.common import STAFF, week_query


def _roster(user, session: Session) -> tuple[list[Attendee], int]:
    """The attendees this user may see, and how many others there are."""
    attendees = list(session.attendees.select_related("patient", "marked_by"))
    if sees_everything(user) or runs_session(user, session):
        return attendees, 0
    visible = set(
        patients_visible_to(user)
        .filter(pk__in=[a.patient_id for a in attendees])
        .values_list("pk", flat=True)
    )
    shown = [a for a in attendees if a.patient_id in visible]
    return shown, len(attendees) - len(shown)


def _attendance_form(attendee: Attendee, session: Session, data=None) -> AttendanceForm:
    initial = {"attendance": attendee.attendance or None}
    if attendee.attendance in ("late", "left_early"):
        initial["minutes"] = attendee.minutes_attended
    return AttendanceForm(
        data, prefix=f"a{attendee.pk}", initial=initial, session_minutes=session.minutes
    )


def _exception_reasons(session: Session) -> dict[int, str]:
    """Patient id -> why they are in this group although their care does not match it."""
    if not session.track_id:
        return {}
    rows = (
        TrackEnrollment.objects.filter(track_id=session.track_id)
        .on(session.occurrence_date)
        .exclude(exception_reason="")
        .values_list("patient_id", "exception_reason")
    )
    return dict(rows)


def _render_session(
    request: HttpRequest,
    session: Session,
    *,
    forms: dict[int, AttendanceForm] | None = None,
    notes_form: NotesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    attendees, hidden = _roster(user, session)
    may_mark = can_take_attendance(user, session)
    exceptions = _exception_reasons(session)
    rows = []
    for attendee in attendees:
        form = None
        if may_mark:
            form = (forms or {}).get(attendee.pk) or _attendance_form(attendee, session)
        rows.append((attendee, form, exceptions.get(attendee.patient_id, "")))
    record_for_patients(
        request, Action.VIEW, obj=session, patients=[a.patient for a in attendees], detail="roster"
    )
    return render(
        request,
        "scheduling/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "hidden_count": hidden,
            "may_mark": may_mark,
            # attendance taken: the session is a record now, no longer moved or cancelled
            "may_change": can_change_session(user, session)
            and not session.attendees.exclude(attendance="").exists(),
            "attendance_open": may_mark and session.has_started() and not session.is_cancelled,
            "any_unmarked": any(not a.is_marked for a in attendees),
            "notes_form": notes_form or (NotesForm(instance=session) if may_mark else None),
            "counselor_names": [
                staff_name(link.counselor) for link in session.counselor_links.all()
            ],
            "week_url": reverse("scheduling:week")
            + week_query(clinictime.local(session.start).date()),
            "actions": session_actions.actions_for(request, session, attendees),
        },
        status=status,
    )


@role_required(*STAFF)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    return _render_session(request, session)


def _session_to_mark(request: HttpRequest, pk: int) -> Session:
    session = get_session_for_user(request.user, pk)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    return session


@role_required(COUNSELOR, DIRECTOR)
@require_POST
def mark_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_mark(request, pk)
    attendees = list(session.attendees.select_related("patient"))
    forms = {a.pk: _attendance_form(a, session, request.POST) for a in attendees}
    if not all(form.is_valid() for form in forms.values()):
        messages.error(request, "Attendance was not saved: please correct the marked rows.")
        return _render_session(request, session, forms=forms, status=400)
    marks = {
        pk: (form.cleaned_data["attendance"], form.cleaned_data.get("minutes"))
        for pk, form in forms.items()
        if form.cleaned_data["attendance"]
    }
    try:
        changed = services.mark_attendance(
            session=session, marks=marks, by=request.user, request=request
        )
    except services.AttendanceError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    _say_saved(request, changed)
    return redirect(session)


@role_required(COUNSELOR, DIRECTOR)
@require_POST
def mark_all_present(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_mark(request, pk)
    try:
        changed = services.mark_all_present(session=session, by=request.user, request=request)
    except services.AttendanceError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    _say_saved(request, changed)
    return redirect(session)


def _say_saved(request: HttpRequest, changed: list[Attendee]) -> None:
    if not changed:
        messages.info(request, "Nothing changed.")
        return
    noun = "patient" if len(changed) == 1 else "patients"
    messages.success(request, f"Attendance saved for {len(changed)} {noun}.")


@role_required(COUNSELOR, DIRECTOR)
@require_POST
def save_notes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_mark(request, pk)
    form = NotesForm(request.POST, instance=session)
    if not form.is_valid():
        return _render_session(request, session, notes_form=form, status=400)
    services.save_session_notes(
        session=session, notes=form.cleaned_data["notes"], by=request.user, request=request
    )
    messages.success(request, "Notes saved.")
    return redirect(session)


def _session_to_change(request: HttpRequest, pk: int) -> Session:
    session = get_session_for_user(request.user, pk)
    if not can_change_session(request.user, session):
        raise PermissionDenied
    return session


def _refuse_change(request: HttpRequest, session: Session) -> HttpResponse | None:
    if session.is_cancelled:
        messages.error(request, "This session is cancelled.")
        return redirect(session)
    if session.attendees.exclude(attendance="").exists():
        messages.error(request, "Attendance has been taken for this session; it stays as it is.")
        return redirect(session)
    return None


@role_required(*STAFF)
def reschedule_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_change(request, pk)
    if refusal := _refuse_change(request, session):
        return refusal
    form = RescheduleForm(request.POST or None, initial=RescheduleForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reschedule_session(
                session=session,
                start=data["start"],
                minutes=data["minutes"],
                room=data["room"],
                by=request.user,
                request=request,
            )
        except services.BookingConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Session moved.")
            return redirect(session)
    return render(
        request,
        "scheduling/session_form.html",
        {"form": form, "session": session, "action": "move"},
    )


@role_required(*STAFF)
def cancel_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_change(request, pk)
    if refusal := _refuse_change(request, session):
        return refusal
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session=session,
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except services.SessionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Session cancelled.")
        return redirect(session)
    return render(
        request,
        "scheduling/session_form.html",
        {"form": form, "session": session, "action": "cancel"},
    )


@role_required(*STAFF)
def book_individual(request: HttpRequest) -> HttpResponse:
    user = request.user
    patients = (
        patients_visible_to(user)
        .filter(admissions__end_date__isnull=True)
        .distinct()
        .order_by("legal_last_name", "legal_first_name")
    )
    counselor_choices = counselors() if sees_everything(user) else counselors().filter(pk=user.pk)
    initial = {"counselor": user.pk} if COUNSELOR in roles_of(user) else {}
    form = IndividualSessionForm(
        request.POST or None,
        initial=initial,
        patients=patients,
        counselor_choices=counselor_choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.book_individual_session(
                patient=data["patient"],
                counselor=data["counselor"],
                room=data["room"],
                start=data["start"],
                minutes=data["minutes"],
                session_type=data["session_type"],
                by=user,
                request=request,
            )
        except services.BookingConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"{session.session_type.name} booked.")
            return redirect(session)
    return render(request, "scheduling/individual_form.html", {"form": form})
