"""Small server-rendered SVG charts: lines over dates and bars, nothing else.

Every chart is an <svg role="img"> with a <title> and a <desc> (what a screen reader
says), draws with classes and presentation attributes only (the CSP forbids inline
style), and is meant to be followed on the page by a table of the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 36


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]
    css: str = "s1"  # the line's class: s1 ... s4


@dataclass(frozen=True)
class Shade:
    low: float
    high: float
    label: str
    css: str = "band"  # "band" or "band-alert"


@dataclass(frozen=True)
class Marker:
    on: date
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden (e.g. fewer than 5), drawn as an outline
    text: str = ""  # what the bar says instead of its value


@dataclass
class _Frame:
    start: date
    end: date
    y_max: float
    width: int = WIDTH
    height: int = HEIGHT
    parts: list[str] = field(default_factory=list)

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return LEFT + (self.width - LEFT - RIGHT) * (day - self.start).days / span

    def y(self, value: float) -> float:
        inner = self.height - TOP - BOTTOM
        return TOP + inner * (1 - min(max(value, 0), self.y_max) / (self.y_max or 1))


def _tag(name: str, inner: str = "", **attrs: object) -> str:
    """One SVG element; attribute names use _ for - (text-anchor) and css for class."""
    parts = []
    for key, value in attrs.items():
        key = "class" if key == "css" else key.replace("_", "-")
        parts.append(f'{key}="{value:.1f}"' if isinstance(value, float) else f'{key}="{value}"')
    body = " ".join(parts)
    return f"<{name} {body}>{inner}</{name}>" if inner else f"<{name} {body}/>"


def _open(title: str, desc: str, width: int, height: int, css: str) -> tuple[str, list[str]]:
    n = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-{n}-t chart-{n}-d" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart-{n}-t">{escape(title)}</title>'
        f'<desc id="chart-{n}-d">{escape(desc)}</desc>'
    )
    return head, []


def _y_axis(frame: _Frame, ticks: Sequence[float]) -> None:
    for tick in ticks:
        y = frame.y(tick)
        frame.parts.append(
            _tag("line", css="grid", x1=LEFT, x2=frame.width - RIGHT, y1=y, y2=y)
            + _tag("text", f"{tick:g}", css="tick", x=LEFT - 6, y=y + 4, text_anchor="end")
        )


def _x_axis(frame: _Frame, days: Sequence[date]) -> None:
    base = frame.height - BOTTOM
    frame.parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{frame.width - RIGHT}" y1="{base}" y2="{base}"/>'
    )
    shown = sorted(set(days))
    step = max(1, len(shown) // 6)
    for day in shown[::step]:
        frame.parts.append(
            f'<text class="tick" x="{frame.x(day):.1f}" y="{base + 16}" text-anchor="middle">'
            f"{day:%b} {day.day}</text>"
        )


def line_chart(
    *,
    title: str,
    desc: str,
    start: date,
    end: date,
    y_max: float,
    series: Sequence[Series],
    shades: Sequence[Shade] = (),
    markers: Sequence[Marker] = (),
    ticks: Sequence[float] = (),
) -> SafeString:
    """Lines over dates from `start` to `end`, with shaded bands and dated markers."""
    frame = _Frame(start, max(end, start), y_max)
    head, _ = _open(title, desc, frame.width, frame.height, "chart-line")
    for shade in shades:
        top, bottom = frame.y(shade.high), frame.y(shade.low)
        frame.parts.append(
            _tag("rect", f"<title>{escape(shade.label)}</title>", css=shade.css, x=LEFT, y=top,
                 width=frame.width - LEFT - RIGHT, height=max(bottom - top, 1.0))
        )  # fmt: skip
    _y_axis(frame, ticks or (0, y_max / 2, y_max))
    _x_axis(frame, [day for s in series for day, _ in s.points] or [start, end])
    for marker in markers:
        x = frame.x(marker.on)
        frame.parts.append(
            _tag("line", css="marker", x1=x, x2=x, y1=TOP, y2=frame.height - BOTTOM)
            + _tag("text", escape(marker.label), css="marker-label", x=x + 3, y=TOP + 10)
        )
    for line in series:
        _draw_series(frame, line)
    return mark_safe(head + "".join(frame.parts) + "</svg>")  # noqa: S308  (every text escaped)


def _draw_series(frame: _Frame, line: Series) -> None:
    points = sorted(line.points)
    if len(points) > 1:
        path = " ".join(f"{frame.x(d):.1f},{frame.y(v):.1f}" for d, v in points)
        frame.parts.append(f'<polyline class="line {line.css}" fill="none" points="{path}"/>')
    for day, value in points:
        label = f"{escape(line.label)}, {day:%b} {day.day}, {day.year}: {value:g}"
        frame.parts.append(
            _tag("circle", f"<title>{label}</title>", css=f"dot {line.css}",
                 cx=frame.x(day), cy=frame.y(value), r=3.5)
        )  # fmt: skip


def bar_chart(*, title: str, desc: str, bars: Sequence[Bar], unit: str = "") -> SafeString:
    """Vertical bars, one per label; a hidden value is an outlined bar with its text."""
    width, height = max(WIDTH, LEFT + RIGHT + 36 * len(bars)), HEIGHT
    y_max = max([b.value for b in bars if b.value is not None] or [1]) or 1
    frame = _Frame(date.min, date.min, y_max, width, height)
    head, _ = _open(title, desc, width, height, "chart-bar")
    _y_axis(frame, (0, round(y_max / 2, 1), y_max))
    slot = (width - LEFT - RIGHT) / max(len(bars), 1)
    base = height - BOTTOM
    for i, bar in enumerate(bars):
        x = LEFT + slot * i + slot * 0.15
        w = slot * 0.7
        if bar.value is None:
            frame.parts.append(
                _tag("rect", f"<title>{escape(bar.label)}: {escape(bar.text)}</title>",
                     css="bar-hidden", x=x, y=TOP, width=w, height=base - TOP)
            )  # fmt: skip
        else:
            top = frame.y(bar.value)
            text = escape(bar.text or f"{bar.value:g}{unit}")
            frame.parts.append(
                _tag("rect", f"<title>{escape(bar.label)}: {text}</title>",
                     css="bar", x=x, y=top, width=w, height=max(base - top, 0.0))
            )  # fmt: skip
        frame.parts.append(
            f'<text class="tick" x="{x + w / 2:.1f}" y="{base + 16}" text-anchor="middle">'
            f"{escape(_short(bar.label, max(4, int(slot / 6.5))))}</text>"
        )
    frame.parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{width - RIGHT}" y1="{base}" y2="{base}"/>'
    )
    return mark_safe(head + "".join(frame.parts) + "</svg>")  # noqa: S308  (every text escaped)


def _short(label: str, limit: int = 12) -> str:
    """An axis label that fits its slot: a date loses its year first (the table has it)."""
    if len(label) > limit and re.search(r", \d{4}$", label):
        label = label[:-6]
    return label if len(label) <= limit else label[: limit - 1] + "…"
