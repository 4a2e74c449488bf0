"""A counselor's sessions as an iCalendar (RFC 5545) feed for calendar apps.

Only what a lock screen may show: session type, track, room and time. Never a
patient's name; an individual session reads "Individual counseling".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import icalendar
from django.conf import settings

from scheduling import clinictime
from scheduling.models import Session

PAST_DAYS = 60
FUTURE_DAYS = 180
PRODID = "-//iop//clinic schedule//EN"


def build_calendar(sessions: Iterable[Session], *, owner: str, now: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.CLINIC_NAME}: {owner}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        cal.add_component(_event(session, now))
    # the transitions the events need, not fifty years of them
    today = clinictime.local(now).date()
    cal.add_missing_timezones(
        first_date=date(today.year - 1, 1, 1), last_date=date(today.year + 2, 1, 1)
    )
    if not cal.timezones:  # no events: still say which zone the clinic is in
        cal.add_component(
            icalendar.Timezone.from_tzid(
                settings.TIME_ZONE,
                first_date=date(today.year - 1, 1, 1),
                last_date=date(today.year + 2, 1, 1),
            )
        )
    return cal.to_ical()


def summary(session: Session) -> str:
    if session.track is not None:
        return f"{session.session_type.name}: {session.track.name}"
    return session.session_type.name


def _event(session: Session, now: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@{_domain()}")
    event.add("dtstamp", now)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", clinictime.local(session.start))
    event.add("dtend", clinictime.local(session.end))
    event.add("summary", summary(session))
    event.add("location", session.room.name)
    lines = [f"Type: {session.session_type.name}"]
    if session.track is not None:
        lines.append(f"Track: {session.track.name}")
    lines.append(f"Room: {session.room.name}")
    event.add("description", "\n".join(lines))
    event.add("categories", [session.session_type.name])
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    # calendar apps keep the newest version of an event by its sequence number
    event.add("sequence", int((session.updated_at - session.created_at) / timedelta(seconds=1)))
    return event


def _domain() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    return hosts[0] if hosts else "iop.invalid"
