"""The demo clinic's week for `make run`: rooms, group tracks, the demo patients
enrolled by their level, individual sessions and attendance for what is over.

Idempotent: every object is looked up by a natural key before it is created.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import F

from demo.intake import DEMO_PATIENTS, ensure_demo_intake
from demo.users import ensure_demo_users
from intake.models import Patient
from programs.models import Program
from scheduling import clinictime, services
from scheduling.models import Room, Session, SessionType, Track


@dataclass(frozen=True)
class DemoTrack:
    name: str
    program: str
    session_type: str
    weekdays: tuple[int, ...]
    start: time
    minutes: int
    room: str
    lead: str  # demo username
    capacity: int


DEMO_ROOMS = (
    ("Group Room A", 16),
    ("Group Room B", 16),
    ("Group Room C", 12),
    ("Counseling Room 1", 3),
    ("Counseling Room 2", 3),
)

DEMO_TRACKS = (
    DemoTrack(
        "IOP Morning",
        "IOP",
        "group-therapy",
        (0, 2, 4),
        time(9),
        180,
        "Group Room A",
        "counselor",
        12,
    ),
    DemoTrack(
        "IOP Evening",
        "IOP",
        "group-therapy",
        (0, 1, 3),
        time(18),
        180,
        "Group Room B",
        "counselor",
        12,
    ),
    DemoTrack(
        "PHP Day",
        "PHP",
        "group-therapy",
        (0, 1, 2, 3, 4),
        time(9),
        360,
        "Group Room C",
        "counselor2",
        10,
    ),
    DemoTrack(
        "OP Relapse Prevention",
        "OP",
        "relapse-prevention",
        (2,),
        time(17),
        90,
        "Group Room A",
        "counselor2",
        12,
    ),
)

# each counselor's individual sessions: Tuesdays and Thursdays, clear of their groups
INDIVIDUAL_SLOTS = {
    "counselor": ("Counseling Room 1", (time(13), time(14), time(15))),
    "counselor2": ("Counseling Room 2", (time(15, 15), time(16, 15), time(17, 15))),
}
WEEKS_BEFORE, WEEKS_AFTER = 2, 2


@dataclass
class ScheduleSummary:
    tracks: int = 0
    enrollments: int = 0
    sessions: int = 0
    marked: int = 0


def ensure_demo_schedule(*, today: date | None = None) -> ScheduleSummary:
    """Rooms, groups, the demo patients enrolled by their level, sessions from two weeks
    back to two weeks ahead, individual sessions and attendance for what is over."""
    today = today or clinictime.today()
    summary = ScheduleSummary()
    users = {user.username: user for user in ensure_demo_users()}
    patients = _demo_patients()
    with transaction.atomic():
        rooms = {
            name: Room.objects.get_or_create(name=name, defaults={"seats": seats})[0]
            for name, seats in DEMO_ROOMS
        }
        tracks = _ensure_tracks(users, rooms, today, summary)
        summary.enrollments = _enroll(patients, tracks, today)
        monday = clinictime.monday_of(today)
        start = monday - timedelta(weeks=WEEKS_BEFORE)
        end = monday + timedelta(weeks=WEEKS_AFTER + 1)
        for track in tracks.values():
            summary.sessions += services.generate_track_sessions(
                track=track, start=start, end=end
            ).created
        summary.sessions += _book_individual(patients, users, rooms, monday)
        summary.marked = _take_attendance(patients, users, today)
        summary.enrollments += _enroll_by_exception(patients, tracks, users, today)
        _cancel_one_group_session(tracks, users, today)
    return summary


def _demo_patients() -> list:
    """The demo patients with an open admission (made first when they are missing)."""
    ensure_demo_intake()
    emails = [demo.email for demo in DEMO_PATIENTS]
    return list(
        Patient.objects.filter(email__in=emails, admissions__end_date__isnull=True)
        .annotate(program_code=F("admissions__program__code"))
        .annotate(counselor_id=F("admissions__primary_counselor_id"))
        .order_by("legal_last_name", "legal_first_name")
    )


def _ensure_tracks(users, rooms, today: date, summary: ScheduleSummary) -> dict[str, Track]:
    programs = {p.code: p for p in Program.objects.all()}
    types = {t.slug: t for t in SessionType.objects.all()}
    first = today - timedelta(weeks=12, days=today.weekday())  # a Monday, a while ago
    tracks = {}
    for demo in DEMO_TRACKS:
        if demo.program not in programs:
            continue
        track, created = Track.objects.get_or_create(
            name=demo.name,
            defaults={
                "program": programs[demo.program],
                "session_type": types[demo.session_type],
                "weekdays": list(demo.weekdays),
                "start_time": demo.start,
                "length_minutes": demo.minutes,
                "room": rooms[demo.room],
                "lead_counselor": users[demo.lead],
                "capacity": demo.capacity,
                "first_date": first,
            },
        )
        summary.tracks += created
        tracks[demo.program if demo.program != "IOP" else demo.name] = track
    return tracks


def _enroll(patients, tracks: dict[str, Track], today: date) -> int:
    enrolled = 0
    iop = [tracks.get("IOP Morning"), tracks.get("IOP Evening")]
    iop_count = 0
    for patient in patients:
        if patient.program_code == "IOP":
            track = iop[iop_count % 2]
            iop_count += 1
        else:
            track = tracks.get(patient.program_code)  # PHP Day, OP group; none for INP
        if track is None or track.enrollments.filter(patient=patient).exists():
            continue
        admission = patient.admissions.filter(end_date__isnull=True).first()
        joined = max(admission.start_date, track.first_date)
        services.enroll_patient(track=track, patient=patient, joined=joined, today=today)
        enrolled += 1
    return enrolled


EXCEPTION_REASON = (
    "Stepping down from PHP next week: joins the IOP evening group early to get to know it."
)
CANCEL_REASON = "Clinic closed for staff training; the group meets again on Monday."


def _enroll_by_exception(patients, tracks: dict[str, Track], users, today: date) -> int:
    """One PHP patient also in the IOP evening group, with the reason for the exception."""
    evening = tracks.get("IOP Evening")
    php = next((p for p in patients if p.program_code == "PHP"), None)
    if evening is None or php is None or evening.enrollments.filter(patient=php).exists():
        return 0
    admission = php.admissions.filter(end_date__isnull=True).first()
    services.enroll_patient(
        track=evening,
        patient=php,
        joined=max(admission.start_date, today - timedelta(days=7)),
        exception_reason=EXCEPTION_REASON,
        by=users["intake"],
        today=today,
    )
    return 1


def _cancel_one_group_session(tracks: dict[str, Track], users, today: date) -> None:
    """Next week's Friday IOP morning group is cancelled, with the reason."""
    morning = tracks.get("IOP Morning")
    if morning is None or morning.sessions.filter(status=Session.Status.CANCELLED).exists():
        return
    friday = clinictime.monday_of(today) + timedelta(days=7 + 4)
    session = morning.sessions.scheduled().filter(occurrence_date=friday).first()
    if session is not None:
        services.cancel_session(session=session, reason=CANCEL_REASON, by=users["counselor"])


def _book_individual(patients, users, rooms, monday: date) -> int:
    """A weekly individual session for each patient, last week to next week."""
    individual = SessionType.objects.get(slug=SessionType.INDIVIDUAL)
    by_id = {user.pk: user for user in users.values()}
    booked = 0
    slot_of: dict[int, int] = {}
    for patient in patients:
        counselor = by_id.get(patient.counselor_id)
        if counselor is None or counselor.username not in INDIVIDUAL_SLOTS:
            continue
        room_name, times = INDIVIDUAL_SLOTS[counselor.username]
        slot = slot_of[counselor.pk] = slot_of.get(counselor.pk, -1) + 1
        if slot >= 2 * len(times):
            continue
        weekday, at = (1 if slot % 2 == 0 else 3), times[slot // 2]
        for week in (-1, 0, 1):
            day = monday + timedelta(weeks=week, days=weekday)
            start = clinictime.local_to_utc(day, at)
            if Session.objects.filter(track=None, start=start, attendees__patient=patient).exists():
                continue
            try:
                services.book_individual_session(
                    patient=patient,
                    counselor=counselor,
                    room=rooms[room_name],
                    start=start,
                    minutes=individual.default_minutes,
                    session_type=individual,
                    by=counselor,
                )
            except services.BookingConflict:
                continue
            booked += 1
    return booked


# mostly present; now and then late, gone early, absent or excused
ATTENDANCE_PATTERN = (
    ["present"] * 15 + ["late", "left_early", "absent", "present", "excused"] + ["present"] * 3
)


def _take_attendance(patients, users, today: date) -> int:
    """Attendance for every demo session that ended before today (today's is left to do)."""
    cutoff = clinictime.local_midnight(today)
    director = users["director"]
    sessions = (
        Session.objects.scheduled()
        .filter(end__lte=cutoff, attendees__patient__in=patients, attendees__attendance="")
        .distinct()
        .prefetch_related("attendees")
    )
    marked = 0
    for session in sessions:
        marks = {}
        for attendee in session.attendees.all():
            if attendee.is_marked:
                continue
            pick = ATTENDANCE_PATTERN[
                (attendee.patient_id * 7 + session.pk) % len(ATTENDANCE_PATTERN)
            ]
            minutes = None
            if pick == "late":
                minutes = session.minutes - 20
            elif pick == "left_early":
                minutes = max(session.minutes - 60, session.minutes // 2)
            marks[attendee.pk] = (pick, minutes)
        marked += len(services.mark_attendance(session=session, marks=marks, by=director))
    return marked
