"""The levels of care the policy chooses among, least to most intensive."""

from __future__ import annotations

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
