"""Individual parts still to sign, for the counselor's home and the director's dashboard.

The due rule itself is notes.due; this module only asks the database for the attended
patients whose note is unsigned, in one query per list or count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from notes import due
from notes.models import ProgressNote
from notes.services import ATTENDED
from scheduling import clinictime
from scheduling.models import Attendee, Session


def unsigned_attendees() -> QuerySet[Attendee]:
    """Patients who came to a session held so far whose individual part is not signed
    (none written, or a draft). An anti-join, not an outer join with an OR: the
    database then estimates the rows well and hashes the sessions at any size."""
    signed = ProgressNote.objects.filter(attendee=OuterRef("pk"), signed_at__isnull=False)
    return Attendee.objects.filter(
        ~Exists(signed),
        session__status=Session.Status.SCHEDULED,
        session__start__lte=timezone.now(),
        attendance__in=ATTENDED,
    )


def overdue_attendees(today: date) -> QuerySet[Attendee]:
    """Those whose note is past its due day (the end of the next business day)."""
    through = due.last_overdue_session_day(today)
    return unsigned_attendees().filter(
        session__start__lt=clinictime.local_midnight(through + timedelta(days=1))
    )


@dataclass(frozen=True)
class Tally:
    notes: int
    patients: int


def tally(found: QuerySet) -> Tally:
    """How many rows and distinct patients, in one query. The rows must not repeat: filter
    through subqueries (`__in`, Exists), not joins to many rows (counting distinct rows
    would sort every one of them)."""
    row = found.aggregate(notes=Count("*"), patients=Count("patient", distinct=True))
    return Tally(row["notes"], row["patients"])


def awaiting_cosign() -> QuerySet[ProgressNote]:
    return ProgressNote.objects.awaiting_cosign()


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
        unsigned_attendees()
        .filter(session__counselor_links__counselor=user)
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
