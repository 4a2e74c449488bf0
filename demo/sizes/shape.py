"""The benchmark clinics' shape: site names, head counts, track patterns and the
fixed inputs the seeding draws from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from programs.models import Program

SITES_BY_SIZE = {"small": 0, "clinic": 1, "large": 10}
SITE_NAMES = (
    "Downtown",
    "Eastside",
    "Westside",
    "Harbor",
    "Valley",
    "Northgate",
    "Southbay",
    "Midtown",
    "Lakeside",
    "Hillcrest",
)
HISTORY_WEEKS = 8
AHEAD_WEEKS = 4
SLOT_MINUTES = 15
DAY_START = time(8, 0)
DAY_SLOTS = 13 * 60 // SLOT_MINUTES  # 08:00 to 21:00
WEEKDAYS = (0, 1, 2, 3, 4)
BATCH = 5000


@dataclass(frozen=True)
class SiteShape:
    """One site's head counts (the benchmark's clinic: 30 staff, 12 rooms, 200 active patients)."""

    intake: int
    counselors: int
    directors: int
    rooms: int
    op: int
    iop: int
    php: int
    discharged: int
    inquiries: int

    @classmethod
    def scaled(cls, scale: float) -> SiteShape:
        def n(value: int, least: int = 1) -> int:
            return max(least, round(value * scale))

        return cls(
            intake=n(3),
            counselors=n(25, 3),
            directors=n(2),
            rooms=n(12, 4),
            op=n(50),
            iop=n(110),
            php=n(40),
            discharged=n(100),
            inquiries=n(60),
        )


# group tracks: (label, weekdays, local start, minutes); PHP days, IOP three days a week
# about 3 hours, OP a weekly 90-minute relapse-prevention group
TRACK_PATTERNS: dict[str, list[tuple[str, tuple[int, ...], time, int]]] = {
    Program.Code.PHP: [("Day", (0, 1, 2, 3, 4), time(9, 0), 360)],
    Program.Code.IOP: [
        ("Morning", (0, 2, 4), time(9, 0), 180),
        ("Evening", (0, 1, 3), time(18, 0), 180),
        ("Afternoon", (1, 3, 4), time(15, 0), 180),
        ("Late", (1, 2, 4), time(18, 0), 180),
    ],
    Program.Code.OP: [
        (f"{day} group", (index,), start, 90)
        for start in (time(16, 30), time(12, 0), time(15, 0))
        for index, day in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri"))
    ],
}
TRACK_TYPE: dict[str, str] = {
    Program.Code.PHP: "group-therapy",
    Program.Code.IOP: "group-therapy",
    Program.Code.OP: "relapse-prevention",
}
TRACK_SIZE: dict[str, int] = {Program.Code.PHP: 10, Program.Code.IOP: 11, Program.Code.OP: 10}
TRACK_CAPACITY = 12
CANCEL_REASONS = ("Counselor out sick", "Room unavailable (maintenance)", "Clinic closed early")

# what an assessment of a patient placed at each level looked like: criteria met and
# the six ASAM ratings, chosen so that the clinic's policy recommends that level
ASSESSMENT_INPUTS: dict[str, tuple[int, dict[str, int]]] = {
    Program.Code.OP: (3, {"d1": 0, "d2": 0, "d3": 1, "d4": 1, "d5": 1, "d6": 1}),
    Program.Code.IOP: (5, {"d1": 1, "d2": 0, "d3": 1, "d4": 2, "d5": 2, "d6": 1}),
    Program.Code.PHP: (6, {"d1": 1, "d2": 1, "d3": 3, "d4": 2, "d5": 2, "d6": 1}),
}
RATING_NOTES = {
    "d3": "Co-occurring depression; sees a psychiatrist monthly.",
    "d4": "Ambivalent about stopping; agrees to attend.",
    "d5": "Several relapses within weeks of earlier attempts.",
}


def room_name(site: int, number: int) -> str:
    return f"{SITE_NAMES[site]} room {number:02d}"
