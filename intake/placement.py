"""Level-of-care decision support: the clinic's placement policy (shared/domain.md).

Pure: no ORM, no request. Inputs are plain values taken from an assessment; the
output is the recommended level, every reason in plain language (the deciding
rule(s) marked) and the alerts. The clinician decides; this only recommends.

Screening band cut-offs live in SCREENINGS, the one table of them in the code.

API (stable; other modules depend on it):

    Level                      IntEnum NONE < OP < IOP < PHP < INP; Level.code -> "OP"...
    CRITERIA                   ordered tuple of (key, plain-language label), the 11 DSM-5 criteria
    PRESCRIBED_EXEMPT          {"tolerance", "withdrawal"}
    DIMENSIONS                 ordered tuple of (key "d1".."d6", label)
    SCREENINGS                 {"audit": Screening(...), "audit_c", "dast10", "phq9",
                                "phq9_item9", "gad7", "ciwa", "cows"}
    band_for(key, total, *, sex=None) -> Band | None
    PlacementInput             frozen dataclass (see below)
    Recommendation             frozen dataclass (see below)
    recommend(inp) -> Recommendation
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum


class Level(IntEnum):
    NONE = 0  # fewer than 2 criteria: no SUD program indicated
    OP = 1
    IOP = 2
    PHP = 3
    INP = 4

    @property
    def code(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.NONE: "No SUD program indicated (early intervention / referral)",
    Level.OP: "Outpatient (OP)",
    Level.IOP: "Intensive Outpatient (IOP)",
    Level.PHP: "Partial Hospitalization (PHP)",
    Level.INP: "Inpatient / Residential",
}


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int
    alert: bool = False  # the band calls for attention (e.g. severe)


@dataclass(frozen=True)
class Screening:
    key: str
    name: str
    low: int
    high: int
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class PlacementInput:
    # DSM-5 criteria met in the last 12 months, by key from CRITERIA
    criteria: frozenset[str] = frozenset()
    # substance taken only as prescribed under medical supervision: tolerance and
    # withdrawal then do not count
    only_as_prescribed: bool = False
    # ASAM dimension ratings 0-4 by key "d1".."d6"; None = not rated yet
    dimensions: dict[str, int | None] = field(default_factory=dict)
    assessment_date: date | None = None
    # date INP or PHP care ended, when referred as a step-down
    step_down_ended_on: date | None = None
    # screening totals by key from SCREENINGS; None = not done
    screenings: dict[str, int | None] = field(default_factory=dict)
    sex: str | None = None  # "female" / "male" for AUDIT-C


@dataclass(frozen=True)
class Reason:
    text: str
    rule: str  # e.g. "severity", "step-down", "D3 floor"
    level: Level | None = None  # the level this rule asks for (None for notes)
    deciding: bool = False


@dataclass(frozen=True)
class Alert:
    kind: str  # "safety", "withdrawal-mismatch", "imminent-danger", ...
    text: str
    urgent: bool = True


@dataclass(frozen=True)
class Recommendation:
    level: Level | None  # None while too little is entered to recommend
    criteria_count: int
    severity: str  # "none", "mild", "moderate", "severe"
    reasons: tuple[Reason, ...]
    alerts: tuple[Alert, ...]
    missing: tuple[str, ...]  # what still has to be entered before a level can be given

    @property
    def deciding_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.deciding)


def recommend(inp: PlacementInput) -> Recommendation:
    raise NotImplementedError  # filled in by the placement work
