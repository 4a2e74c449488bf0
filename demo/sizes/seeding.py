"""Writing one site: staff, rooms, tracks, patients (factory-boy and Faker, seeded per
site), their assessments, decisions, admissions and enrollments, and call requests;
rows built in memory and written with bulk_create."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import factory
import factory.random
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE
from demo.sizes.plan import PlannedPatient, PlannedTrack, plan_site
from demo.sizes.sessions import write_sessions
from demo.sizes.shape import (
    AHEAD_WEEKS,
    ASSESSMENT_INPUTS,
    BATCH,
    HISTORY_WEEKS,
    RATING_NOTES,
    SITE_NAMES,
    TRACK_CAPACITY,
    TRACK_TYPE,
    SiteShape,
    room_name,
)
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
    Room,
    SessionType,
    Site,
    Track,
    TrackEnrollment,
)


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
    place = Site.objects.create(name=site)
    place.staff.set([u for _, u in people])
    rooms = Room.objects.bulk_create(
        Room(name=room_name(index, n + 1), site=place, seats=14 if n < shape.rooms // 2 else 3)
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
    sessions = write_sessions(
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
    assert view.level is not None  # every rating and the criteria are filled in
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
    assert assessment.completed_at is not None
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
