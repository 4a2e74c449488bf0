"""Reading measures for many patients at once: off-track flags and what is due.

Each function takes a list of patients (or admissions) and answers for all of them in
one or two queries, so a caseload or the dashboard costs the same at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, QuerySet

from intake.models import Admission
from outcomes import scales
from outcomes.models import Measurement, ProgressStatus

REPEAT_DAYS = 28  # PHQ-9 and GAD-7 every 4 weeks
MONTHLY_DAYS = 30  # the 30-day BAM in OP
WEEKLY_LEVELS = ("IOP", "PHP")  # the weekly 7-day BAM
# at discharge, a PHQ-9 or GAD-7 of the last week of care counts as the discharge one
DISCHARGE_WINDOW_DAYS = 7
# an admission that ends in a step down or up is a change of level: care goes on
LEVEL_CHANGES = (Admission.DischargeReason.STEPPED_DOWN, Admission.DischargeReason.STEPPED_UP)


def is_discharge(admission: Admission) -> bool:
    return admission.end_date is not None and admission.discharge_reason not in LEVEL_CHANGES


def flags_for(patient_ids) -> dict[int, list[scales.Flag]]:
    """Patient id -> the off-track flags of their measures now (only patients with one).

    One query on the stored status (outcomes.services keeps it in step); `patient_ids`
    may be a list or a subquery of ids."""
    return {status.patient_id: status.as_flags() for status in flagged(patient_ids)}


def flagged(patient_ids) -> QuerySet[ProgressStatus]:
    """The stored statuses of these patients with a flag (for counting them, read the
    `flags` column: [{"rule", "reason", "urgent"}, ...] without building a model each)."""
    return ProgressStatus.objects.filter(patient_id__in=patient_ids).exclude(flags=[])


def compute_flags(patient_id: int) -> list[scales.Flag]:
    """The flags from every measure of one patient (for the stored status)."""
    rows = Measurement.objects.filter(
        patient_id=patient_id, kind__in=[*scales.BAM_KINDS, scales.PHQ9]
    ).values_list("kind", "taken_on", "scores", "item9")
    return scales.off_track([scales.Result(*row) for row in rows])


@dataclass(frozen=True)
class Due:
    kind: str
    why: str

    @property
    def label(self) -> str:
        return scales.KIND_LABELS[self.kind]


def due_for(admissions: list[Admission], *, monday: date) -> dict[int, list[Due]]:
    """Patient id -> the measures due in the week of `monday` (open admissions given
    with their program, and discharges: the PHQ-9 and GAD-7 at discharge; before a
    planned discharge date too). One query."""
    if not admissions:
        return {}
    sunday = monday + timedelta(days=6)
    last: dict[tuple[int, str], date] = {
        (pk, kind): day
        for pk, kind, day in Measurement.objects.filter(
            patient_id__in=[a.patient_id for a in admissions], taken_on__lte=sunday
        )
        .values("patient_id", "kind")
        .annotate(last=Max("taken_on"))
        .values_list("patient_id", "kind", "last")
    }
    due: dict[int, list[Due]] = {}
    for admission in admissions:
        found = _due_one(admission, last, monday, sunday)
        if found:
            due[admission.patient_id] = found
    return due


def _due_at_discharge(admission: Admission, last: dict) -> list[Due]:
    assert admission.end_date is not None
    if not is_discharge(admission):
        return []
    since = admission.end_date - timedelta(DISCHARGE_WINDOW_DAYS)
    return [
        Due(kind, "at discharge")
        for kind in (scales.PHQ9, scales.GAD7)
        if (taken := last.get((admission.patient_id, kind))) is None or taken < since
    ]


def _due_one(admission: Admission, last: dict, monday: date, sunday: date) -> list[Due]:
    if admission.end_date is not None:
        return _due_at_discharge(admission, last)
    pk, start = admission.patient_id, admission.start_date
    found: list[Due] = []
    bam30 = last.get((pk, scales.BAM_30))
    if bam30 is None or bam30 < start:
        found.append(Due(scales.BAM_30, "at admission"))
    elif admission.program.code == "OP" and bam30 + timedelta(MONTHLY_DAYS) <= sunday:
        found.append(Due(scales.BAM_30, "monthly in OP"))
    if admission.program.code in WEEKLY_LEVELS and start <= sunday:
        bam7 = last.get((pk, scales.BAM_7))
        if bam7 is None or bam7 < monday:
            found.append(Due(scales.BAM_7, f"weekly in {admission.program.code}"))
    for kind in (scales.PHQ9, scales.GAD7):
        taken = last.get((pk, kind))
        if (why := _before_planned_discharge(admission, taken, monday, sunday)) is not None:
            found.append(Due(kind, why))
        elif taken is None or taken < start:
            found.append(Due(kind, "at admission"))
        elif taken + timedelta(REPEAT_DAYS) <= sunday:
            found.append(Due(kind, "every 4 weeks"))
    return found


def _before_planned_discharge(
    admission: Admission, taken: date | None, monday: date, sunday: date
) -> str | None:
    """Why a PHQ-9 or GAD-7 is due for the planned discharge this week, or None.

    The window runs from the planned date less DISCHARGE_WINDOW_DAYS to the planned date
    (as a discharge's does): due in every week that reaches into it, unless one was
    taken in it. A planned date that passed without a discharge keeps it due until it
    is taken or the patient leaves (the at-discharge rule then takes over)."""
    planned = admission.planned_discharge_date
    if planned is None:
        return None
    since = planned - timedelta(DISCHARGE_WINDOW_DAYS)
    if sunday < since or (taken is not None and taken >= since):
        return None
    return "before the planned discharge" if monday <= planned else "planned discharge passed"
