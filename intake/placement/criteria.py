"""The 11 DSM-5 substance use disorder criteria, how they are counted and the
severity they give."""

from __future__ import annotations

from collections.abc import Iterable

from intake.placement.levels import Level

CRITERIA: tuple[tuple[str, str], ...] = (
    ("larger_longer", "Used more, or for longer, than intended"),
    ("cut_down", "Wanted to cut down or tried and failed"),
    ("time_spent", "Much time spent getting, using or recovering"),
    ("craving", "Craving or strong urges to use"),
    ("obligations", "Failing major obligations at work, school or home"),
    ("social_problems", "Kept using despite social or relationship problems"),
    ("activities_given_up", "Gave up or cut back important activities"),
    ("hazardous_use", "Used in physically hazardous situations"),
    (
        "physical_psychological_harm",
        "Kept using despite physical or psychological harm",
    ),
    ("tolerance", "Tolerance"),
    ("withdrawal", "Withdrawal"),
)
_CRITERIA_KEYS = frozenset(key for key, _ in CRITERIA)

# Not counted when the substance is taken only as prescribed under medical supervision.
PRESCRIBED_EXEMPT = frozenset({"tolerance", "withdrawal"})

_SEVERITY_DEFAULT = {"mild": Level.OP, "moderate": Level.IOP, "severe": Level.INP}


def count_criteria(criteria: Iterable[str], *, only_as_prescribed: bool = False) -> int:
    """How many of the ticked criteria count (tolerance/withdrawal exempt when prescribed)."""
    ticked = frozenset(criteria)
    unknown = ticked - _CRITERIA_KEYS
    if unknown:
        raise ValueError(f"Unknown DSM-5 criteria: {', '.join(sorted(unknown))}.")
    if only_as_prescribed:
        ticked -= PRESCRIBED_EXEMPT
    return len(ticked)


def severity_for(count: int) -> str:
    """DSM-5 severity from the number of criteria that count."""
    if count < 0:
        raise ValueError("A criteria count cannot be negative.")
    if count <= 1:
        return "none"
    if count <= 3:
        return "mild"
    if count <= 5:
        return "moderate"
    return "severe"
