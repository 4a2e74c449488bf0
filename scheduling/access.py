"""Who may see and do what with sessions and tracks (patients: intake.access decides).

Intake staff and directors see every session. A counselor sees the sessions they run
and those with a patient they may see; anything else answers 404. Only a session's
own counselors and directors take attendance and write notes; intake staff, directors
and the session's counselors may move or cancel it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, Viewer, roles_of
from intake.access import patients_visible_to
from scheduling.models import Attendee, Session, Track


def session_patient_ids(user: User) -> QuerySet:
    """Patients in a session `user` runs, from ACCESS_SESSION_DAYS_BEFORE days before it
    starts until ACCESS_SESSION_DAYS_AFTER days after it ends; cancelled sessions (booked
    in error, called off) give nothing. Registered with intake.access in `ready()`."""
    now = timezone.now()
    return Attendee.objects.filter(
        session__counselors=user,
        session__status=Session.Status.SCHEDULED,
        session__start__lte=now + timedelta(days=settings.ACCESS_SESSION_DAYS_BEFORE),
        session__end__gte=now - timedelta(days=settings.ACCESS_SESSION_DAYS_AFTER),
    ).values("patient_id")


def sees_everything(user: Viewer) -> bool:
    roles = roles_of(user)
    return INTAKE in roles or DIRECTOR in roles


def runs_session(user: Viewer, session: Session) -> bool:
    return any(link.counselor_id == user.pk for link in session.counselor_links.all())


def can_take_attendance(user: Viewer, session: Session) -> bool:
    return DIRECTOR in roles_of(user) or runs_session(user, session)


def can_change_session(user: Viewer, session: Session) -> bool:
    return sees_everything(user) or runs_session(user, session)


def get_session_for_user(user: Viewer, pk: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related(
            "session_type", "track__program", "room", "cancelled_by"
        ).prefetch_related("counselor_links__counselor"),
        pk=pk,
    )
    if sees_everything(user) or runs_session(user, session):
        return session
    if (
        COUNSELOR in roles_of(user)
        and session.attendees.filter(patient__in=patients_visible_to(user)).exists()
    ):
        return session
    raise Http404("No such session.")


def get_track_for_user(user: Viewer, pk: int) -> Track:
    # tracks are the clinic's timetable, not patient data: every staff role sees them
    return get_object_or_404(
        Track.objects.select_related(
            "program",
            "session_type",
            "room",
            "lead_counselor",
            "co_facilitator",
            "series_cancelled_by",
        ),
        pk=pk,
    )


def leads_track(user: Viewer, track: Track) -> bool:
    return user.pk in (track.lead_counselor_id, track.co_facilitator_id)
