"""Scheduling workflows: each runs in one transaction and leaves nothing half-saved.

Every change of a session or an enrollment writes its audit event inside that same
transaction, so the change and its trail commit together or not at all. `request` is
passed for the audit trail (address, browser); code without one (demo data, commands)
passes None and the acting user as `by`.

The database refuses double bookings (exclusion constraints, see models.py); these
functions turn its refusal into a BookingConflict that names the session in the way,
without patient names (a counselor may not be allowed to see who is in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.validators import clean_reason, validate_date_between
from intake.models import Admission, Patient
from scheduling import clinictime, feedcache, limits
from scheduling.audit import record_for_patients
from scheduling.models import (
    PARTIAL_ATTENDANCE,
    Attendance,
    Attendee,
    Room,
    Session,
    SessionCounselor,
    SessionType,
    Track,
    TrackEnrollment,
)

EXCLUSION_VIOLATION = "23P01"


class BookingConflict(Exception):
    """Someone or something is already booked at that time; `messages` say by what."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


Action = audit.Action


def _audit(
    request: HttpRequest | None,
    by: User | None,
    action: str,
    *,
    obj: Model,
    patients: Iterable[Patient] = (),
    detail: str = "",
) -> None:
    """One event per patient concerned (or one without a patient), as `by`."""
    patients = list(patients)
    if len(patients) > 1:
        record_for_patients(request, action, obj=obj, patients=patients, detail=detail, user=by)
        return
    patient = patients[0] if patients else None
    audit.record(request, action, obj=obj, patient=patient, detail=detail, user=by)


class ScheduleError(Exception):
    """A refused change; `field` names the form field the message belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EnrollmentError(ScheduleError):
    pass


class AttendanceError(Exception):
    pass


class SessionError(ScheduleError):
    """A change the session's or series' state does not allow (e.g. cancelling twice)."""


# ---------------------------------------------------------------- clashes


def find_clashes(
    *,
    start: datetime,
    end: datetime,
    room: Room | None = None,
    counselor_ids: Iterable[int] = (),
    patient_ids: Iterable[int] = (),
    exclude_session_id: int | None = None,
) -> list[str]:
    """What already occupies the room, the counselors or the patients in [start, end)."""
    messages: list[str] = []
    if room is not None:
        taken = (
            Session.objects.scheduled()
            .between(start, end)
            .filter(room=room)
            .exclude(pk=exclude_session_id)
            .select_related("session_type", "track", "room")
            .first()
        )
        if taken:
            messages.append(f"{room.name} is already booked for {taken.describe()}.")
    counselor_ids = list(counselor_ids)
    if counselor_ids:
        links = (
            SessionCounselor.objects.filter(
                active=True, counselor_id__in=counselor_ids, start__lt=end, end__gt=start
            )
            .exclude(_same_session(exclude_session_id))
            .select_related("counselor", "session__session_type", "session__track", "session__room")
            .order_by("start")
        )
        for link in links:
            name = link.counselor.get_full_name() or link.counselor.get_username()
            messages.append(f"{name} is already in {link.session.describe()}.")
    patient_ids = list(patient_ids)
    if patient_ids:
        rows = (
            Attendee.objects.filter(
                active=True, patient_id__in=patient_ids, start__lt=end, end__gt=start
            )
            .exclude(_same_session(exclude_session_id))
            .select_related("session__session_type", "session__track", "session__room")
            .order_by("start")
        )
        for row in rows:
            who = "The patient is" if len(patient_ids) == 1 else "A patient in this group is"
            messages.append(f"{who} already in {row.session.describe()}.")
    return messages


def _same_session(pk: int | None) -> Q:
    """Rows of session `pk` (none when `pk` is None): a session never clashes with itself."""
    return Q(session_id=pk) if pk is not None else Q(pk__in=[])


def _exclusion_constraint(exc: IntegrityError) -> str | None:
    cause = exc.__cause__
    if getattr(cause, "pgcode", None) != EXCLUSION_VIOLATION:
        return None
    diag = getattr(cause, "diag", None)
    return getattr(diag, "constraint_name", None) or "exclusion"


def _conflict(exc: IntegrityError, **clash_args: Any) -> BookingConflict:
    """The BookingConflict for an exclusion violation; anything else is re-raised."""
    if _exclusion_constraint(exc) is None:
        raise exc
    messages = find_clashes(**clash_args)
    if not messages:
        # the other booking was undone between its commit and our look
        messages = ["That time was taken a moment ago. Please check the schedule and try again."]
    return BookingConflict(messages)


def _sync_copies(session: Session) -> None:
    """Copy the session's time and status onto its counselor and attendee rows."""
    active = session.status == Session.Status.SCHEDULED
    SessionCounselor.objects.filter(session=session).update(
        start=session.start, end=session.end, active=active
    )
    Attendee.objects.filter(session=session).update(
        start=session.start, end=session.end, active=active
    )


# ---------------------------------------------------------------- individual sessions


def book_individual_session(
    *,
    patient: Patient,
    counselor: User,
    room: Room,
    start: datetime,
    minutes: int,
    session_type: SessionType,
    by: User,
    request: HttpRequest | None = None,
) -> Session:
    end = start + timedelta(minutes=minutes)
    try:
        with transaction.atomic():
            session = Session.objects.create(
                session_type=session_type, start=start, end=end, room=room, created_by=by
            )
            SessionCounselor.objects.create(
                session=session, counselor=counselor, start=start, end=end
            )
            Attendee.objects.create(session=session, patient=patient, start=start, end=end)
            _audit(request, by, Action.CREATE, obj=session, patients=[patient], detail="booked")
    except IntegrityError as exc:
        raise _conflict(
            exc,
            start=start,
            end=end,
            room=room,
            counselor_ids=[counselor.pk],
            patient_ids=[patient.pk],
        ) from exc
    return session


def reschedule_session(
    *,
    session: Session,
    start: datetime,
    minutes: int,
    room: Room,
    by: User,
    request: HttpRequest | None = None,
) -> Session:
    """Move one session; a track's occurrence becomes an exception to its series."""
    end = start + timedelta(minutes=minutes)
    counselor_ids = list(session.counselor_links.values_list("counselor_id", flat=True))
    patient_ids = list(session.attendees.values_list("patient_id", flat=True))
    try:
        with transaction.atomic():
            session.start, session.end, session.room = start, end, room
            if session.track_id:
                session.is_moved = True
            session.save(update_fields=["start", "end", "room", "is_moved", "updated_at"])
            _sync_copies(session)
            _audit(request, by, Action.CHANGE, obj=session, detail="rescheduled")
    except IntegrityError as exc:
        session.refresh_from_db()
        raise _conflict(
            exc,
            start=start,
            end=end,
            room=room,
            counselor_ids=counselor_ids,
            patient_ids=patient_ids,
            exclude_session_id=session.pk,
        ) from exc
    except Exception:
        session.refresh_from_db()
        raise
    return session


def _cancel(session: Session, *, reason: str, by: User, now: datetime) -> None:
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason
    session.cancelled_at, session.cancelled_by = now, by
    session.save(
        update_fields=["status", "cancel_reason", "cancelled_at", "cancelled_by", "updated_at"]
    )
    _sync_copies(session)


@transaction.atomic
def cancel_session(
    *, session: Session, reason: str, by: User, request: HttpRequest | None = None
) -> Session:
    """Cancel one session with a reason (a sentence, see accounts.validators)."""
    reason = _reason(reason, "A cancellation needs a reason.", field="reason", error=SessionError)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise SessionError("This session is already cancelled.")
    _cancel(session, reason=reason, by=by, now=timezone.now())
    _audit(request, by, Action.CHANGE, obj=session, detail="cancelled")
    return session


@transaction.atomic
def save_session_notes(
    *, session: Session, notes: str, by: User, request: HttpRequest | None = None
) -> Session:
    session.notes = notes
    if session.track_id:
        session.is_edited = True
    session.save(update_fields=["notes", "is_edited", "updated_at"])
    _audit(request, by, Action.CHANGE, obj=session, detail="session notes")
    return session


# ---------------------------------------------------------------- attendance


def attended_minutes(*, attendance: str, minutes: int | None, session_minutes: int) -> int:
    """How much of the session counts as attended; raises AttendanceError on bad input."""
    if attendance == Attendance.PRESENT:
        return session_minutes
    if attendance in (Attendance.ABSENT, Attendance.EXCUSED):
        return 0
    if attendance in PARTIAL_ATTENDANCE:
        if minutes is None:
            raise AttendanceError("Enter the minutes attended.")
        if not 1 <= minutes < session_minutes:
            raise AttendanceError(f"Minutes attended must be between 1 and {session_minutes - 1}.")
        return minutes
    raise AttendanceError("Choose an attendance.")


@transaction.atomic
def mark_attendance(
    *,
    session: Session,
    marks: dict[int, tuple[str, int | None]],
    by: User,
    request: HttpRequest | None = None,
) -> list[Attendee]:
    """Record attendance for the attendees in `marks` (attendee id -> (attendance,
    minutes)); returns the rows that changed."""
    if session.is_cancelled:
        raise AttendanceError("This session was cancelled; there is no attendance to take.")
    if not session.has_started():
        raise AttendanceError("Attendance can be taken once the session has started.")
    now = timezone.now()
    changed = []
    for attendee in session.attendees.select_for_update().filter(pk__in=marks):
        attendance, minutes = marks[attendee.pk]
        value = attended_minutes(
            attendance=attendance, minutes=minutes, session_minutes=session.minutes
        )
        if attendee.attendance == attendance and attendee.minutes_attended == value:
            continue
        attendee.attendance, attendee.minutes_attended = attendance, value
        attendee.marked_at, attendee.marked_by = now, by
        changed.append(attendee)
    Attendee.objects.bulk_update(
        changed, ["attendance", "minutes_attended", "marked_at", "marked_by"]
    )
    if changed:
        patients = Patient.objects.filter(pk__in=[a.patient_id for a in changed])
        _audit(request, by, Action.CHANGE, obj=session, patients=patients, detail="attendance")
    return changed


def mark_all_present(
    *, session: Session, by: User, request: HttpRequest | None = None
) -> list[Attendee]:
    """Everyone not yet marked is present for the whole session."""
    unmarked = session.attendees.filter(attendance="").values_list("pk", flat=True)
    return mark_attendance(
        session=session,
        marks=dict.fromkeys(unmarked, (Attendance.PRESENT, None)),
        by=by,
        request=request,
    )


# ---------------------------------------------------------------- series


@dataclass
class SeriesResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    problems: list[str] = field(default_factory=list)


def generate_track_sessions(*, track: Track, start: date, end: date) -> SeriesResult:
    """Create the track's sessions for the dates in [start, end) that have none yet.

    Idempotent: a date that already has a session (kept, moved or cancelled) is left
    alone. An occurrence that would double-book its room or a counselor is skipped and
    reported; a patient who is elsewhere at that time is left off that session.
    """
    result = SeriesResult()
    with transaction.atomic():
        # one generator per track at a time; the unique (track, date) is the backstop
        track = Track.objects.select_for_update().get(pk=track.pk)
        dates = track.occurrence_dates(start, end)
        if not dates:
            return result
        existing = set(
            track.sessions.filter(occurrence_date__in=dates).values_list(
                "occurrence_date", flat=True
            )
        )
        enrollments = list(track.enrollments.overlapping(dates[0], dates[-1] + timedelta(1)))
        for day in dates:
            if day in existing:
                continue
            session = _create_occurrence(track, day, result)
            if session is None:
                continue
            result.created += 1
            wanted = [e.patient_id for e in enrollments if e.is_active_on(day)]
            _add_attendees(session, wanted, result)
    return result


def _create_occurrence(track: Track, day: date, result: SeriesResult) -> Session | None:
    start, end = track.occurrence_times(day)
    counselor_ids = track.counselor_ids()
    try:
        with transaction.atomic():
            session = Session.objects.create(
                session_type=track.session_type,
                track=track,
                occurrence_date=day,
                start=start,
                end=end,
                room=track.room,
            )
            SessionCounselor.objects.bulk_create(
                SessionCounselor(session=session, counselor_id=pk, start=start, end=end)
                for pk in counselor_ids
            )
            feedcache.counselors_changed(counselor_ids)  # bulk_create sends no signal
    except IntegrityError as exc:
        conflict = _conflict(
            exc, start=start, end=end, room=track.room, counselor_ids=counselor_ids
        )
        result.problems.append(
            f"{track.name} on {clinictime.day_display(day)}: not created. {conflict}"
        )
        return None
    return session


def _add_attendees(session: Session, patient_ids: Iterable[int], result: SeriesResult) -> None:
    rows = [
        Attendee(
            session=session,
            patient_id=pk,
            start=session.start,
            end=session.end,
            active=session.status == Session.Status.SCHEDULED,
        )
        for pk in patient_ids
    ]
    if not rows:
        return
    try:
        with transaction.atomic():
            Attendee.objects.bulk_create(rows)
        feedcache.sessions_changed([session.pk])  # bulk_create sends no signal
        return
    except IntegrityError as exc:
        if _exclusion_constraint(exc) is None:
            raise
    for row in rows:  # someone is elsewhere then: add the others one by one
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError as exc:
            if _exclusion_constraint(exc) is None:
                raise
            day = clinictime.day_display(clinictime.local(session.start).date())
            result.problems.append(
                f"{session.title} on {day}: a patient enrolled in the group is booked"
                " elsewhere at that time and was not added."
            )


def untouched_future_sessions(track: Track, now: datetime) -> QuerySet[Session]:
    """The track's sessions still following its rule: not moved, edited, cancelled or
    attended, and not yet started."""
    marked = Attendee.objects.filter(session_id=OuterRef("pk")).exclude(attendance="")
    return (
        track.sessions.scheduled()
        .filter(start__gt=now, is_moved=False, is_edited=False)
        .exclude(Exists(marked))
    )


def update_track_pattern(*, track: Track, now: datetime | None = None) -> SeriesResult:
    """After the track's rule changed (days, time, length, room, counselors, last date):
    future untouched occurrences follow the new rule, every other session stays as is.

    Occurrences that fall off the rule are removed; the dates up to the furthest one
    already generated are filled in. Raises BookingConflict (and changes nothing) when
    the new rule double-books someone or something.
    """
    now = now or timezone.now()
    today = clinictime.local(now).date()
    result = SeriesResult()
    with transaction.atomic():
        track = Track.objects.select_for_update().get(pk=track.pk)
        horizon = (
            track.sessions.filter(occurrence_date__gte=today)
            .order_by("-occurrence_date")
            .values_list("occurrence_date", flat=True)
            .first()
        )
        counselor_ids = track.counselor_ids()
        for session in untouched_future_sessions(track, now).order_by("start"):
            day = session.occurrence_date
            assert day is not None  # every session of a track has its occurrence date
            if not track.runs_on(day):
                # nobody attended it yet: its planned attendees and counselors go with it,
                # deliberately (the keys PROTECT, so no cascade can do this by accident)
                session.attendees.all().delete()
                session.counselor_links.all().delete()
                session.delete()
                result.removed += 1
                continue
            start, end = track.occurrence_times(day)
            try:
                with transaction.atomic():
                    session.start, session.end = start, end
                    session.room, session.session_type = track.room, track.session_type
                    session.save()
                    session.counselor_links.exclude(counselor_id__in=counselor_ids).delete()
                    have = set(session.counselor_links.values_list("counselor_id", flat=True))
                    SessionCounselor.objects.bulk_create(
                        SessionCounselor(session=session, counselor_id=pk, start=start, end=end)
                        for pk in counselor_ids
                        if pk not in have
                    )
                    feedcache.counselors_changed(set(counselor_ids) - have)
                    _sync_copies(session)
            except IntegrityError as exc:
                raise _conflict(
                    exc,
                    start=start,
                    end=end,
                    room=track.room,
                    counselor_ids=counselor_ids,
                    patient_ids=session.attendees.values_list("patient_id", flat=True),
                    exclude_session_id=session.pk,
                ) from exc
            result.updated += 1
        if horizon is not None:
            first = max(today, track.first_date)
            filled = generate_track_sessions(
                track=track, start=first, end=horizon + timedelta(days=1)
            )
            result.created += filled.created
            result.problems += filled.problems
    return result


# ---------------------------------------------------------------- enrollment


def _check_capacity(
    track: Track, joined: date, left: date | None, exclude_pk: int | None = None
) -> None:
    others = list(track.enrollments.overlapping(joined, left).exclude(pk=exclude_pk))
    # the head count only rises on someone's first day, so those are the days to check
    days = {joined} | {
        e.joined for e in others if e.joined > joined and (left is None or e.joined < left)
    }
    for day in sorted(days):
        count = sum(1 for e in others if e.is_active_on(day))
        if count >= track.capacity:
            raise EnrollmentError(
                f"{track.name} is full on {clinictime.day_display(day)} "
                f"({track.capacity} of {track.capacity} places taken)."
            )


def care_mismatch(*, track: Track, admission: Admission) -> str:
    """Why the patient's care does not match the track ('' when it does)."""
    if admission.program_id == track.program_id:
        return ""
    return (
        f"The patient is admitted to {admission.program.name}, and {track.name} belongs to "
        f"{track.program.name}: give the reason for this exception."
    )


def _check_joining(
    track: Track, admission: Admission | None, joined: date, left: date | None, today: date
) -> None:
    if admission is None:
        raise EnrollmentError(
            "The patient has no open admission: admit them before they join a group.",
            field="patient",
        )
    if joined < track.first_date or (track.last_date and joined > track.last_date):
        raise EnrollmentError(
            f"{track.name} does not run on {clinictime.day_display(joined)}.", field="joined"
        )
    if joined < admission.start_date:
        raise EnrollmentError(
            f"The patient was admitted on {clinictime.day_display(admission.start_date)}; "
            "they can't join a group before that.",
            field="joined",
        )
    try:
        validate_date_between(
            joined,
            earliest=admission.start_date,
            latest=today + timedelta(days=limits.FUTURE_DAYS),
            what="The joining date",
        )
    except ValidationError as exc:
        raise EnrollmentError(exc.messages[0], field="joined") from exc
    if left is not None and left <= joined:
        raise EnrollmentError("The leaving date must be after the joining date.", field="joined")


def enroll_patient(
    *,
    track: Track,
    patient: Patient,
    joined: date,
    left: date | None = None,
    exception_reason: str = "",
    by: User | None = None,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> tuple[TrackEnrollment, SeriesResult]:
    """Add a patient to a track from `joined` (until the day before `left`), within its
    capacity on every one of those days; their upcoming sessions list them.

    The patient needs an open admission that started by `joined`. One to another
    program than the track's needs `exception_reason` (a sentence), stored on the
    enrollment and shown wherever the enrollment is. `by` None is the system (demo data).
    """
    today = today or clinictime.today()
    with transaction.atomic():
        track = Track.objects.select_for_update().select_related("program").get(pk=track.pk)
        admission = (
            Admission.objects.select_for_update()
            .select_related("program")
            .filter(patient=patient, end_date__isnull=True)
            .first()
        )
        _check_joining(track, admission, joined, left, today)
        assert admission is not None
        mismatch = care_mismatch(track=track, admission=admission)
        if mismatch:
            exception_reason = _reason(exception_reason, mismatch, field="exception_reason")
        if track.enrollments.filter(patient=patient).overlapping(joined, left).exists():
            raise EnrollmentError("The patient is already enrolled in this group for those dates.")
        _check_capacity(track, joined, left)
        enrollment = TrackEnrollment.objects.create(
            track=track,
            patient=patient,
            joined=joined,
            left=left,
            exception_reason=exception_reason if mismatch else "",
            created_by=by,
        )
        result = sync_track_attendees(track=track, since=max(joined, today))
        detail = "enrolled by exception" if mismatch else "enrolled"
        _audit(request, by, Action.CHANGE, obj=track, patients=[patient], detail=detail)
    return enrollment, result


def _reason(
    value: str, missing: str, *, field: str, error: type[ScheduleError] = EnrollmentError
) -> str:
    """The reason, tidied; `error` (on `field`) when it is missing or not a sentence."""
    if not (value or "").strip():
        raise error(missing, field=field)
    try:
        return clean_reason(value)
    except ValidationError as exc:
        raise error(exc.messages[0], field=field) from exc


def sessions_left(*, enrollment: TrackEnrollment, left: date, today: date) -> list[Session]:
    """The track's coming sessions the patient comes off when leaving on `left`."""
    return list(
        enrollment.track.sessions.scheduled()
        .filter(
            occurrence_date__gte=max(left, today),
            attendees__patient_id=enrollment.patient_id,
            attendees__attendance="",
        )
        .order_by("start")
    )


def _check_leaving(enrollment: TrackEnrollment, left: date, today: date) -> None:
    if enrollment.left is not None and enrollment.left <= today:
        raise EnrollmentError("This enrollment has already ended.")
    try:
        validate_date_between(
            left - timedelta(days=1),
            earliest=max(
                enrollment.joined, today - timedelta(days=limits.ENROLLMENT_END_PAST_DAYS)
            ),
            latest=today + timedelta(days=limits.FUTURE_DAYS),
            what="The last day in the group",
        )
    except ValidationError as exc:
        raise EnrollmentError(exc.messages[0], field="left") from exc


def end_enrollment(
    *,
    enrollment: TrackEnrollment,
    left: date,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> SeriesResult:
    """The patient leaves the track on `left` (their first day no longer in it), for a
    reason stored on the enrollment."""
    today = today or clinictime.today()
    with transaction.atomic():
        Track.objects.select_for_update().get(pk=enrollment.track_id)
        enrollment = TrackEnrollment.objects.select_related("track", "patient").get(
            pk=enrollment.pk
        )
        _check_leaving(enrollment, left, today)
        reason = _reason(reason, "Give the reason the patient leaves the group.", field="reason")
        enrollment.left, enrollment.end_reason = left, reason
        enrollment.ended_at, enrollment.ended_by = timezone.now(), by
        enrollment.save(update_fields=["left", "end_reason", "ended_at", "ended_by"])
        result = sync_track_attendees(track=enrollment.track, since=max(left, today))
        _audit(
            request,
            by,
            Action.CHANGE,
            obj=enrollment.track,
            patients=[enrollment.patient],
            detail="left track",
        )
    return result


# ---------------------------------------------------------------- cancelling a series


def series_to_cancel(*, track: Track, start: date, now: datetime) -> list[Session]:
    """The track's scheduled sessions from `start` on that have not begun."""
    return list(
        track.sessions.scheduled()
        .filter(occurrence_date__gte=start, start__gt=now)
        .select_related("room")
        .order_by("start")
    )


def _check_series_start(track: Track, start: date, today: date) -> None:
    if track.series_cancelled_from is not None:
        raise SessionError("The rest of this series is already cancelled.")
    latest = today + timedelta(days=limits.FUTURE_DAYS)
    if track.last_date is not None:
        latest = min(latest, track.last_date)
    try:
        validate_date_between(
            start,
            earliest=max(today, track.first_date + timedelta(days=1)),
            latest=latest,
            what="The first cancelled date",
        )
    except ValidationError as exc:
        raise SessionError(exc.messages[0], field="start") from exc


def cancel_series(
    *,
    track: Track,
    start: date,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> list[Session]:
    """Cancel the track's occurrences from `start` on: the group's last date becomes
    the day before, and each session already planned is cancelled with the reason (so
    the week grid and the patients' records say so). Returns the cancelled sessions."""
    now = now or timezone.now()
    with transaction.atomic():
        track = Track.objects.select_for_update().get(pk=track.pk)
        _check_series_start(track, start, clinictime.local(now).date())
        reason = _reason(
            reason,
            "Give the reason the group's sessions are cancelled.",
            field="reason",
            error=SessionError,
        )
        sessions = series_to_cancel(track=track, start=start, now=now)
        for session in sessions:
            _cancel(session, reason=reason, by=by, now=now)
        track.last_date = start - timedelta(days=1)
        track.series_cancel_reason, track.series_cancelled_from = reason, start
        track.series_cancelled_at, track.series_cancelled_by = now, by
        track.save()
        patients = Patient.objects.filter(attendances__session__in=sessions).distinct()
        detail = f"series cancelled from {start.isoformat()} ({len(sessions)} sessions)"
        _audit(request, by, Action.CHANGE, obj=track, patients=patients, detail=detail)
    return sessions


def sync_track_attendees(*, track: Track, since: date) -> SeriesResult:
    """Make the track's scheduled sessions from `since` on list exactly the patients
    enrolled on their date; attendance already taken is never removed."""
    result = SeriesResult()
    sessions = list(
        track.sessions.scheduled().filter(occurrence_date__gte=since).prefetch_related("attendees")
    )
    if not sessions:
        return result
    enrollments = list(track.enrollments.overlapping(since, None))
    stale: list[int] = []
    for session in sessions:
        wanted = {e.patient_id for e in enrollments if e.is_active_on(session.occurrence_date)}
        have = {a.patient_id: a for a in session.attendees.all()}
        stale += [a.pk for pid, a in have.items() if pid not in wanted and not a.is_marked]
        missing = sorted(wanted - have.keys())
        _add_attendees(session, missing, result)
        result.updated += bool(missing)
    if stale:
        result.removed = Attendee.objects.filter(pk__in=stale).delete()[0]
    return result
