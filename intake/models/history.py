"""A patient's admissions read as a story: admitted, stepped down, readmitted..."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intake.models.admissions import Admission


@dataclass(frozen=True)
class LevelChange:
    admission: Admission
    change: str  # "admitted", "stepped down", "stepped up", "continued", "readmitted"


def level_history(admissions: Iterable[Admission]) -> list[LevelChange]:
    """Each admission in date order, named by how it moved from the one before."""
    ordered = sorted(admissions, key=lambda a: (a.start_date, a.created_at))
    history: list[LevelChange] = []
    previous: Admission | None = None
    for admission in ordered:
        if previous is None:
            change = "admitted"
        elif previous.end_date is not None and (admission.start_date - previous.end_date).days > 1:
            change = "readmitted"
        elif admission.program.intensity < previous.program.intensity:
            change = "stepped down"
        elif admission.program.intensity > previous.program.intensity:
            change = "stepped up"
        else:
            change = "continued"
        history.append(LevelChange(admission, change))
        previous = admission
    return history
