"""Progress measures and drug screens at benchmark size: for every patient in care at
the bigger seed sizes, a 30-day BAM at admission, a weekly 7-day BAM, PHQ-9 and GAD-7
every 4 weeks and a random screen each week with results, over the last 12 weeks.

Written with bulk inserts (no audit events: seeded history, not anyone's work); the
draws come from one seeded generator, so a size is the same on every run."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import asdict
from datetime import date, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.roles import COUNSELOR
from intake.models import Admission
from outcomes import scales
from outcomes.models import Measurement, ProgressStatus, ScreenOrder, ScreenResult
from scheduling import clinictime

WEEKS = 12
PANEL = ["benzodiazepine", "cannabis", "cocaine", "fentanyl"]
BATCH = 2_000


def _bam(rng: random.Random, kind: str, trouble: float) -> dict[str, int]:
    days = scales.VERSION_DAYS[kind]
    answers: dict[str, int] = {}
    for item in scales.BAM_ITEMS:
        if item.answer == "days":
            answers[item.key] = min(days, int(rng.random() * days * trouble))
        elif item.answer == "yes_no":
            answers[item.key] = int(rng.random() > trouble)
        else:
            answers[item.key] = min(int(item.maximum or 0), int(rng.random() * 5 * trouble))
    answers["5"] = min(answers["5"], answers["4"])
    for key in scales.DETAIL_ITEMS:
        answers[key] = min(answers[key], answers["6"])
    return answers


def _scale_answers(rng: random.Random, kind: str, trouble: float) -> dict[str, int]:
    return {item.key: min(3, int(rng.random() * 4 * trouble)) for item in scales.ITEMS[kind]}


def _measurement(patient_id: int, kind: str, day: date, answers: dict, by: User) -> Measurement:
    return Measurement(
        patient_id=patient_id,
        kind=kind,
        taken_on=day,
        answers=answers,
        scores=scales.score(kind, answers),
        item9=answers["9"] if kind == scales.PHQ9 else None,
        entered_by=by,
    )


def _patient_rows(
    rng: random.Random, patient_id: int, begin: date, code: str, today: date, by: User
) -> tuple[list[Measurement], list[ScreenOrder]]:
    """One patient's weekly measures and random screens from `begin` to today."""
    trouble = rng.choice((0.1, 0.2, 0.3, 0.6))
    measurements = [
        _measurement(patient_id, scales.BAM_30, begin, _bam(rng, scales.BAM_30, trouble), by)
    ]
    orders: list[ScreenOrder] = []
    for week in range(1, WEEKS + 1):
        day = begin + timedelta(weeks=week)
        if day > today:
            break
        if code in ("IOP", "PHP"):
            answers = _bam(rng, scales.BAM_7, trouble)
            measurements.append(_measurement(patient_id, scales.BAM_7, day, answers, by))
        if week % 4 == 0:
            for kind in (scales.PHQ9, scales.GAD7):
                answers = _scale_answers(rng, kind, trouble)
                measurements.append(_measurement(patient_id, kind, day, answers, by))
        monday = clinictime.monday_of(day)
        due = monday + timedelta(rng.randrange(5))
        if due < today:
            orders.append(
                ScreenOrder(
                    patient_id=patient_id,
                    reason=ScreenOrder.Reason.RANDOM,
                    due_on=due,
                    week_of=monday,
                    panel=PANEL,
                    collected_at=clinictime.local_to_utc(due, time(10, 0)),
                    collected_by=by,
                    results_at=clinictime.local_to_utc(due, time(16, 0)),
                    results_by=by,
                )
            )
    return measurements, orders


def _statuses(measurements: list[Measurement]) -> None:
    """Each seeded patient's stored off-track flags, as the service keeps them."""
    by_patient: dict[int, list[scales.Result]] = defaultdict(list)
    for m in measurements:
        by_patient[m.patient_id].append(scales.Result(m.kind, m.taken_on, m.scores, m.item9))
    ProgressStatus.objects.bulk_create(
        (
            ProgressStatus(
                patient_id=pk,
                flags=[asdict(f) for f in flags],
                flagged_at=timezone.now() if flags else None,
            )
            for pk, flags in ((pk, scales.off_track(r)) for pk, r in by_patient.items())
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


@transaction.atomic
def seed_outcomes_at_scale(*, today: date | None = None) -> dict[str, int]:
    """Measures and screens for patients in care who have none yet."""
    today = today or clinictime.today()
    by = User.objects.filter(groups__name=COUNSELOR).order_by("pk").first()
    admissions = list(
        Admission.objects.filter(end_date__isnull=True, patient__measurements__isnull=True)
        .exclude(patient__email__endswith=".demo@example.com")
        .values_list("patient_id", "start_date", "program__code")
        .order_by("patient_id")
        .distinct()
    )
    if by is None or not admissions:
        return {}
    rng = random.Random(12_000)
    measurements: list[Measurement] = []
    orders: list[ScreenOrder] = []
    first = clinictime.monday_of(today) - timedelta(weeks=WEEKS)
    for patient_id, start, code in admissions:
        found, screens = _patient_rows(rng, patient_id, max(start, first), code, today, by)
        measurements += found
        orders += screens
    Measurement.objects.bulk_create(measurements, batch_size=BATCH, ignore_conflicts=True)
    ScreenOrder.objects.bulk_create(orders, batch_size=BATCH, ignore_conflicts=True)
    saved = ScreenOrder.objects.filter(
        patient_id__in=[a[0] for a in admissions], results_at__isnull=False
    )
    results = [
        ScreenResult(
            order_id=pk,
            substance=substance,
            outcome="positive" if rng.random() < 0.03 else "negative",
        )
        for pk in saved.values_list("pk", flat=True).order_by("pk")
        for substance in PANEL
    ]
    ScreenResult.objects.bulk_create(results, batch_size=BATCH, ignore_conflicts=True)
    _statuses(measurements)
    return {"measures": len(measurements), "drug screens": len(orders)}
