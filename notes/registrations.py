"""What notes contributes to the pages of the apps below it: the "Write the note" link
on a session's page (scheduling.session_actions) and the staff home panels
(accounts.home). Called from NotesConfig.ready."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts import home
from accounts.roles import is_counselor, is_director
from intake import patient_page
from intake.models import Patient
from notes import due
from notes.access import cosign_queue_for, may_cosign, reads_notes
from notes.models import ProgressNote
from notes.services import ATTENDED
from scheduling import clinictime, session_actions
from scheduling.access import can_take_attendance
from scheduling.models import Attendee, Session

HOME_LIST_LENGTH = 8


def write_note_action(
    request: HttpRequest, session: Session, attendees: list[Attendee]
) -> session_actions.SessionAction | None:
    if session.is_cancelled or not session.has_started():
        return None
    if not can_take_attendance(request.user, session):
        return None
    came = [a.pk for a in attendees if a.attendance in ATTENDED]
    if not came:
        return None
    signed = ProgressNote.objects.filter(attendee__in=came, signed_at__isnull=False).count()
    hint = f"{signed} of {len(came)} signed" if signed else f"{len(came)} to write"
    return session_actions.SessionAction(
        "Write the note", reverse("notes:session-note", args=[session.pk]), hint
    )


@dataclass(frozen=True)
class DueSession:
    """A session of the counselor's with notes still to sign."""

    session_id: int
    start: object
    title: str
    pending: int
    due_on: date
    late: bool


def notes_due_for(user, today: date) -> list[DueSession]:
    """The counselor's sessions with individual parts not yet signed, oldest first. One query."""
    rows = (
        Attendee.objects.filter(
            session__counselor_links__counselor=user,
            session__status=Session.Status.SCHEDULED,
            session__start__lte=timezone.now(),
            attendance__in=ATTENDED,
        )
        .filter(Q(progress_note__isnull=True) | Q(progress_note__signed_at__isnull=True))
        .values(
            "session_id", "session__start", "session__track__name", "session__session_type__name"
        )
        .annotate(pending=Count("pk"))
        .order_by("session__start", "session_id")
    )
    found = []
    for row in rows:
        due_on = due.due_date(clinictime.local(row["session__start"]).date())
        track = row["session__track__name"]
        kind = row["session__session_type__name"]
        found.append(
            DueSession(
                session_id=row["session_id"],
                start=row["session__start"],
                title=f"{track}: {kind}" if track else kind,
                pending=row["pending"],
                due_on=due_on,
                late=today > due_on,
            )
        )
    return found


def counselor_notes_panel(request: HttpRequest) -> home.Panel | None:
    user = request.user
    if not is_counselor(user):
        return None
    today = clinictime.today()
    due_sessions = notes_due_for(user, today)
    waiting = list(
        ProgressNote.objects.awaiting_cosign().filter(signed_by=user).for_list()[:HOME_LIST_LENGTH]
    )
    return home.Panel(
        title="Session notes",
        template="notes/_home_panel.html",
        context={
            "due": due_sessions[:HOME_LIST_LENGTH],
            "due_count": len(due_sessions),
            "late_count": sum(1 for d in due_sessions if d.late),
            "waiting": waiting,
            "queue_count": cosign_queue_for(user).count() if may_cosign(user) else None,
        },
        order=22,
    )


def director_notes_panel(request: HttpRequest) -> home.Panel | None:
    user = request.user
    if not is_director(user):
        return None
    return home.Panel(
        title="Notes to co-sign",
        template="notes/_home_director_panel.html",
        context={"queue_count": cosign_queue_for(user).count()},
        order=31,
    )


def patient_notes_section(request: HttpRequest, patient: Patient) -> home.Panel | None:
    """Links to the patient's session notes and SUD counseling notes, for note readers."""
    if not reads_notes(request.user):
        return None
    return home.Panel(title="Session notes", template="notes/_patient_section.html")


def register_all() -> None:
    from notes import chart, records

    records.register_sections()
    chart.register()
    session_actions.register(write_note_action)
    patient_page.register(patient_notes_section)
    home.register(counselor_notes_panel)
    home.register(director_notes_panel)
