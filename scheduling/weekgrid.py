"""Lay a week's sessions out on a time grid: pure, no ORM.

Rows are quarter hours of the clinic's wall clock; columns are the seven days.
A block sits where its local start time is and spans to its local end time, so on
the day clocks go forward a 09:00 group still sits in the 09:00 row. Overlapping
blocks of one day share the column in lanes. The template turns the numbers into
CSS classes (schedule.css), never inline styles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from scheduling import clinictime

SLOT_MINUTES = 15
DEFAULT_FIRST_HOUR = 8
DEFAULT_LAST_HOUR = 21  # the grid ends at this hour
MAX_LANES = 4


@dataclass
class Block:
    item: Any
    start_minute: int  # minutes after local midnight
    end_minute: int
    row: int = 1  # 1-based quarter-hour row inside the day
    span: int = 1
    lane: int = 0
    lanes: int = 1  # lanes of its cluster of overlapping blocks
    column: int = 1  # 1-based column inside the day, and how many it spans
    columns: int = 1
    html: str = ""  # the block drawn (scheduling.weekcells)


@dataclass
class Day:
    date: date
    is_today: bool
    blocks: list[Block] = field(default_factory=list)
    lanes: int = 1
    html: str = ""  # its blocks drawn (scheduling.weekcells)


@dataclass
class WeekGrid:
    monday: date
    days: list[Day]
    first_hour: int
    last_hour: int

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * 60 // SLOT_MINUTES

    @property
    def hours(self) -> list[tuple[int, int]]:
        """(hour, row) of each hour line."""
        per_hour = 60 // SLOT_MINUTES
        return [
            (hour, (hour - self.first_hour) * per_hour + 1)
            for hour in range(self.first_hour, self.last_hour)
        ]

    @property
    def is_empty(self) -> bool:
        return not any(day.blocks for day in self.days)


def local_minutes(start: datetime, end: datetime) -> tuple[date, int, int]:
    """Local date, start and end minute of the day (end capped at midnight)."""
    local_start, local_end = clinictime.local(start), clinictime.local(end)
    start_minute = local_start.hour * 60 + local_start.minute
    if local_end.date() > local_start.date():
        end_minute = 24 * 60
    else:
        end_minute = local_end.hour * 60 + local_end.minute
    return local_start.date(), start_minute, max(end_minute, start_minute + SLOT_MINUTES)


def build_week(
    items: list[Any], *, monday: date, today: date, when=lambda item: (item.start, item.end)
) -> WeekGrid:
    days = {d: Day(date=d, is_today=d == today) for d in clinictime.week_days(monday)}
    first_hour, last_hour = DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    for item in items:
        day, start_minute, end_minute = local_minutes(*when(item))
        if day not in days:  # began the Sunday before, late at night
            continue
        days[day].blocks.append(Block(item, start_minute, end_minute))
        first_hour = min(first_hour, start_minute // 60)
        last_hour = max(last_hour, -(-end_minute // 60))
    grid = WeekGrid(
        monday=monday, days=list(days.values()), first_hour=first_hour, last_hour=last_hour
    )
    for column in grid.days:
        _place(column, first_hour)
    return grid


def _place(day: Day, first_hour: int) -> None:
    blocks = sorted(day.blocks, key=lambda b: (b.start_minute, -b.end_minute))
    origin = first_hour * 60
    cluster: list[Block] = []
    lane_ends: list[int] = []
    cluster_end = -1
    for block in blocks:
        block.row = (block.start_minute - origin) // SLOT_MINUTES + 1
        block.span = max(1, -(-(block.end_minute - block.start_minute) // SLOT_MINUTES))
        if block.start_minute >= cluster_end:
            _close(cluster, lane_ends)
            cluster, lane_ends = [], []
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= block.start_minute:
                block.lane, lane_ends[lane] = lane, block.end_minute
                break
        else:
            block.lane = min(len(lane_ends), MAX_LANES - 1)
            if len(lane_ends) < MAX_LANES:
                lane_ends.append(block.end_minute)
        cluster.append(block)
        cluster_end = max(cluster_end, block.end_minute)
    _close(cluster, lane_ends)
    day.blocks = blocks
    day.lanes = max((b.lanes for b in blocks), default=1)
    for block in blocks:
        width = day.lanes // block.lanes
        block.column, block.columns = block.lane * width + 1, width


def _close(cluster: list[Block], lane_ends: list[int]) -> None:
    for block in cluster:
        block.lanes = max(1, len(lane_ends))
