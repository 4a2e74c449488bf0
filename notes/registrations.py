"""What notes contributes to the pages of the apps below it: the "Write the note" link
on a session's page (scheduling.session_actions) and the staff home panels
(accounts.home). Called from NotesConfig.ready."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts import home
from accounts.roles import is_counselor, is_director
from intake import patient_page
from intake.models import Patient
from notes.access import cosign_queue_for, may_cosign, reads_notes
from notes.models import ProgressNote
from notes.pending import notes_due_for
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
