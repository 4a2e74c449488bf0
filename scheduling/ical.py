"""A counselor's sessions as an iCalendar (RFC 5545) feed for calendar apps.

Only what a lock screen may show: session type, track, room and time. Never a
patient's name; an individual session reads "Individual counseling".

The calendar's head (its properties and the clinic's VTIMEZONE) is made by the
icalendar library, once per build; the events, hundreds of them, are written here as
text from one query's rows, as the library would write them (the same lines, in the
same order): through its object model they took about 0.3 ms each.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
from django.conf import settings
from django.db.models import QuerySet

from scheduling import clinictime, limits
from scheduling.models import Session

# The window of sessions a feed holds (calendar apps mirror it, dropping what leaves it):
# back as far as a session may still be booked or moved (older ones are settled, and
# without patients' names of little use on a phone), half a year ahead
PAST_DAYS = limits.SESSION_PAST_DAYS
FUTURE_DAYS = 180
PRODID = "-//iop//clinic schedule//EN"
END = "END:VCALENDAR\r\n"
# what an event shows, and nothing else: no attendee, note or cancel reason is read
EVENT_FIELDS = (
    "pk",
    "start",
    "end",
    "created_at",
    "updated_at",
    "status",
    "session_type__name",
    "track__name",
    "room__name",
)
FOLD_OCTETS = 75


def build_calendar(sessions: QuerySet[Session], *, owner: str, now: datetime) -> bytes:
    """The feed: its head, then one event per session, in the queryset's order."""
    uid = f"@{_domain()}"
    zone = clinictime.clinic_zone()
    # the lines made of names, folded: a few rooms, tracks and types for hundreds of rows
    named: dict[tuple[str, str | None, str], tuple[str, str, str]] = {}
    parts = [_head(owner, clinictime.local(now).date())]
    rows = sessions.values_list(*EVENT_FIELDS)
    for pk, start, end, created_at, updated_at, status, kind, track, room in rows:
        key = (kind, track, room)
        text = named.get(key) or named.setdefault(key, _named_lines(*key))
        # when this version of the event was made: the same in every build of the feed
        stamp = f"{updated_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        # calendar apps keep the newest version of an event by its sequence number
        sequence = int((updated_at - created_at) / timedelta(seconds=1))
        state = "CANCELLED" if status == Session.Status.CANCELLED else "CONFIRMED"
        parts.append(
            f"BEGIN:VEVENT\r\n{text[0]}"
            f"DTSTART;TZID={zone.key}:{start.astimezone(zone):%Y%m%dT%H%M%S}\r\n"
            f"DTEND;TZID={zone.key}:{end.astimezone(zone):%Y%m%dT%H%M%S}\r\n"
            f"DTSTAMP:{stamp}\r\n{fold(f'UID:session-{pk}{uid}')}\r\nSEQUENCE:{sequence}\r\n"
            f"{text[1]}LAST-MODIFIED:{stamp}\r\n{text[2]}"
            f"STATUS:{state}\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n"
        )
    parts.append(END)
    return "".join(parts).encode()


def _head(owner: str, today: date) -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.CLINIC_NAME}: {owner}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    # every event is in the clinic's zone: its transitions the events need, not fifty
    # years of them
    cal.add_component(
        icalendar.Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=date(today.year - 1, 1, 1),
            last_date=date(today.year + 2, 1, 1),
        )
    )
    return cal.to_ical().decode().removesuffix(END)


def summary(type_name: str, track_name: str | None) -> str:
    return f"{type_name}: {track_name}" if track_name is not None else type_name


def _named_lines(type_name: str, track_name: str | None, room_name: str) -> tuple[str, str, str]:
    """An event's lines made of its type, track and room names, each ending in CRLF, in
    three runs (the lines in between are the event's own): SUMMARY; CATEGORIES and
    DESCRIPTION; LOCATION."""
    kind, room = escape(type_name), escape(room_name)
    track = escape(track_name) if track_name is not None else None
    shown = [f"Type: {kind}", *([f"Track: {track}"] if track is not None else []), f"Room: {room}"]
    description = "\\n".join(shown)  # the escaped line break
    return (
        f"{fold(f'SUMMARY:{summary(kind, track)}')}\r\n",
        f"{fold(f'CATEGORIES:{kind}')}\r\n{fold(f'DESCRIPTION:{description}')}\r\n",
        f"{fold(f'LOCATION:{room}')}\r\n",
    )


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, and a
    line break of any kind written as \\n."""
    if not any(c in text for c in "\\;,\r\n"):
        return text
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded (RFC 5545 3.1) as the icalendar library folds it: lines of
    fewer than 75 octets, never split inside a character, nor just after a backslash
    (some apps misread an escape split across two lines)."""
    if len(line) < FOLD_OCTETS and line.isascii():
        return line
    pieces: list[str] = []
    current: list[str] = []
    octets = 0
    for char in line:
        size = len(char.encode())
        if current and octets + size >= FOLD_OCTETS:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            octets = len(carried)
        current.append(char)
        octets += size
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _domain() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    return hosts[0] if hosts else "iop.invalid"
