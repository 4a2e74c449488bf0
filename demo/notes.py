"""The demo clinic's session notes for `make run`: notes for the demo's past sessions
(most signed on time, some late), the last business day's left to write (due today), one
older session left unwritten (overdue), two nearly identical drafts (the near-duplicate
warning), and a counselor not yet licensed whose note waits for co-signature.

Idempotent: a session that has a note already is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from demo.intake import DEMO_PATIENTS
from demo.users import ensure_demo_users
from intake.models import Patient
from notes import due, services
from notes.models import Clinician, ProgressNote
from scheduling import clinictime
from scheduling import services as scheduling_services
from scheduling.models import Room, Session, SessionType

UNLICENSED = "counselor3"

TOPICS = (
    ("Relapse triggers", "Each member mapped three triggers and a plan for the riskiest one."),
    ("Coping with cravings", "Practised urge surfing; pairs rehearsed calling a support person."),
    ("Family and boundaries", "Role play of saying no at family events; group feedback."),
    ("Sleep and recovery", "Psychoeducation on sleep hygiene; members set one sleep goal."),
    ("Values and goals", "Card sort of personal values; linked each to a recovery goal."),
)
DATA = (
    "Shared that the weekend was hard after an argument at home; stayed sober.",
    "Arrived on time, talked about a craving at work on Tuesday and how it passed.",
    "Quiet in the first hour, then described a near-relapse at a friend's party.",
    "Reported sleeping six hours most nights, better than the week before.",
    "Spoke about missing a meeting and feeling guilty; asked the group for ideas.",
    "Brought the urge log, with four entries, and read two of them to the group.",
    "Described a calm week with two evening meetings and a walk with a sponsor.",
    "Said the new job is stressful and cravings come in the late afternoon.",
)
ASSESSMENT = (
    "Uses refusal skills from last week; insight growing, risk moderate.",
    "Engaged and supportive of peers; motivation strong, mood steady.",
    "Ambivalent about abstinence; needs more structure in the evenings.",
    "Mood lower than usual but no safety concerns; coping plan in use.",
    "Good progress on the sleep objective; cravings down from last week.",
    "Defensive when challenged, then reflective; trust with the group growing.",
    "Applies urge surfing on her own now; confidence rating up to seven.",
    "Stress at work is the main trigger; has not yet named a support person.",
)
PLAN = (
    "Keep the urge log daily and bring it to the next group.",
    "Attend two evening meetings this week and call the sponsor once.",
    "Practise the refusal script with a family member before Sunday.",
    "Try the wind-down routine on four nights and report back.",
    "Meet the counselor individually to review the plan's objectives.",
    "Name one support person and tell them about the plan by Friday.",
    "Continue group three times a week; revisit triggers next session.",
    "Write a list of the costs and benefits of change for the next group.",
)
NEAR_COPY = {
    "data": "Participated in group discussion about triggers and shared about the week.",
    "assessment": "Patient is engaged and making progress toward treatment goals.",
    "plan": "Continue attending group and practise coping skills as discussed.",
}


@dataclass
class NotesSummary:
    sessions: int = 0
    signed: int = 0


def _parts(n: int) -> dict[str, str]:
    return {
        "data": DATA[n % len(DATA)],
        "assessment": ASSESSMENT[(n + 3) % len(ASSESSMENT)],
        "plan": PLAN[(n + 5) % len(PLAN)],
    }


def _written_at(session: Session, late: bool) -> datetime:
    """When the demo pretends the note was signed: the session's evening, or (late)
    the evening two days after its due day."""
    day = clinictime.local(session.start).date()
    if late:
        day = due.due_date(day) + timedelta(days=2)
    return clinictime.local_to_utc(day, time(18, 30))


def _write(session: Session, by: User, n: int, *, sign: bool, late: bool = False) -> int:
    note = services.open_session_note(session=session, by=by)
    topic, work = TOPICS[n % len(TOPICS)]
    services.save_shared_part(session_note=note, topic=topic, group_work=work, by=by)
    parts = list(note.progress_notes.select_related("patient").order_by("patient_id"))
    plans = services.objectives_for_patients([part.patient for part in parts])
    for offset, part in enumerate(parts):
        chosen = [o.pk for o in plans.get(part.patient_id, [])][: 1 + (n + offset) % 2]
        services.save_draft(
            note=part, parts=_parts(n + part.patient_id + offset), objective_ids=chosen, by=by
        )
    if not sign or not parts:
        return 0
    signed = services.sign_notes(notes=parts, by=by, confirm_similar=True)
    moment = _written_at(session, late)
    ProgressNote.objects.filter(pk__in=[p.pk for p in signed]).update(
        signed_at=moment, is_late=due.is_late(parts[0].due_on, clinictime.local(moment).date())
    )
    return len(signed)


def _near_duplicates(session: Session, by: User) -> None:
    """Two patients' drafts nearly word for word: the page warns before signing."""
    note = services.open_session_note(session=session, by=by)
    services.save_shared_part(session_note=note, topic=TOPICS[0][0], group_work=TOPICS[0][1], by=by)
    for part in list(note.progress_notes.order_by("patient_id"))[:2]:
        services.save_draft(note=part, parts=NEAR_COPY, by=by)


def _groups_of_two_or_more(sessions: list[Session]) -> list[Session]:
    """The sessions two or more patients attended (two drafts to be alike), in order;
    which ones they are depends on attendance, not on the rows' ids."""
    counts = dict(
        Session.objects.filter(pk__in=[s.pk for s in sessions])
        .filter(attendees__attendance__in=services.ATTENDED)
        .annotate(attended=Count("attendees"))
        .values_list("pk", "attended")
    )
    return [s for s in sessions if counts.get(s.pk, 0) >= 2]


def _sessions_to_note(today: date, users: dict[str, User]) -> list[Session]:
    """The demo staff's past sessions with a demo patient who came and no note yet
    (not the benchmark sizes' sessions: `seed_demo --size` adds thousands)."""
    demo_patients = Patient.objects.filter(email__in=[p.email for p in DEMO_PATIENTS])
    return list(
        Session.objects.scheduled()
        .filter(end__lte=clinictime.local_midnight(today), session_note__isnull=True)
        .filter(counselor_links__counselor__in=users.values())
        .filter(attendees__patient__in=demo_patients)
        .filter(attendees__attendance__in=services.ATTENDED)
        .distinct()
        .prefetch_related("counselor_links__counselor")
        .order_by("start", "pk")
    )


def _unlicensed_session(users: dict[str, User], today: date) -> Session | None:
    """An individual session the unlicensed counselor held on a past day, attended."""
    patient = (
        Session.objects.filter(counselor_links__counselor=users["counselor"], track=None)
        .values_list("attendees__patient", flat=True)
        .first()
    )
    taken = Session.objects.filter(counselor_links__counselor=users[UNLICENSED]).exists()
    if patient is None or taken:
        return None
    individual = SessionType.objects.get(slug=SessionType.INDIVIDUAL)
    room = Room.objects.get(name="Counseling Room 1")
    for back in range(1, 8):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        try:
            session = scheduling_services.book_individual_session(
                patient=Patient.objects.get(pk=patient),
                counselor=users[UNLICENSED],
                room=room,
                start=clinictime.local_to_utc(day, time(8, 0)),  # before the groups
                minutes=individual.default_minutes,
                session_type=individual,
                by=users[UNLICENSED],
            )
        except scheduling_services.BookingConflict:
            continue
        scheduling_services.mark_all_present(session=session, by=users[UNLICENSED])
        return session
    return None


def ensure_demo_notes(*, today: date | None = None) -> NotesSummary:
    today = today or clinictime.today()
    users = {user.username: user for user in ensure_demo_users()}
    summary = NotesSummary()
    with transaction.atomic():
        if not Clinician.objects.filter(user=users[UNLICENSED]).exists():
            services.set_licensed(user=users[UNLICENSED], licensed=False, by=users["director"])
        fresh = _unlicensed_session(users, today)
        sessions = [s for s in _sessions_to_note(today, users) if s != fresh]
        last_day = max((clinictime.local(s.start).date() for s in sessions), default=None)
        older = [s for s in sessions if clinictime.local(s.start).date() != last_day]
        for n, session in enumerate(older[:-1]):  # the last one left overdue
            by = session.counselor_links.all()[0].counselor
            summary.signed += _write(session, by, n, sign=True, late=n % 5 == 4)
            summary.sessions += 1
        recent = _groups_of_two_or_more([s for s in sessions if s not in older and s.track_id])
        if recent and not ProgressNote.objects.filter(data=NEAR_COPY["data"]).exists():
            _near_duplicates(recent[0], recent[0].counselor_links.all()[0].counselor)
        if fresh is not None:
            _write_unlicensed(fresh, User.objects.get(pk=users[UNLICENSED].pk), summary)
    return summary


def _write_unlicensed(session: Session, by: User, summary: NotesSummary) -> None:
    """Signed an hour ago by the counselor not yet licensed: waiting for co-signature."""
    summary.signed += _write(session, by, 1, sign=True)
    summary.sessions += 1
    ProgressNote.objects.filter(session_note__session=session).update(
        signed_at=timezone.now() - timedelta(hours=1)
    )
