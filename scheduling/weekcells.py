"""The week grid's blocks as HTML, built once per session in Python.

A program's week at a busy site has some 600 blocks; drawn by the template, each cost a
dozen variable lookups, filters and a URL reversal. Here each block is one format
string, with every text escaped, the URL made from one reversal and the clock times
formatted once per distinct time of day. The markup is the template's
(templates/scheduling/week.html keeps the rest of the page).
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts import clinic_dates
from scheduling import clinictime
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
    s = block.item
    classes = " is-cancelled" if s.is_cancelled else ""
    if block.span < 4:
        classes += " is-short"
    elif block.span >= 8:
        classes += " is-long"
    type_name = _text(s.session_type.name)
    count = s.attendee_count
    counselors = ""
    if shows_counselors and s.counselor_names:
        counselors = " · " + ", ".join(_text(name) for name in s.counselor_names)
    return mark_safe(  # noqa: S308 (every text in it is escaped above)
        BLOCK.format(
            url=f"{head}{s.pk}{tail}",
            slug=_text(s.session_type.slug),
            row=block.row,
            span=block.span,
            column=block.column,
            columns=block.columns,
            classes=classes,
            time=_time_range(
                clinictime.local(s.start).timetz().replace(tzinfo=None),
                clinictime.local(s.end).timetz().replace(tzinfo=None),
            ),
            flag='<span class="wk-flag">Cancelled:</span> ' if s.is_cancelled else "",
            title=_text(s.track.name) if s.track_id else type_name,
            room=_text(s.room.name),
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
