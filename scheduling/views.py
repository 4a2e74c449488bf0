from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import Action, record
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, roles_of
from intake.access import get_patient_for_user, patients_visible_to
from intake.models import Patient
from programs.models import Program
from scheduling import clinictime, hooks, hours, ical, records, services
from scheduling.access import (
    can_change_session,
    can_take_attendance,
    get_session_for_user,
    get_track_for_user,
    leads_track,
    runs_session,
    sees_everything,
)
from scheduling.audit import record_for_patients
from scheduling.forms import (
    AttendanceForm,
    CancelForm,
    EndEnrollmentForm,
    EnrollForm,
    IndividualSessionForm,
    NotesForm,
    RescheduleForm,
    TrackForm,
    WeekForm,
    counselors,
    staff_name,
)
from scheduling.models import Attendee, CalendarFeed, Room, Session, Track
from scheduling.weekgrid import build_week

STAFF = (INTAKE, COUNSELOR, DIRECTOR)
NEW_TRACK_WEEKS = 4


def _week_query(day: date, show: str = "") -> str:
    params = {"date": day.isoformat()}
    if show:
        params["show"] = show
    return "?" + urlencode(params)


# ---------------------------------------------------------------- the week


@dataclass
class Scope:
    """Whose (or what) schedule the week shows."""

    label: str
    sessions: QuerySet[Session]
    show: str = ""
    shows_counselors: bool = False


def _scope(user, show: str) -> Scope:
    kind, _, key = show.partition("-")
    if kind == "counselor":
        counselor = get_object_or_404(counselors(), pk=key)
        return Scope(
            f"{staff_name(counselor)}'s week",
            Session.objects.filter(counselor_links__counselor=counselor),
            show,
        )
    if kind == "room":
        room = get_object_or_404(Room, pk=key)
        return Scope(f"{room.name}", Session.objects.filter(room=room), show, True)
    if kind == "program":
        program = get_object_or_404(Program, code=key)
        return Scope(f"{program.name} ({program.code})", _program_sessions(program), show, True)
    if COUNSELOR in roles_of(user):
        return Scope("My week", Session.objects.filter(counselor_links__counselor=user))
    program = Program.objects.filter(code=Program.Code.IOP).first()
    if program is None:
        return Scope("All sessions", Session.objects.all(), shows_counselors=True)
    return Scope(
        f"{program.name} ({program.code})",
        _program_sessions(program),
        f"program-{program.code}",
        True,
    )


def _program_sessions(program: Program) -> QuerySet[Session]:
    """The program's group sessions and the individual sessions of its patients."""
    individual = Attendee.objects.filter(
        session__track__isnull=True,
        patient__admissions__program=program,
        patient__admissions__end_date__isnull=True,
    ).values("session_id")
    return Session.objects.filter(Q(track__program=program) | Q(pk__in=individual))


@role_required(*STAFF)
def schedule_home(request: HttpRequest) -> HttpResponse:
    url = reverse("scheduling:week")
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@role_required(*STAFF)
def week(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clinictime.today()
    form = WeekForm(request.GET or None, can_choose=sees_everything(user))
    day, show = today, ""
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["date"] or today
        show = form.cleaned_data.get("show", "")
    monday = clinictime.monday_of(day)
    scope = _scope(user, show)
    sessions = list(scope.sessions.in_week(monday).for_calendar().prefetch_related("counselors"))
    grid = build_week(sessions, monday=monday, today=today)
    if not form.is_bound:
        form.initial = {"date": day, "show": scope.show}
    types = {s.session_type.slug: s.session_type for s in sessions}
    return render(
        request,
        "scheduling/week.html",
        {
            "form": form,
            "grid": grid,
            "scope": scope,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "is_this_week": monday == clinictime.monday_of(today),
            "previous_url": _week_query(monday - timedelta(days=7), scope.show),
            "next_url": _week_query(monday + timedelta(days=7), scope.show),
            "today_url": _week_query(today, scope.show),
            "legend": sorted(types.values(), key=lambda t: (t.order, t.name)),
            "can_book": True,
        },
    )


# ---------------------------------------------------------------- one session


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
    rows = []
    for attendee in attendees:
        form = None
        if may_mark:
            form = (forms or {}).get(attendee.pk) or _attendance_form(attendee, session)
        rows.append((attendee, form))
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
            + _week_query(clinictime.local(session.start).date()),
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
        changed = services.mark_attendance(session=session, marks=marks, by=request.user)
    except services.AttendanceError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    _record_attendance(request, session, changed)
    return redirect(session)


@role_required(COUNSELOR, DIRECTOR)
@require_POST
def mark_all_present(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_mark(request, pk)
    try:
        changed = services.mark_all_present(session=session, by=request.user)
    except services.AttendanceError as exc:
        messages.error(request, str(exc))
        return redirect(session)
    _record_attendance(request, session, changed)
    return redirect(session)


def _record_attendance(request: HttpRequest, session: Session, changed: list[Attendee]) -> None:
    if not changed:
        messages.info(request, "Nothing changed.")
        return
    patients = Patient.objects.filter(pk__in=[a.patient_id for a in changed])
    record_for_patients(request, Action.CHANGE, obj=session, patients=patients, detail="attendance")
    noun = "patient" if len(changed) == 1 else "patients"
    messages.success(request, f"Attendance saved for {len(changed)} {noun}.")


@role_required(COUNSELOR, DIRECTOR)
@require_POST
def save_notes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_mark(request, pk)
    form = NotesForm(request.POST, instance=session)
    if not form.is_valid():
        return _render_session(request, session, notes_form=form, status=400)
    services.save_session_notes(session=session, notes=form.cleaned_data["notes"], by=request.user)
    record(request, Action.CHANGE, obj=session, detail="session notes")
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
            )
        except services.BookingConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            record(request, Action.CHANGE, obj=session, detail="rescheduled")
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
        services.cancel_session(
            session=session, reason=form.cleaned_data["reason"], by=request.user
        )
        record(request, Action.CHANGE, obj=session, detail="cancelled")
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
            )
        except services.BookingConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            record(request, Action.CREATE, obj=session, patient=data["patient"], detail="booked")
            messages.success(request, f"{session.session_type.name} booked.")
            return redirect(session)
    return render(request, "scheduling/individual_form.html", {"form": form})


# ---------------------------------------------------------------- hours


def _caseload_columns(loads: list[hours.CounselorCaseload]) -> list:
    """What other apps add to each caseload row (scheduling.hooks), set on the rows."""
    ids = [row.admission.patient_id for load in loads for row in load.rows]
    columns = hooks.caseload_columns(ids) if ids else []
    for load in loads:
        for row in load.rows:
            row.extras = [values.get(row.admission.patient_id, []) for _, values in columns]
    return columns


@role_required(*STAFF)
def caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clinictime.today()
    day = clinictime.parse_date(request.GET.get("date")) or today
    monday = clinictime.monday_of(day)
    choices: list = []
    selected = None
    if sees_everything(user):
        choices = list(counselors())
        wanted = request.GET.get("counselor", "")
        selected = next((c for c in choices if str(c.pk) == wanted), None)
        shown = [selected] if selected else choices
    else:
        shown = [user]
    loads = hours.caseloads(counselors=shown, monday=monday, today=today)
    columns = _caseload_columns(loads)
    record_for_patients(
        request,
        Action.VIEW,
        obj=None,
        patients=[row.patient for load in loads for row in load.rows],
        detail="caseload hours",
    )
    counselor_param = {"counselor": selected.pk} if selected else {}
    return render(
        request,
        "scheduling/caseload.html",
        {
            "loads": loads,
            "columns": [title for title, _ in columns],
            "choices": choices,
            "selected": selected,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "is_this_week": monday == clinictime.monday_of(today),
            "week_is_over": today > monday + timedelta(days=6),
            "previous_url": "?"
            + urlencode({"date": monday - timedelta(days=7), **counselor_param}),
            "next_url": "?" + urlencode({"date": monday + timedelta(days=7), **counselor_param}),
            "today_url": "?" + urlencode(counselor_param) if counselor_param else "?",
            "billable_code": hours.BILLABLE_CODE,
        },
    )


@role_required(*STAFF)
def patient_attendance(request: HttpRequest, patient_uuid) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_uuid)
    admission = patient.admissions.filter(end_date__isnull=True).select_related("program").first()
    weeks = hours.patient_weeks(
        patient=patient,
        program=admission.program if admission else None,
        today=clinictime.today(),
    )
    record(request, Action.VIEW, obj=patient, patient=patient, detail="attendance by week")
    return render(
        request,
        "scheduling/patient_attendance.html",
        {
            "patient": patient,
            "admission": admission,
            "weeks": weeks,
            "billable_code": hours.BILLABLE_CODE,
            "this_monday": clinictime.monday_of(clinictime.today()),
        },
    )


@role_required(*STAFF)
def print_attendance(request: HttpRequest, patient_uuid) -> HttpResponse:
    """The attendance page as a record to print, oldest week first, between two copies of
    the 42 CFR 2.32 notice. A counselor prints only patients they may see (else 404)."""
    patient = get_patient_for_user(request.user, patient_uuid)
    record(request, Action.PRINT, obj=patient, patient=patient, detail="attendance")
    return render(
        request,
        "scheduling/attendance_print.html",
        {
            **records.attendance_context(patient=patient),
            "patient": patient,
            "printed_at": timezone.now(),
        },
    )


# ---------------------------------------------------------------- calendar feed


@role_required(*STAFF)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("scheduling:ical-feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "scheduling/calendar_feed.html", {"feed": feed, "feed_url": url})


@role_required(*STAFF)
@require_POST
def reset_calendar_feed(request: HttpRequest) -> HttpResponse:
    feed, created = CalendarFeed.objects.get_or_create(user=request.user)
    if not created:
        feed.reset()
        messages.success(
            request, "You have a new link. The old one no longer works: update your calendar app."
        )
    else:
        messages.success(request, "Your private calendar link is ready.")
    return redirect("scheduling:calendar-feed")


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the key. No patient data in it."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            counselor_links__counselor=feed.user,
            start__gte=now - timedelta(days=ical.PAST_DAYS),
            start__lt=now + timedelta(days=ical.FUTURE_DAYS),
        )
        .select_related("session_type", "track", "room")
        .order_by("start")
    )
    body = ical.build_calendar(sessions, owner=staff_name(feed.user), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# ---------------------------------------------------------------- tracks


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


@role_required(INTAKE, DIRECTOR)
@require_POST
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_track_for_user(request.user, pk)
    form = EnrollForm(request.POST, patients=_enrollable(request.user))
    if form.is_valid():
        patient = form.cleaned_data["patient"]
        try:
            _, result = services.enroll_patient(
                track=track, patient=patient, joined=form.cleaned_data["joined"], by=request.user
            )
        except services.EnrollmentError as exc:
            form.add_error(None, str(exc))
        else:
            record(request, Action.CHANGE, obj=track, patient=patient, detail="enrolled")
            messages.success(request, f"Enrolled in {track.name}.")
            for problem in result.problems:
                messages.warning(request, problem)
            return redirect(track)
    return _render_track(request, track, enroll_form=form, status=400)


@role_required(INTAKE, DIRECTOR)
@require_POST
def end_enrollment(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    track = get_track_for_user(request.user, pk)
    enrollment = get_object_or_404(track.enrollments.select_related("track"), pk=enrollment_pk)
    form = EndEnrollmentForm(request.POST)
    if form.is_valid():
        try:
            services.end_enrollment(
                enrollment=enrollment, left=form.cleaned_data["left"] + timedelta(days=1)
            )
        except services.EnrollmentError as exc:
            messages.error(request, str(exc))
        else:
            record(
                request, Action.CHANGE, obj=track, patient=enrollment.patient, detail="left track"
            )
            messages.success(request, "Enrollment ended.")
    else:
        messages.error(request, "Enter the last day in the group.")
    return redirect(track)


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
