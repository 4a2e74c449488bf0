"""Reading measures for many patients at once: off-track flags and what is due.

Each function takes a list of patients (or admissions) and answers for all of them in
one or two queries, so a caseload or the dashboard costs the same at any size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, F, Max, Q, Value, When, Window
from django.db.models.functions import RowNumber

from intake.models import Admission
from outcomes import scales
from outcomes.models import Measurement

REPEAT_DAYS = 28  # PHQ-9 and GAD-7 every 4 weeks
MONTHLY_DAYS = 30  # the 30-day BAM in OP
WEEKLY_LEVELS = ("IOP", "PHP")  # the weekly 7-day BAM


def flags_for(patient_ids: list[int]) -> dict[int, list[scales.Flag]]:
    """Patient id -> the off-track flags of their measures now (only patients with one).

    One query: the last two BAMs (either version), the first and the last PHQ-9."""
    if not patient_ids:
        return {}
    family = Case(When(kind__in=scales.BAM_KINDS, then=Value("bam")), default=F("kind"))
    rows = (
        Measurement.objects.filter(
            patient_id__in=patient_ids, kind__in=[*scales.BAM_KINDS, scales.PHQ9]
        )
        .annotate(
            family=family,
            newest=Window(
                RowNumber(),
                partition_by=[F("patient_id"), family],
                order_by=[F("taken_on").desc(), F("created_at").desc()],
            ),
            oldest=Window(
                RowNumber(),
                partition_by=[F("patient_id"), family],
                order_by=[F("taken_on").asc(), F("created_at").asc()],
            ),
        )
        .filter(Q(newest__lte=2) | Q(oldest=1))
        .values_list("patient_id", "kind", "taken_on", "scores", "item9", "newest")
    )
    results: dict[int, list[scales.Result]] = defaultdict(list)
    for patient_id, kind, taken_on, scores, item9, newest in rows:
        if kind == scales.PHQ9 or newest <= 2:  # the oldest BAM only matters if recent
            results[patient_id].append(scales.Result(kind, taken_on, scores, item9))
    flags = {pk: scales.off_track(found) for pk, found in results.items()}
    return {pk: found for pk, found in flags.items() if found}


@dataclass(frozen=True)
class Due:
    kind: str
    why: str

    @property
    def label(self) -> str:
        return scales.KIND_LABELS[self.kind]


def due_for(admissions: list[Admission], *, monday: date) -> dict[int, list[Due]]:
    """Patient id -> the measures due in the week of `monday` (open admissions given
    with their program). One query."""
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


def _due_one(admission: Admission, last: dict, monday: date, sunday: date) -> list[Due]:
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
        if taken is None or taken < start:
            found.append(Due(kind, "at admission"))
        elif taken + timedelta(REPEAT_DAYS) <= sunday:
            found.append(Due(kind, "every 4 weeks"))
    return found
