"""Who may read and write session notes (patients: intake.access; sessions: scheduling.access).

Minimum necessary: the clinical director reads every note; a counselor reads the notes
of patients they may see (caseload and their sessions); intake staff read none. Notes
are written and signed by the session's own counselors and the director. A note by a
counselor not yet licensed is co-signed by a licensed counselor or the director, never
by its author. SUD counseling notes: their author and the director only.
Anything not allowed answers 404, like anything not there.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.roles import COUNSELOR, DIRECTOR, Viewer, roles_of
from intake.access import patients_visible_to
from intake.models import Patient
from notes.models import Clinician, CounselingNote, ProgressNote, ProgressNoteQuerySet
from scheduling.access import can_take_attendance, get_session_for_user
from scheduling.models import Session


def reads_notes(user: Viewer) -> bool:
    return bool({COUNSELOR, DIRECTOR} & roles_of(user))


def is_licensed(user: Viewer) -> bool:
    """Licensed unless the director marked them not yet licensed (no row: licensed)."""
    cached = getattr(user, "_iop_licensed", None)
    if cached is None:
        licensed = Clinician.objects.filter(user_id=user.pk, is_licensed=False)  # type: ignore[misc]
        cached = not licensed.exists()
        setattr(user, "_iop_licensed", cached)  # noqa: B010 (a per-request memo on the user)
    return cached


def may_cosign(user: Viewer) -> bool:
    roles = roles_of(user)
    return DIRECTOR in roles or (COUNSELOR in roles and is_licensed(user))


def notes_visible_to(user: Viewer) -> ProgressNoteQuerySet:
    roles = roles_of(user)
    if DIRECTOR in roles:
        return ProgressNote.objects.all()
    if COUNSELOR in roles:
        return ProgressNote.objects.filter(patient__in=patients_visible_to(user))
    return ProgressNote.objects.none()


def cosign_queue_for(user: Viewer) -> QuerySet[ProgressNote]:
    """Notes waiting for a co-signature this user may give, oldest first."""
    if not may_cosign(user):
        return ProgressNote.objects.none()
    return notes_visible_to(user).awaiting_cosign().exclude(signed_by=user).for_list()


def get_session_for_notes(user: Viewer, pk: int) -> Session:
    """A session whose notes the user may write: its own counselors and the director."""
    if not reads_notes(user):
        raise Http404("No such session.")
    session = get_session_for_user(user, pk)
    if not can_take_attendance(user, session):
        raise Http404("No such session.")
    return session


def get_note_for_user(user: Viewer, pk: int) -> ProgressNote:
    try:
        return (
            notes_visible_to(user)
            .select_related(
                "patient",
                "author",
                "signed_by",
                "cosigned_by",
                "session_note__session__session_type",
                "session_note__session__track",
                "session_note__session__room",
            )
            .get(pk=pk)
        )
    except (ProgressNote.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404("No such note.") from exc


def counseling_notes_for(user: Viewer, patient: Patient) -> QuerySet[CounselingNote]:
    return CounselingNote.objects.filter(patient=patient).readable_by(user)
