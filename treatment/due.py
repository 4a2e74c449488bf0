"""When a treatment plan is due (clinic policy, pure: dates in, a due date out).

- The initial plan: within 7 calendar days of the start of care (weekends count; a due
  day on a Saturday stays a Saturday).
- A review: 30 days after the last plan was signed, within 7 days of a change of level,
  and at once when progress is off track (a reason from a registered trigger).
- Due means the due day is today or within the next 7 days; overdue means it has passed.

Days are the clinic's calendar days (America/Los_Angeles): callers turn signing moments
into local dates before asking (see `treatment.reviews`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

INITIAL_DAYS = 7
REVIEW_DAYS = 30
LEVEL_CHANGE_DAYS = 7
DUE_SOON_DAYS = 7

INITIAL = "initial"
SCHEDULED = "scheduled"
LEVEL_CHANGE = "level_change"
OFF_TRACK = "off_track"

OVERDUE = "overdue"
DUE = "due"
UPCOMING = "upcoming"


@dataclass(frozen=True)
class PlanDue:
    occasion: str  # INITIAL, SCHEDULED, LEVEL_CHANGE, OFF_TRACK (TreatmentPlan.Occasion)
    due_on: date
    reason: str

    def state(self, today: date) -> str:
        if today > self.due_on:
            return OVERDUE
        if (self.due_on - today).days <= DUE_SOON_DAYS:
            return DUE
        return UPCOMING

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_on).days)


def _fmt(day: date) -> str:
    return f"{day:%a}, {day:%b} {day.day}, {day.year}"


def plan_due(
    *,
    care_start: date,
    level_start: date,
    last_signed_on: date | None,
    signed_at_this_level: bool,
    off_track: str = "",
    today: date,
) -> PlanDue:
    """The next plan or review this patient needs.

    `care_start` is the first day of the current stretch of care (admission, or the
    first of the admissions that followed one another without a gap); `level_start` the
    first day at the current level; `last_signed_on` the local date the latest plan of
    this stretch was fully signed (None: no plan yet); `signed_at_this_level` whether
    that plan was written at the current level; `off_track` the reason progress is off
    track, if it is.
    """
    if last_signed_on is None or last_signed_on < care_start:
        due_on = care_start + timedelta(days=INITIAL_DAYS)
        return PlanDue(INITIAL, due_on, f"Initial plan due by {_fmt(due_on)}")
    candidates = [
        PlanDue(
            SCHEDULED,
            last_signed_on + timedelta(days=REVIEW_DAYS),
            f"30-day review due by {_fmt(last_signed_on + timedelta(days=REVIEW_DAYS))}",
        )
    ]
    if not signed_at_this_level:
        due_on = level_start + timedelta(days=LEVEL_CHANGE_DAYS)
        candidates.append(
            PlanDue(LEVEL_CHANGE, due_on, f"Level of care changed: review due by {_fmt(due_on)}")
        )
    if off_track:
        candidates.append(PlanDue(OFF_TRACK, today, f"Progress off track: {off_track}"))
    return min(candidates, key=lambda due: due.due_on)
