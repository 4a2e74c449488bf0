"""A counselor's sessions as an iCalendar (RFC 5545) feed for calendar apps.

Only what a lock screen may show: session type, track, room and time. Never a
patient's name; an individual session reads "Individual counseling".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from scheduling import clinictime
from scheduling.models import Session

PAST_DAYS = 60
FUTURE_DAYS = 180
PRODID = "-//iop//clinic schedule//EN"
EVENT_SECONDS = 7 * 24 * 3600
EVENT_RELATED = ("session_type", "track", "room")


def build_calendar(
    sessions: QuerySet[Session],
    *,
    owner: str,
    now: datetime,
    names_version: str = "",
    owner_id: int | None = None,
) -> bytes:
    """The feed. Each event's text depends only on its session's row and the names it
    shows, so the events of the owner's last build are kept in the cache under those
    (`names_version` moves on when a room, track or type is renamed): after one session
    changes, only its event is built again."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.CLINIC_NAME}: {owner}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # every event is in the clinic's zone: its transitions the events need, not fifty
    # years of them
    today = clinictime.local(now).date()
    cal.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=date(today.year - 1, 1, 1),
            last_date=date(today.year + 2, 1, 1),
        )
    )
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical().removesuffix(end)
    return head + b"".join(_events(sessions, names_version, owner_id)) + end


def _events(sessions: QuerySet[Session], names_version: str, owner_id: int | None) -> list[bytes]:
    """Each session's event, from the owner's last build where its row is unchanged (one
    cache entry per feed, holding the events of its last build only); only the sessions
    that changed are read whole."""
    key = f"ical:events:{owner_id}:{names_version}:{_domain()}"
    before: dict[tuple[int, float], bytes] = (cache.get(key) or {}) if owner_id else {}
    rows = [(pk, stamp.timestamp()) for pk, stamp in sessions.values_list("pk", "updated_at")]
    missing = [pk for pk, stamp in rows if (pk, stamp) not in before]
    whole = (
        {s.pk: s for s in sessions.filter(pk__in=missing).select_related(*EVENT_RELATED)}
        if missing
        else {}
    )
    now: dict[tuple[int, float], bytes] = {}
    for row in rows:
        cached = before.get(row)
        if cached is None:
            session = whole.get(row[0])
            if session is None:  # changed between the two reads: the next build has it
                continue
            cached = _event(session).to_ical()
        now[row] = cached
    if owner_id and now != before:
        cache.set(key, now, EVENT_SECONDS)
    return list(now.values())


def summary(session: Session) -> str:
    if session.track is not None:
        return f"{session.session_type.name}: {session.track.name}"
    return session.session_type.name


def _event(session: Session) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@{_domain()}")
    # when this version of the event was made: the same in every build of the feed
    event.add("dtstamp", session.updated_at)
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
