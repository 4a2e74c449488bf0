"""The week grid's sessions, read as plain rows, and its blocks as HTML built once per
session in Python.

A program's week at a busy site has some 600 blocks; drawn by the template, each cost a
dozen variable lookups, filters and a URL reversal. Here each block is one format
string, with every text escaped, the URL made from one reversal and the clock times
formatted once per distinct time of day. The sessions come from one query as tuples of
the values drawn (no model instances, four per block with their type, track and room).
The markup is the template's (templates/scheduling/week.html keeps the rest of the page).
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import NamedTuple

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts import clinic_dates
from scheduling import clinictime
from scheduling.models import Session, SessionQuerySet
from scheduling.weekgrid import Block, Day

_SENTINEL = 987654321

BLOCK = (
    '<a href="{url}" class="wk-block st-{slug} wk-r{row} wk-s{span} wk-c{column} '
    'wk-cs{columns}{classes}">'
    '<span class="wk-time">{time}</span>'
    '<span class="wk-title">{flag}{title}</span>'
    '<span class="wk-meta">{room}{kind}</span>'
    '<span class="wk-meta">{patients}{counselors}</span>'
    "</a>"
)


class GridSession(NamedTuple):
    """What a block shows of a session."""

    pk: int
    start: datetime
    end: datetime
    status: str
    track_id: int | None
    track_name: str | None
    type_slug: str
    type_name: str
    type_order: int
    room_name: str
    attendee_count: int
    counselor_names: list[str] | tuple[str, ...] = ()

    @property
    def is_cancelled(self) -> bool:
        return self.status == Session.Status.CANCELLED


FIELDS = (
    "pk",
    "start",
    "end",
    "status",
    "track_id",
    "track__name",
    "session_type__slug",
    "session_type__name",
    "session_type__order",
    "room__name",
    "attendee_count",
)


def grid_sessions(sessions: SessionQuerySet, *, shows_counselors: bool) -> list[GridSession]:
    """The sessions in one query (SessionQuerySet.for_grid), in order of start."""
    rows = sessions.for_grid(counselor_names=shows_counselors).values_list(
        *FIELDS, *(["counselor_names"] if shows_counselors else [])
    )
    return [GridSession(*row) for row in rows]


class LegendEntry(NamedTuple):
    slug: str
    name: str


def legend(items: list[GridSession]) -> list[LegendEntry]:
    """The session types of the week, in their order."""
    types = {s.type_slug: (s.type_order, s.type_name) for s in items}
    return [
        LegendEntry(slug, name)
        for slug, (_, name) in sorted(types.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    ]


@lru_cache(maxsize=1024)
def _time_range(start: time, end: time) -> str:
    return escape(clinic_dates.time_range(start, end))


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return escape(value)


def _url_pattern() -> tuple[str, str]:
    url = reverse("scheduling:session-detail", args=[_SENTINEL])
    head, _, tail = url.partition(str(_SENTINEL))
    return head, tail


def block_html(block: Block, *, head: str, tail: str, shows_counselors: bool) -> SafeString:
    s: GridSession = block.item
    cancelled = s.is_cancelled
    classes = " is-cancelled" if cancelled else ""
    if block.span < 4:
        classes += " is-short"
    elif block.span >= 8:
        classes += " is-long"
    type_name = _text(s.type_name)
    count = s.attendee_count
    counselors = ""
    if shows_counselors and s.counselor_names:
        counselors = " · " + ", ".join(_text(name) for name in s.counselor_names)
    return mark_safe(  # noqa: S308 (every text in it is escaped above)
        BLOCK.format(
            url=f"{head}{s.pk}{tail}",
            slug=_text(s.type_slug),
            row=block.row,
            span=block.span,
            column=block.column,
            columns=block.columns,
            classes=classes,
            time=_time_range(
                clinictime.local(s.start).time(),
                clinictime.local(s.end).time(),
            ),
            flag='<span class="wk-flag">Cancelled:</span> ' if cancelled else "",
            title=_text(s.track_name) if s.track_id else type_name,
            room=_text(s.room_name),
            kind=f'<span class="visually-hidden">, {type_name}</span>' if s.track_id else "",
            patients=f"{count} patient{'' if count == 1 else 's'}",
            counselors=counselors,
        )
    )


def add_cells(days: list[Day], *, shows_counselors: bool) -> None:
    """Set `html` on every block of the grid's days, and on each day (its blocks')."""
    head, tail = _url_pattern()
    for day in days:
        for block in day.blocks:
            block.html = block_html(block, head=head, tail=tail, shows_counselors=shows_counselors)
        day.html = mark_safe("\n".join(block.html for block in day.blocks))  # noqa: S308
