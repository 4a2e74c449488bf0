"""Bigger fictional clinics on top of the small demo: `seed_demo --size clinic|large`.

clinic: one site with 30 staff, 12 rooms and 200 active patients in OP, IOP and PHP
group tracks plus their individual sessions: about 600 sessions a week, from 8 weeks
back to 4 weeks ahead, attendance taken for every session already over.
large: ten such sites (a network): 2,000 active patients, about 6,000 sessions a week.

No double booking, by construction: each site gets one weekly timetable planned on a
15-minute grid in which a room, a staff member and a patient each hold at most one
session at a time; the timetable repeats week after week (weeks never overlap). The
database's exclusion constraints still check every row written.

Fast: rows are built in memory and written with bulk_create, a site at a time, each in
one transaction. Deterministic: every site draws from its own fixed seed (Faker and
factory-boy too). Idempotent: a site whose first room exists is left alone, so a second
run adds nothing and `large` after `clinic` adds only the nine other sites.

Fictional people only: Faker names, phone numbers (213) 555-01xx, example.com e-mail.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import factory
import factory.random
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE
from demo.users import DEMO_PASSWORD
from intake import placement
from intake.models import (
    Admission,
    Assessment,
    Inquiry,
    Patient,
    PlacementDecision,
    RecommendationView,
    Substance,
    format_mrn,
)
from programs.models import Program
from scheduling import clinictime
from scheduling.models import (
    Attendance,
    Attendee,
    Room,
    Session,
    SessionCounselor,
    SessionType,
    Track,
    TrackEnrollment,
)
from scheduling.services import attended_minutes

SITES_BY_SIZE = {"small": 0, "clinic": 1, "large": 10}
SITE_NAMES = (
    "Downtown",
    "Eastside",
    "Westside",
    "Harbor",
    "Valley",
    "Northgate",
    "Southbay",
    "Midtown",
    "Lakeside",
    "Hillcrest",
)
HISTORY_WEEKS = 8
AHEAD_WEEKS = 4
SLOT_MINUTES = 15
DAY_START = time(8, 0)
DAY_SLOTS = 13 * 60 // SLOT_MINUTES  # 08:00 to 21:00
WEEKDAYS = (0, 1, 2, 3, 4)
BATCH = 5000


@dataclass(frozen=True)
class SiteShape:
    """One site's head counts (the benchmark's clinic: 30 staff, 12 rooms, 200 active patients)."""

    intake: int
    counselors: int
    directors: int
    rooms: int
    op: int
    iop: int
    php: int
    discharged: int
    inquiries: int

    @classmethod
    def scaled(cls, scale: float) -> SiteShape:
        def n(value: int, least: int = 1) -> int:
            return max(least, round(value * scale))

        return cls(
            intake=n(3),
            counselors=n(25, 3),
            directors=n(2),
            rooms=n(12, 4),
            op=n(50),
            iop=n(110),
            php=n(40),
            discharged=n(100),
            inquiries=n(60),
        )


# group tracks: (label, weekdays, local start, minutes); PHP days, IOP three days a week
# about 3 hours, OP a weekly 90-minute relapse-prevention group
TRACK_PATTERNS: dict[str, list[tuple[str, tuple[int, ...], time, int]]] = {
    Program.Code.PHP: [("Day", (0, 1, 2, 3, 4), time(9, 0), 360)],
    Program.Code.IOP: [
        ("Morning", (0, 2, 4), time(9, 0), 180),
        ("Evening", (0, 1, 3), time(18, 0), 180),
        ("Afternoon", (1, 3, 4), time(15, 0), 180),
        ("Late", (1, 2, 4), time(18, 0), 180),
    ],
    Program.Code.OP: [
        (f"{day} group", (index,), start, 90)
        for start in (time(16, 30), time(12, 0), time(15, 0))
        for index, day in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri"))
    ],
}
TRACK_TYPE = {
    Program.Code.PHP: "group-therapy",
    Program.Code.IOP: "group-therapy",
    Program.Code.OP: "relapse-prevention",
}
TRACK_SIZE = {Program.Code.PHP: 10, Program.Code.IOP: 11, Program.Code.OP: 10}
TRACK_CAPACITY = 12
CANCEL_REASONS = ("Counselor out sick", "Room unavailable (maintenance)", "Clinic closed early")

# what an assessment of a patient placed at each level looked like: criteria met and
# the six ASAM ratings, chosen so that the clinic's policy recommends that level
ASSESSMENT_INPUTS: dict[str, tuple[int, dict[str, int]]] = {
    Program.Code.OP: (3, {"d1": 0, "d2": 0, "d3": 1, "d4": 1, "d5": 1, "d6": 1}),
    Program.Code.IOP: (5, {"d1": 1, "d2": 0, "d3": 1, "d4": 2, "d5": 2, "d6": 1}),
    Program.Code.PHP: (6, {"d1": 1, "d2": 1, "d3": 3, "d4": 2, "d5": 2, "d6": 1}),
}
RATING_NOTES = {
    "d3": "Co-occurring depression; sees a psychiatrist monthly.",
    "d4": "Ambivalent about stopping; agrees to attend.",
    "d5": "Several relapses within weeks of earlier attempts.",
}


def seed_size(size: str, *, scale: float = 1.0, today: date | None = None) -> dict[str, int]:
    """Add the sites `size` needs and are missing; returns what was created, by kind."""
    created: dict[str, int] = defaultdict(int)
    for index in range(SITES_BY_SIZE[size]):
        if Room.objects.filter(name=room_name(index, 1)).exists():
            continue
        for kind, count in seed_site(index, scale=scale, today=today).items():
            created[kind] += count
    if created:
        # fresh planner statistics after a bulk load, as autovacuum would gather later:
        # without them PostgreSQL plans for the tables' old, tiny sizes
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return dict(created)


def room_name(site: int, number: int) -> str:
    return f"{SITE_NAMES[site]} room {number:02d}"


# ------------------------------------------------------------------------- planning


class Timetable:
    """Who and what is busy in which 15-minute slot of each weekday."""

    def __init__(self) -> None:
        self._busy: dict[tuple, int] = defaultdict(int)

    @staticmethod
    def _mask(first: int, count: int) -> int:
        return ((1 << count) - 1) << first

    def is_free(self, keys: list[tuple], day: int, first: int, count: int) -> bool:
        if first < 0 or first + count > DAY_SLOTS:
            return False
        mask = self._mask(first, count)
        return all(not self._busy[(key, day)] & mask for key in keys)

    def take(self, keys: list[tuple], day: int, first: int, count: int) -> None:
        mask = self._mask(first, count)
        for key in keys:
            self._busy[(key, day)] |= mask


def slot_of(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) - (DAY_START.hour * 60 + DAY_START.minute)) // (
        SLOT_MINUTES
    )


def time_of(slot: int) -> time:
    minutes = DAY_START.hour * 60 + DAY_START.minute + slot * SLOT_MINUTES
    return time(minutes // 60, minutes % 60)


def slots_for(minutes: int) -> int:
    return math.ceil(minutes / SLOT_MINUTES)


@dataclass
class PlannedTrack:
    name: str
    program: str
    weekdays: tuple[int, ...]
    start: time
    minutes: int
    room: int  # index into the site's rooms
    lead: int  # index into the site's counselors
    co: int | None
    members: list[int] = field(default_factory=list)  # patient indexes


@dataclass
class PlannedVisit:
    """A weekly (or every other week) individual session of one patient."""

    patient: int
    kind: str  # session type slug
    day: int
    slot: int
    minutes: int
    room: int
    staff: int
    parity: int | None = None  # None: every week; 0/1: even/odd weeks of the window


@dataclass
class PlannedPatient:
    program: str
    primary: int  # counselor index
    admitted: date
    absence_rate: float
    track: int | None = None


def plan_site(
    shape: SiteShape, rng: random.Random
) -> tuple[list[PlannedTrack], list[PlannedPatient], list[PlannedVisit]]:
    """One week's timetable of a site, free of double bookings by construction."""
    table = Timetable()
    hours = [0] * shape.counselors  # booked minutes per counselor, to share the load
    tracks = _plan_tracks(shape, table, hours)
    patients = _plan_patients(shape, table, tracks, rng)
    visits = _plan_visits(shape, table, patients, hours, rng)
    return tracks, patients, visits


PROGRAM_ORDER = (Program.Code.PHP, Program.Code.IOP, Program.Code.OP)


def _patients_in(shape: SiteShape, program: str) -> int:
    return {Program.Code.PHP: shape.php, Program.Code.IOP: shape.iop, Program.Code.OP: shape.op}[
        program
    ]


def _least_busy(candidates, hours: list[int]) -> list[int]:
    return sorted(candidates, key=lambda c: (hours[c], c))


def _plan_tracks(shape: SiteShape, table: Timetable, hours: list[int]) -> list[PlannedTrack]:
    """Enough group tracks per program for its patients, in the group rooms."""
    group_rooms = list(range(shape.rooms // 2))
    tracks: list[PlannedTrack] = []
    letters: defaultdict[tuple[str, str], int] = defaultdict(int)
    for program in PROGRAM_ORDER:
        patterns = TRACK_PATTERNS[program]
        for n in range(math.ceil(_patients_in(shape, program) / TRACK_SIZE[program])):
            placed = _place_track(
                table,
                program,
                patterns,
                n,
                group_rooms,
                _least_busy(range(shape.counselors), hours),
            )
            if placed is None:
                continue
            label, days, start, minutes, room, lead, co = placed
            letters[(program, label)] += 1
            letter = chr(ord("A") + letters[(program, label)] - 1)
            tracks.append(
                PlannedTrack(
                    f"{program} {label} {letter}", program, days, start, minutes, room, lead, co
                )
            )
            for counselor in (lead, co):
                if counselor is not None:
                    hours[counselor] += minutes * len(days)
    return tracks


def _plan_patients(
    shape: SiteShape, table: Timetable, tracks: list[PlannedTrack], rng: random.Random
) -> list[PlannedPatient]:
    """The patients of each program, filling its tracks in turn, never above capacity."""
    patients: list[PlannedPatient] = []
    for program in PROGRAM_ORDER:
        own = [i for i, t in enumerate(tracks) if t.program == program]
        for n in range(_patients_in(shape, program)):
            index = len(patients)
            patient = PlannedPatient(
                program=program,
                primary=index % shape.counselors,
                admitted=date.min,  # set by the caller, relative to today
                absence_rate=rng.choice((0.03, 0.05, 0.08, 0.12, 0.3)),
            )
            for step in range(len(own)):
                track = tracks[own[(n + step) % len(own)]]
                if len(track.members) < TRACK_SIZE[program]:
                    patient.track = own[(n + step) % len(own)]
                    track.members.append(index)
                    for day in track.weekdays:
                        table.take(
                            [("patient", index)],
                            day,
                            slot_of(track.start),
                            slots_for(track.minutes),
                        )
                    break
            patients.append(patient)
    return patients


def _plan_visits(
    shape: SiteShape,
    table: Timetable,
    patients: list[PlannedPatient],
    hours: list[int],
    rng: random.Random,
) -> list[PlannedVisit]:
    """Each patient's individual sessions, drug screens and (for some) medication and
    family sessions, in the offices."""
    offices = list(range(shape.rooms // 2, shape.rooms))
    counselor_order = list(range(shape.counselors))
    visits: list[PlannedVisit] = []
    for index, patient in enumerate(patients):
        wanted: list[tuple[str, int, str, int | None]] = [
            ("individual-counseling", 50, "primary", None)
        ]
        wanted += [("drug-screening", 15, "any", None)] * (
            2 if patient.program == Program.Code.PHP else 1
        )
        if rng.random() < 0.3:
            wanted.append(("medication-management", 30, "any", None))
        if rng.random() < 0.2:
            wanted.append(("family-session", 60, "primary", rng.randint(0, 1)))
        for kind, minutes, who, parity in wanted:
            staff = [patient.primary] if who == "primary" else _least_busy(counselor_order, hours)
            visit = _place_visit(table, rng, index, kind, minutes, staff, offices, parity)
            if visit is not None:
                visits.append(visit)
                hours[visit.staff] += minutes
    return visits


def _place_track(table, program, patterns, n, rooms, counselors):
    for step in range(len(patterns)):
        label, days, start, minutes = patterns[(n + step) % len(patterns)]
        first, count = slot_of(start), slots_for(minutes)
        for room in rooms:
            if not all(table.is_free([("room", room)], d, first, count) for d in days):
                continue
            free = [
                c
                for c in counselors
                if all(table.is_free([("staff", c)], d, first, count) for d in days)
            ]
            if not free:
                continue
            lead = free[0]
            co = free[1] if program == Program.Code.PHP and len(free) > 1 else None
            keys = [("room", room), ("staff", lead)] + ([("staff", co)] if co is not None else [])
            for d in days:
                table.take(keys, d, first, count)
            return label, days, start, minutes, room, lead, co
    return None


def _place_visit(table, rng, patient, kind, minutes, staff, offices, parity):
    count = slots_for(minutes)
    days = list(WEEKDAYS)
    rng.shuffle(days)
    starts = list(range(0, DAY_SLOTS - count + 1))
    rng.shuffle(starts)
    for day in days:
        for first in starts:
            if not table.is_free([("patient", patient)], day, first, count):
                continue
            for person in staff:
                if not table.is_free([("staff", person)], day, first, count):
                    continue
                for room in offices:
                    keys = [("patient", patient), ("staff", person), ("room", room)]
                    if table.is_free(keys, day, first, count):
                        table.take(keys, day, first, count)
                        return PlannedVisit(
                            patient, kind, day, first, minutes, room, person, parity
                        )
    return None


# ------------------------------------------------------------------------- writing


class _PatientRow(factory.Factory):
    """A fictional patient (built in memory, written in bulk)."""

    class Meta:
        model = Patient

    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=70)
    sex_assigned_at_birth = factory.Iterator(
        [Patient.Sex.FEMALE, Patient.Sex.MALE, Patient.Sex.FEMALE, Patient.Sex.MALE]
    )
    phone = factory.Sequence(lambda n: f"(213) 555-01{n % 100:02d}")
    email = factory.LazyAttributeSequence(
        lambda p, n: f"{p.legal_first_name.lower()}.{p.legal_last_name.lower()}{n}@example.com"
    )
    city = "Los Angeles"
    state = "CA"
    status = Patient.Status.ACTIVE


def _mrns(count: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('intake_patient_mrn_seq') FROM generate_series(1, %s)", [count]
        )
        return [format_mrn(number) for (number,) in cursor.fetchall()]


@transaction.atomic
def seed_site(index: int, *, scale: float = 1.0, today: date | None = None) -> dict[str, int]:
    """Write one site: staff, rooms, tracks, patients with their admissions and
    assessments, inquiries, and twelve weeks of sessions with attendance. The random
    draws happen in a fixed order (staff, timetable, patients, assessments, inquiries,
    sessions), so a site is the same on every run."""
    seed = 6_000 + index
    rng = random.Random(seed)
    factory.random.reseed_random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    site = SITE_NAMES[index]
    shape = SiteShape.scaled(scale)
    today = today or clinictime.today()
    first_monday = clinictime.monday_of(today) - timedelta(weeks=HISTORY_WEEKS)
    now = timezone.now()
    programs = {p.code: p for p in Program.objects.all()}
    types = {t.slug: t for t in SessionType.objects.all()}

    people = _staff(site.lower(), shape, fake)
    intake_staff = [u for role, u in people if role == INTAKE]
    counselors = [u for role, u in people if role == COUNSELOR]
    rooms = Room.objects.bulk_create(
        Room(name=room_name(index, n + 1), seats=14 if n < shape.rooms // 2 else 3)
        for n in range(shape.rooms)
    )
    planned_tracks, planned_patients, visits = plan_site(shape, rng)
    tracks = _tracks(site, planned_tracks, programs, types, rooms, counselors, first_monday)
    active, discharged = _patients(shape, planned_patients, intake_staff[0], rng, first_monday)
    assessments, decisions = _assessments(active, planned_patients, rng, intake_staff)
    _admissions(
        active,
        discharged,
        planned_patients,
        decisions,
        programs,
        counselors,
        intake_staff[0],
        rng,
        today,
    )
    _enrollments(active, planned_patients, tracks, intake_staff[0])
    inquiries = _inquiries(shape.inquiries, fake, rng, now)
    sessions = _sessions(
        weeks=[first_monday + timedelta(weeks=w) for w in range(HISTORY_WEEKS + AHEAD_WEEKS)],
        planned_tracks=planned_tracks,
        tracks=tracks,
        visits=visits,
        rooms=rooms,
        counselors=counselors,
        patients=active,
        planned_patients=planned_patients,
        types=types,
        rng=rng,
        now=now,
    )
    return {
        "staff": len(people),
        "rooms": len(rooms),
        "tracks": len(tracks),
        "patients": len(active) + len(discharged),
        "active patients": len(active),
        "assessments": len(assessments),
        "inquiries": inquiries,
        **sessions,
    }


def _staff(slug: str, shape: SiteShape, fake: Faker) -> list[tuple[str, User]]:
    """The site's staff with their roles (one password hash for all: hashing is
    deliberately slow)."""
    password = make_password(DEMO_PASSWORD)
    people = []
    for role, count, label in (
        (INTAKE, shape.intake, "intake"),
        (COUNSELOR, shape.counselors, "counselor"),
        (DIRECTOR, shape.directors, "director"),
    ):
        for n in range(1, count + 1):
            username = f"{slug}.{label}{n:02d}"
            user = User(
                username=username,
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"{username}@clinic.example",
                password=password,
            )
            people.append((role, user))
    User.objects.bulk_create([user for _, user in people])
    groups = {g.name: g for g in Group.objects.filter(name__in=[INTAKE, COUNSELOR, DIRECTOR])}
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role].pk) for role, user in people
    )
    return people


def _tracks(
    site: str,
    planned_tracks: list[PlannedTrack],
    programs: dict[str, Program],
    types: dict[str, SessionType],
    rooms: list[Room],
    counselors: list[User],
    first_monday: date,
) -> list[Track]:
    return Track.objects.bulk_create(
        Track(
            program=programs[t.program],
            name=f"{site} {t.name}",
            session_type=types[TRACK_TYPE[t.program]],
            weekdays=list(t.weekdays),
            start_time=t.start,
            length_minutes=t.minutes,
            room=rooms[t.room],
            lead_counselor=counselors[t.lead],
            co_facilitator=counselors[t.co] if t.co is not None else None,
            capacity=TRACK_CAPACITY,
            first_date=first_monday - timedelta(weeks=4),
        )
        for t in planned_tracks
    )


def _patients(
    shape: SiteShape,
    planned_patients: list[PlannedPatient],
    by: User,
    rng: random.Random,
    first_monday: date,
) -> tuple[list[Patient], list[Patient]]:
    """Active patients (admitted before the window) and past, discharged ones."""
    active = _PatientRow.build_batch(len(planned_patients))
    discharged = _PatientRow.build_batch(shape.discharged, status=Patient.Status.DISCHARGED)
    everyone = active + discharged
    for patient, mrn in zip(everyone, _mrns(len(everyone)), strict=True):
        patient.mrn = mrn
        patient.created_by = by
    Patient.objects.bulk_create(everyone, batch_size=BATCH)
    for planned in planned_patients:
        planned.admitted = first_monday - timedelta(days=rng.randint(0, 28))
    return active, discharged


def _admissions(
    active: list[Patient],
    discharged: list[Patient],
    planned_patients: list[PlannedPatient],
    decisions: list[PlacementDecision],
    programs: dict[str, Program],
    counselors: list[User],
    by: User,
    rng: random.Random,
    today: date,
) -> None:
    """An open admission per active patient (from its decision); a completed one for
    each discharged patient."""
    admissions = [
        Admission(
            patient=patient,
            program=programs[planned.program],
            start_date=planned.admitted,
            primary_counselor=counselors[planned.primary],
            decision=decision,
            created_by=by,
        )
        for patient, planned, decision in zip(active, planned_patients, decisions, strict=True)
    ]
    for n, patient in enumerate(discharged):
        start = today - timedelta(days=rng.randint(120, 400))
        admissions.append(
            Admission(
                patient=patient,
                program=programs[rng.choice([Program.Code.OP, Program.Code.IOP])],
                start_date=start,
                end_date=start + timedelta(weeks=rng.randint(6, 12)),
                discharge_reason=Admission.DischargeReason.COMPLETED,
                primary_counselor=counselors[n % len(counselors)],
                created_by=by,
            )
        )
    Admission.objects.bulk_create(admissions, batch_size=BATCH)


def _enrollments(
    active: list[Patient], planned_patients: list[PlannedPatient], tracks: list[Track], by: User
) -> None:
    TrackEnrollment.objects.bulk_create(
        TrackEnrollment(
            track=tracks[planned.track],
            patient=patient,
            joined=max(planned.admitted, tracks[planned.track].first_date),
            created_by=by,
        )
        for patient, planned in zip(active, planned_patients, strict=True)
        if planned.track is not None
    )


def _assessments(active, planned_patients, rng, intake_staff):
    """A signed intake assessment (and the placement decided from it) per active patient."""
    criteria_keys = [key for key, _ in placement.CRITERIA]
    by = intake_staff[0]
    assessments = [
        _assessment(patient, planned, rng, criteria_keys, by)
        for patient, planned in zip(active, planned_patients, strict=True)
    ]
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    Substance.objects.bulk_create(
        [_primary_substance(assessment, rng) for assessment in assessments], batch_size=BATCH
    )
    decisions = [
        _decision(assessment, planned, by)
        for assessment, planned in zip(assessments, planned_patients, strict=True)
    ]
    PlacementDecision.objects.bulk_create(decisions, batch_size=BATCH)
    return assessments, decisions


def _assessment(
    patient: Patient,
    planned: PlannedPatient,
    rng: random.Random,
    criteria_keys: list[str],
    by: User,
) -> Assessment:
    """A completed assessment whose ratings fit the patient's program, with its
    recommendation computed as the page would."""
    count, ratings = ASSESSMENT_INPUTS[planned.program]
    assessed_on = planned.admitted - timedelta(days=rng.randint(1, 10))
    signed_at = timezone.make_aware(datetime.combine(assessed_on, time(15, 0)))
    assessment = Assessment(
        patient=patient,
        status=Assessment.Status.COMPLETED,
        assessment_date=assessed_on,
        referral_source=rng.choice(
            [
                Assessment.ReferralSource.SELF,
                Assessment.ReferralSource.FAMILY,
                Assessment.ReferralSource.PHYSICIAN,
                Assessment.ReferralSource.COURT,
            ]
        ),
        criteria_met=rng.sample(criteria_keys, count),
        criteria_reviewed=True,
        created_by=by,
        completed_at=signed_at,
        completed_by=by,
        phq9=rng.randint(3, 14),
        phq9_item9=0,
        gad7=rng.randint(2, 12),
        dast10=rng.randint(3, 7),
        **ratings,
        **{
            f"{key}_note": RATING_NOTES.get(key, "") for key, value in ratings.items() if value >= 2
        },
    )
    view = RecommendationView.from_recommendation(assessment.live_recommendation())
    assessment.recommended_level = view.level
    assessment.recommendation = view.snapshot()
    return assessment


def _primary_substance(assessment: Assessment, rng: random.Random) -> Substance:
    return Substance(
        assessment=assessment,
        substance=rng.choice(
            [
                Substance.Kind.ALCOHOL,
                Substance.Kind.OPIOIDS,
                Substance.Kind.METHAMPHETAMINE,
                Substance.Kind.CANNABIS,
                Substance.Kind.COCAINE,
            ]
        ),
        is_primary=True,
        frequency=Substance.Frequency.DAILY,
        route=Substance.Route.SMOKED,
        last_use=assessment.assessment_date - timedelta(days=rng.randint(1, 20)),
    )


def _decision(assessment: Assessment, planned: PlannedPatient, by: User) -> PlacementDecision:
    """The placement staff decided: the patient's program, with a reason when it differs
    from the recommendation."""
    recommended = assessment.recommended_level
    return PlacementDecision(
        assessment=assessment,
        patient=assessment.patient,
        recommended_level=recommended,
        final_level=planned.program,
        reason="" if recommended == planned.program else "Clinical judgment at intake.",
        decided_by=by,
        decided_at=assessment.completed_at,
    )


def _inquiries(count: int, fake: Faker, rng: random.Random, now: datetime) -> int:
    statuses = [
        Inquiry.Status.NEW,
        Inquiry.Status.NEW,
        Inquiry.Status.CONTACTED,
        Inquiry.Status.CONTACTED,
        Inquiry.Status.ASSESSMENT_BOOKED,
        Inquiry.Status.CLOSED,
    ]
    rows = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        created = now - timedelta(hours=rng.randint(1, 24 * 7 * HISTORY_WEEKS))
        rows.append(
            Inquiry(
                name=fake.first_name() if rng.random() < 0.5 else fake.name(),
                phone=f"(213) 555-01{rng.randint(0, 99):02d}",
                status=status,
                consent_to_contact=True,
                closed_reason=Inquiry.CloseReason.UNREACHABLE if status == "closed" else "",
                closed_at=created + timedelta(days=3) if status == "closed" else None,
                assessment_at=created + timedelta(days=5)
                if status == Inquiry.Status.ASSESSMENT_BOOKED
                else None,
                created_at=created,
            )
        )
    Inquiry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _sessions(
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
