"""Writing one site's sessions: the weekly timetable repeated over the window, a few
cancellations, and attendance for every session already over."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User

from demo.sizes.plan import PlannedPatient, PlannedTrack, PlannedVisit, time_of
from demo.sizes.shape import BATCH, CANCEL_REASONS
from intake.models import (
    Patient,
)
from scheduling import clinictime
from scheduling.models import (
    Attendance,
    Attendee,
    Room,
    Session,
    SessionCounselor,
    SessionType,
    Track,
)
from scheduling.services import attended_minutes


def write_sessions(
    *,
    weeks: list[date],
    planned_tracks: list[PlannedTrack],
    tracks: list[Track],
    visits: list[PlannedVisit],
    rooms: list[Room],
    counselors: list[User],
    patients: list[Patient],
    planned_patients: list[PlannedPatient],
    types: dict[str, SessionType],
    rng: random.Random,
    now: datetime,
) -> dict[str, int]:
    """The timetable repeated over the window, cancellations and attendance included."""
    rows: list[tuple[Session, list[int], list[int]]] = []
    for week, monday in enumerate(weeks):
        rows += _group_rows(monday, planned_tracks, tracks)
        rows += _visit_rows(week, monday, visits, rooms, types)
    for session, _, _ in rows:
        if rng.random() < 0.015:
            session.status = Session.Status.CANCELLED
            session.cancel_reason = rng.choice(CANCEL_REASONS)
    Session.objects.bulk_create([s for s, _, _ in rows], batch_size=BATCH)

    links, attendees = [], []
    for session, staff, members in rows:
        active = session.status == Session.Status.SCHEDULED
        links += [
            SessionCounselor(
                session=session,
                counselor=counselors[person],
                start=session.start,
                end=session.end,
                active=active,
            )
            for person in staff
        ]
        over = active and session.end <= now
        minutes = int((session.end - session.start).total_seconds() // 60)
        for member in members:
            attendee = Attendee(
                session=session,
                patient=patients[member],
                start=session.start,
                end=session.end,
                active=active,
            )
            if over:
                absence = planned_patients[member].absence_rate
                _take_attendance(attendee, rng, absence, minutes, counselors[staff[0]])
            attendees.append(attendee)
    SessionCounselor.objects.bulk_create(links, batch_size=BATCH)
    Attendee.objects.bulk_create(attendees, batch_size=BATCH)
    return {"sessions": len(rows), "attendees": len(attendees)}


def _group_rows(
    monday: date, planned_tracks: list[PlannedTrack], tracks: list[Track]
) -> list[tuple[Session, list[int], list[int]]]:
    """One week's group occurrences, with their staff and members (planned indexes)."""
    rows = []
    for planned, track in zip(planned_tracks, tracks, strict=True):
        for day in planned.weekdays:
            occurrence = monday + timedelta(days=day)
            start, end = track.occurrence_times(occurrence)
            session = Session(
                session_type=track.session_type,
                track=track,
                occurrence_date=occurrence,
                start=start,
                end=end,
                room=track.room,
            )
            staff = [planned.lead] + ([planned.co] if planned.co is not None else [])
            rows.append((session, staff, list(planned.members)))
    return rows


def _visit_rows(
    week: int,
    monday: date,
    visits: list[PlannedVisit],
    rooms: list[Room],
    types: dict[str, SessionType],
) -> list[tuple[Session, list[int], list[int]]]:
    """One week's individual visits (every-other-week ones on their parity only)."""
    rows = []
    for visit in visits:
        if visit.parity is not None and week % 2 != visit.parity:
            continue
        start = clinictime.local_to_utc(monday + timedelta(days=visit.day), time_of(visit.slot))
        session = Session(
            session_type=types[visit.kind],
            start=start,
            end=start + timedelta(minutes=visit.minutes),
            room=rooms[visit.room],
        )
        rows.append((session, [visit.staff], [visit.patient]))
    return rows


def _take_attendance(
    attendee: Attendee, rng: random.Random, absence: float, minutes: int, by: User
) -> None:
    draw = rng.random()
    partial = None
    if draw < absence * 0.7:
        mark = Attendance.ABSENT
    elif draw < absence:
        mark = Attendance.EXCUSED
    elif draw < absence + 0.05 and minutes > 30:
        mark = Attendance.LATE
        partial = minutes - rng.randint(10, 25)
    elif draw < absence + 0.08 and minutes > 30:
        mark = Attendance.LEFT_EARLY
        partial = minutes - rng.randint(15, 30)
    else:
        mark = Attendance.PRESENT
    attendee.attendance = mark
    attendee.minutes_attended = attended_minutes(
        attendance=mark, minutes=partial, session_minutes=minutes
    )
    attendee.marked_at = attendee.end + timedelta(minutes=10)
    attendee.marked_by = by
