"""Outcomes workflows: each runs in one transaction and writes its audit events in it.

`request` is passed for the audit trail; code without one (demo data, the weekly draw
command) passes None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from intake.models import Admission, Patient
from outcomes import draw, progress, scales
from outcomes.models import (
    DrawKey,
    Measurement,
    Medication,
    ProgressStatus,
    ScreenOrder,
    ScreenResult,
    SobrietyDate,
)
from scheduling import clinictime
from scheduling.models import Attendee, Session

Action = audit.Action
RANDOM_LEVELS = ("IOP", "PHP")  # clinic policy: at least one random screen a week


class Refused(Exception):
    """The change was refused: `errors` maps a field (or "__all__") to the message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


# --- measures ---------------------------------------------------------------------------


@transaction.atomic
def record_measurement(
    *,
    patient: Patient,
    kind: str,
    taken_on: date,
    answers: Mapping[str, int | None],
    by: User,
    request: HttpRequest | None = None,
) -> Measurement:
    """Store one measure with the scores computed from its answers."""
    if kind not in scales.ITEMS:
        raise Refused({"__all__": "Unknown measure."})
    errors = scales.check_answers(kind, answers)
    if errors:
        raise Refused(errors)
    clean = {item.key: int(answers[item.key]) for item in scales.ITEMS[kind]}  # type: ignore[arg-type]
    try:
        with transaction.atomic():
            measurement = Measurement.objects.create(
                patient=patient,
                kind=kind,
                taken_on=taken_on,
                answers=clean,
                scores=scales.score(kind, clean),
                item9=clean["9"] if kind == scales.PHQ9 else None,
                entered_by=by,
            )
    except IntegrityError as exc:
        if "measurement_once_a_day" not in str(exc):
            raise
        raise Refused(
            {"taken_on": "This measure is already recorded for this patient on that date."}
        ) from exc
    refresh_status(patient.pk)
    audit.record(request, Action.CREATE, obj=measurement, patient=patient, user=by)
    return measurement


def refresh_status(patient_id: int) -> ProgressStatus:
    """Recompute the patient's stored off-track flags from all their measures."""
    flags = [asdict(flag) for flag in progress.compute_flags(patient_id)]
    now = timezone.now()
    status = ProgressStatus.objects.select_for_update().filter(patient_id=patient_id).first()
    if status is None:
        status = ProgressStatus(patient_id=patient_id)
    rules, before = {f["rule"] for f in flags}, {f["rule"] for f in status.flags}
    if not rules:
        status.flagged_at = None
    elif rules - before or status.flagged_at is None:
        status.flagged_at = now  # a new reason: the plan should be reviewed again
    status.flags, status.updated_at = flags, now
    status.save()
    return status


# --- medications and sobriety -------------------------------------------------------------


@transaction.atomic
def add_medication(
    *,
    patient: Patient,
    name: str,
    purpose: str,
    prescriber: str,
    tests_as: str,
    start_date: date,
    end_date: date | None,
    by: User,
    request: HttpRequest | None = None,
) -> Medication:
    if end_date is not None and end_date < start_date:
        raise Refused({"end_date": "The end date can't be before the start date."})
    medication = Medication.objects.create(
        patient=patient,
        name=name,
        purpose=purpose,
        prescriber=prescriber,
        tests_as=tests_as,
        start_date=start_date,
        end_date=end_date,
        recorded_by=by,
    )
    audit.record(request, Action.CREATE, obj=medication, patient=patient, user=by)
    return medication


@transaction.atomic
def set_sobriety_date(
    *, patient: Patient, sober_since: date, by: User, request: HttpRequest | None = None
) -> SobrietyDate:
    if sober_since > clinictime.today():
        raise Refused({"sober_since": "The sobriety date can't be in the future."})
    entry = SobrietyDate.objects.create(patient=patient, sober_since=sober_since, recorded_by=by)
    audit.record(
        request, Action.CHANGE, obj=entry, patient=patient, user=by, detail="sobriety date"
    )
    return entry


# --- drug screens -------------------------------------------------------------------------


@transaction.atomic
def order_screen(
    *,
    patient: Patient,
    reason: str,
    due_on: date,
    specimen: str,
    observed: bool,
    panel: list[str],
    by: User,
    request: HttpRequest | None = None,
) -> ScreenOrder:
    """A scheduled or ad-hoc screen ordered by staff (random ones come from the draw)."""
    if reason == ScreenOrder.Reason.RANDOM:
        raise Refused({"reason": "Random screens are drawn by the app each week."})
    if not panel:
        raise Refused({"panel": "Choose at least one substance to test for."})
    order = ScreenOrder.objects.create(
        patient=patient,
        reason=reason,
        due_on=due_on,
        specimen=specimen,
        observed=observed,
        panel=sorted(set(panel)),
        ordered_by=by,
    )
    audit.record(request, Action.CREATE, obj=order, patient=patient, user=by)
    return order


def _locked_order(order: ScreenOrder) -> ScreenOrder:
    return ScreenOrder.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def record_collection(
    *,
    order: ScreenOrder,
    collected_at: datetime | None,
    refused: bool,
    by: User,
    request: HttpRequest | None = None,
) -> ScreenOrder:
    """The specimen was collected (when, by whom), or the patient refused to give one."""
    order = _locked_order(order)
    if order.collected_at or order.refused:
        raise Refused({"__all__": "This screen's collection is already recorded."})
    if refused:
        order.refused = True
        order.results_at, order.results_by = collected_at or timezone.now(), by
    else:
        if collected_at is None:
            raise Refused({"collected_at": "Enter when the specimen was collected."})
        order.collected_at = collected_at
    order.collected_by = by
    order.save(
        update_fields=["refused", "collected_at", "collected_by", "results_at", "results_by"]
    )
    detail = "refused" if refused else "collected"
    audit.record(request, Action.CHANGE, obj=order, patient=order.patient, user=by, detail=detail)
    return order


def expected_substances(patient: Patient, on: date) -> set[str]:
    """Panel substances the patient's medications on that day test as."""
    return set(
        Medication.objects.filter(patient=patient)
        .active_on(on)
        .exclude(tests_as="")
        .values_list("tests_as", flat=True)
    )


@transaction.atomic
def record_results(
    *,
    order: ScreenOrder,
    outcomes: Mapping[str, str],
    by: User,
    request: HttpRequest | None = None,
) -> list[ScreenResult]:
    """One result per substance of the panel; positives for a prescribed medication are
    marked expected."""
    order = _locked_order(order)
    if order.collected_at is None:
        raise Refused({"__all__": "Record the collection before the results."})
    if order.results_at:
        raise Refused({"__all__": "This screen's results are already recorded."})
    missing = [s for s in order.panel if outcomes.get(s) not in ScreenResult.Outcome.values]
    if missing:
        raise Refused({f"result_{s}": "Choose the result." for s in missing})
    expected = expected_substances(order.patient, clinictime.local(order.collected_at).date())
    results = ScreenResult.objects.bulk_create(
        ScreenResult(
            order=order,
            substance=substance,
            outcome=outcomes[substance],
            expected=outcomes[substance] == ScreenResult.Outcome.POSITIVE and substance in expected,
        )
        for substance in order.panel
    )
    order.results_at, order.results_by = timezone.now(), by
    order.save(update_fields=["results_at", "results_by"])
    audit.record(
        request, Action.CHANGE, obj=order, patient=order.patient, user=by, detail="results"
    )
    return results


def draw_key() -> str:
    key = DrawKey.objects.order_by("pk").first()
    if key is None:
        key = DrawKey.objects.create()
    return key.key


def session_days(patient_ids: list[int], monday: date) -> dict[int, set[date]]:
    """Each patient's days with a scheduled session that week (local dates)."""
    start, end = clinictime.week_bounds(monday)
    days: dict[int, set[date]] = {pk: set() for pk in patient_ids}
    rows = Attendee.objects.filter(
        patient_id__in=patient_ids,
        active=True,
        session__status=Session.Status.SCHEDULED,
        start__gte=start,
        start__lt=end,
    ).values_list("patient_id", "start")
    for patient_id, start_at in rows:
        days[patient_id].add(clinictime.local(start_at).date())
    return days


@transaction.atomic
def draw_random_screens(*, monday: date, panel: list[str] | None = None) -> list[ScreenOrder]:
    """This week's random screen for every IOP and PHP patient who has sessions in it
    and no random screen yet: never a second one in the same week."""
    from outcomes.models import STANDARD_PANEL

    sunday = monday + timedelta(days=6)
    admissions = Admission.objects.filter(
        program__code__in=RANDOM_LEVELS, start_date__lte=sunday
    ).exclude(end_date__lt=monday)
    patients = {a.patient_id: a.patient for a in admissions.select_related("patient")}
    taken = set(
        ScreenOrder.objects.filter(
            patient_id__in=patients, reason=ScreenOrder.Reason.RANDOM, week_of=monday
        ).values_list("patient_id", flat=True)
    )
    key = draw_key()
    days = session_days(list(patients), monday)
    orders = []
    for patient_id, patient in patients.items():
        day = draw.draw_day(
            key=key, patient_uuid=str(patient.uuid), monday=monday, session_days=days[patient_id]
        )
        if day is None or patient_id in taken:
            continue
        orders.append(
            ScreenOrder(
                patient=patient,
                reason=ScreenOrder.Reason.RANDOM,
                due_on=day,
                week_of=monday,
                panel=list(panel or STANDARD_PANEL),
            )
        )
    created = ScreenOrder.objects.bulk_create(orders, ignore_conflicts=True)
    for order in created:
        audit.record(None, Action.CREATE, obj=order, patient=order.patient, detail="random draw")
    return created
