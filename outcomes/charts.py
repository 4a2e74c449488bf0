"""A patient's measures over time: one chart per subscale or score, with its table.

Both BAM versions may appear on one chart: they are separate lines with their own
names (the 7-day and the 30-day version are scored on different recodes), and the
chart's description says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.safestring import SafeString

from accounts import clinic_dates
from intake.models import LevelChange
from outcomes import scales, svg
from outcomes.models import Measurement

LINE_CSS = {scales.BAM_7: "s1", scales.BAM_30: "s2", scales.PHQ9: "s1", scales.GAD7: "s1"}
SHORT = {scales.BAM_7: "7-day BAM", scales.BAM_30: "30-day BAM"}


@dataclass(frozen=True)
class Row:
    taken_on: date
    version: str
    value: int
    band: str
    alert: bool


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    rows: list[Row]
    mixes_versions: bool
    note: str


def _markers(history: list[LevelChange], start: date, end: date) -> list[svg.Marker]:
    found = []
    for entry in history:
        day = entry.admission.start_date
        if start <= day <= end:
            found.append(svg.Marker(day, f"{entry.admission.program.code} ({entry.change})"))
    return found


def _range(measurements: list[Measurement], history: list[LevelChange]) -> tuple[date, date]:
    days = [m.taken_on for m in measurements]
    start, end = min(days), max(days)
    if start == end:
        start, end = start - timedelta(7), end + timedelta(7)
    return start, end


def _chart(key: str, kinds: tuple[str, ...], scale: scales.Scale, found: list[Measurement],
           history: list[LevelChange]) -> Chart:  # fmt: skip
    start, end = _range(found, history)
    versions = sorted({m.kind for m in found})
    series = [
        svg.Series(
            SHORT.get(kind, scale.label),
            [(m.taken_on, m.scores[scale.key]) for m in found if m.kind == kind],
            LINE_CSS[kind],
        )
        for kind in versions
    ]
    shades = [
        svg.Shade(
            b.low, b.high, f"{b.label} ({b.low}-{b.high})", "band-alert" if b.alert else "band"
        )
        for b in scale.bands
        if b.alert
    ]
    mixes = len(versions) > 1
    note = (
        "Two versions on one chart: the 7-day and the 30-day BAM are separate lines; "
        "their day counts are recoded differently, so compare each line with itself."
        if mixes
        else ""
    )
    last = found[-1]
    latest = last.scores[scale.key]
    desc = (
        f"{len(found)} measurement{'s' if len(found) != 1 else ''} from "
        f"{clinic_dates.day(start)} to {clinic_dates.day(end)}; latest {latest} of "
        f"{scale.maximum} on {clinic_dates.day(last.taken_on)} "
        f"({scales.band_of(scale, latest).label}). "
        f"Shaded: {', '.join(s.label for s in shades) or 'none'}. "
        + ("Level-of-care changes are marked. " if _markers(history, start, end) else "")
        + note
    )
    rows = [
        Row(m.taken_on, SHORT.get(m.kind, scale.label), m.scores[scale.key],
            (band := scales.band_of(scale, m.scores[scale.key])).label, band.alert)
        for m in found
    ]  # fmt: skip
    ticks = (0, scale.maximum / 2, scale.maximum)
    title = (
        f"BAM {scale.label} over time" if kinds == scales.BAM_KINDS else f"{scale.label} over time"
    )
    image = svg.line_chart(
        title=title,
        desc=desc,
        start=start,
        end=end,
        y_max=scale.maximum,
        series=series,
        shades=shades,
        markers=_markers(history, start, end),
        ticks=ticks,
    )
    return Chart(key, title, image, rows, mixes, note)


def charts_for(measurements: list[Measurement], history: list[LevelChange]) -> list[Chart]:
    """The patient's charts, BAM subscales first, then PHQ-9 and GAD-7."""
    charts: list[Chart] = []
    bams = [m for m in measurements if m.kind in scales.BAM_KINDS]
    if bams:
        for scale in scales.BAM_SCALES:
            charts.append(_chart(f"bam-{scale.key}", scales.BAM_KINDS, scale, bams, history))
    for kind, scale in ((scales.PHQ9, scales.PHQ9_SCALE), (scales.GAD7, scales.GAD7_SCALE)):
        found = [m for m in measurements if m.kind == kind]
        if found:
            charts.append(_chart(kind, (kind,), scale, found, history))
    return charts
