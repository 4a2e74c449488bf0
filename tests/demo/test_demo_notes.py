"""The demo clinic's session notes: most signed on time, some late, some due, one overdue,
one waiting for co-signature, two nearly identical drafts; loaded once."""

from datetime import date, time

from demo.notes import ensure_demo_notes
from demo.schedule import ensure_demo_schedule
from notes.access import is_licensed
from notes.models import ProgressNote, SessionNote
from notes.pending import notes_due_for
from notes.services import near_duplicates
from scheduling import clinictime


def test_the_demo_notes_are_lively_and_idempotent(db, frozen_now):
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(13, 5)))  # a Wednesday
    ensure_demo_schedule()
    first = ensure_demo_notes()
    assert first.sessions >= 10 and first.signed >= 20
    signed = ProgressNote.objects.signed()
    assert signed.filter(is_late=True).exists() and signed.filter(is_late=False).exists()
    waiting = list(ProgressNote.objects.awaiting_cosign())
    assert len(waiting) == 1
    assert waiting[0].signed_by.username == "counselor3"
    assert not is_licensed(waiting[0].signed_by)
    drafts = [n for n in ProgressNote.objects.drafts() if n.text]
    assert near_duplicates(drafts)  # the page of that session warns
    counselor = SessionNote.objects.first().author
    today = clinictime.today()
    due = notes_due_for(counselor, today)
    assert any(d.late for d in due) and any(not d.late for d in due)

    counts = (SessionNote.objects.count(), ProgressNote.objects.count())
    again = ensure_demo_notes()
    assert (again.sessions, again.signed) == (0, 0)
    assert (SessionNote.objects.count(), ProgressNote.objects.count()) == counts
