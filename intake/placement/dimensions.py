"""The six ASAM dimensions, their rating range, the floor each rating sets, and the
step-down window."""

from __future__ import annotations

from intake.placement.levels import Level

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("d1", "Acute intoxication / withdrawal potential"),
    ("d2", "Biomedical conditions"),
    ("d3", "Emotional, behavioral or cognitive conditions"),
    ("d4", "Readiness to change"),
    ("d5", "Relapse / continued use potential"),
    ("d6", "Recovery / living environment"),
)
_DIMENSION_LABELS = dict(DIMENSIONS)
RATING_MIN = 0
RATING_MAX = 4

# The floor each rating sets, with why (plain language). Ratings not listed set none.
_FLOORS: dict[str, dict[int, tuple[Level, str]]] = {
    "d1": {
        2: (Level.IOP, ""),
        3: (Level.INP, "withdrawal needs medical monitoring"),
        4: (Level.INP, "withdrawal needs medical monitoring"),
    },
    "d2": {
        3: (Level.INP, "medical conditions need 24-hour care"),
        4: (Level.INP, "medical conditions need 24-hour care"),
    },
    "d3": {
        2: (Level.IOP, ""),
        3: (Level.PHP, ""),
        4: (Level.INP, "imminent danger"),
    },
    "d4": {},
    "d5": {
        2: (Level.IOP, ""),
        3: (Level.PHP, ""),
        4: (Level.INP, ""),
    },
    "d6": {
        2: (Level.IOP, ""),
        3: (Level.INP, "no safe home to return to (IOP and PHP need one)"),
        4: (Level.INP, "no safe home to return to (IOP and PHP need one)"),
    },
}

STEP_DOWN_DAYS = 30
