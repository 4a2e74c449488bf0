"""Session notes on the chart (treatment/timeline.py): one entry per individual part the
user may read, at the session's start, in one query. SUD counseling notes never appear
there: they are kept apart from the record."""

from __future__ import annotations

from django.contrib.auth.models import User

from intake.models import Patient
from notes.access import notes_visible_to
from treatment import timeline


def note_entries(patient: Patient, *, limit: int, user: User) -> list[timeline.Entry]:
    rows = (
        notes_visible_to(user)
        .filter(patient=patient)
        .select_related("session_note__session__session_type", "session_note__session__track")
        .order_by("-session_note__session__start", "-pk")[:limit]
    )
    return [
        timeline.Entry(
            note.session_note.session.start,
            "note",
            f"Session note: {note.session_note.session.title}",
            note.status_label
            + (
                f", late: written {note.written_on:%b} {note.written_on.day}"
                if note.is_late
                else ""
            ),
            note.get_absolute_url,
        )
        for note in rows
    ]


def register() -> None:
    timeline.register("note", "Session notes", note_entries, order=55)
