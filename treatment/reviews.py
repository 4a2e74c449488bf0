"""Which patients need a plan or a plan review, and why, for many patients at once.

Progress measures live in a higher app (outcomes). It tells this module which patients
are off track through a trigger registered when it loads:

    from treatment.reviews import register_trigger
    register_trigger(off_track_patients)   # fn(patients) -> {patient_id: reason}

Each trigger is asked once per page for all the patients on it, so it can answer in a
fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

from django.db.models import QuerySet
from django.utils import timezone

from intake.models import Admission, Patient
from treatment.due import OVERDUE, UPCOMING, PlanDue, plan_due
from treatment.models import TreatmentPlan


class Identified(Protocol):
    """What a trigger reads of a patient: the id (a Patient, or a `PatientRef`)."""

    @property
    def pk(self) -> Any: ...


class PatientRef(NamedTuple):
    """A patient by id only, for counting many without building a Patient each."""

    pk: int


class Dated(Protocol):
    """What the due rule reads of an admission (an Admission, or a `Span`)."""

    @property
    def pk(self) -> Any: ...
    @property
    def patient_id(self) -> int: ...
    @property
    def start_date(self) -> date: ...
    @property
    def end_date(self) -> date | None: ...


class Span(NamedTuple):
    """An admission's dates, as read from the database without building the model."""

    pk: int
    patient_id: int
    start_date: date
    end_date: date | None


SPAN_FIELDS = ("pk", "patient_id", "start_date", "end_date")

Trigger = Callable[[Sequence[Identified]], dict[int, str]]
_triggers: list[Trigger] = []


def register_trigger(trigger: Trigger) -> Trigger:
    """Add a source of "review now" reasons once (AppConfig.ready may run twice)."""
    if trigger not in _triggers:
        _triggers.append(trigger)
    return trigger


def unregister_trigger(trigger: Trigger) -> None:
    if trigger in _triggers:
        _triggers.remove(trigger)


def off_track(patients: Sequence[Identified]) -> dict[int, str]:
    """Every trigger's reasons, joined per patient."""
    reasons: dict[int, list[str]] = {}
    if not patients:
        return {}
    for trigger in _triggers:
        for patient_id, reason in trigger(patients).items():
            reasons.setdefault(patient_id, []).append(reason)
    return {patient_id: "; ".join(texts) for patient_id, texts in reasons.items()}


@dataclass(frozen=True)
class PlanFlag:
    """A patient whose plan is due or overdue, for the home pages and the caseload."""

    patient: Patient
    admission: Admission
    due: PlanDue
    state: str  # treatment.due.DUE or OVERDUE
    has_draft: bool

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE


def care_start(admission: Dated, earlier: Iterable[Dated]) -> date:
    """The first day of the stretch of care that ends in `admission`: admissions that
    followed one another without a day's gap are one stretch."""
    start = admission.start_date
    for previous in sorted(earlier, key=lambda a: a.start_date, reverse=True):
        if previous.pk == admission.pk or previous.start_date >= start:
            continue
        if previous.end_date is not None and (start - previous.end_date) <= timedelta(days=1):
            start = previous.start_date
        else:
            break
    return start


def plan_flags(admissions: Sequence[Admission], *, today: date | None = None) -> list[PlanFlag]:
    """The due and overdue plans among these open admissions, overdue first, oldest first.

    Two queries whatever the number (the patients' admissions, their plans), and
    whatever the registered triggers ask.
    """
    today = today or timezone.localdate()
    admissions = [a for a in admissions if a.end_date is None]
    if not admissions:
        return []
    dues, drafts = _dues(admissions, [a.patient for a in admissions], today)
    flags = []
    for admission, due in zip(admissions, dues, strict=True):
        state = due.state(today)
        if state != UPCOMING:
            flags.append(
                PlanFlag(admission.patient, admission, due, state, admission.patient_id in drafts)
            )
    return sorted(flags, key=lambda f: (not f.is_overdue, f.due.due_on, f.patient.mrn))


def plan_states(admissions: QuerySet[Admission], *, today: date) -> Counter[str]:
    """How many of these admissions' plans are DUE and OVERDUE today (open admissions
    only): plan_flags' rule, counted from the few columns it reads, no model per row.
    Three queries whatever the number, and whatever the registered triggers ask."""
    spans = [
        Span(*row) for row in admissions.filter(end_date__isnull=True).values_list(*SPAN_FIELDS)
    ]
    if not spans:
        return Counter()
    dues, _ = _dues(spans, [PatientRef(s.patient_id) for s in spans], today)
    return Counter(state for due in dues if (state := due.state(today)) != UPCOMING)


def _dues(
    admissions: Sequence[Dated], patients: Sequence[Identified], today: date
) -> tuple[list[PlanDue], set[int]]:
    """The next plan or review of each open admission, and the patients with a draft."""
    patient_ids = [a.patient_id for a in admissions]
    history: dict[int, list[Span]] = {}
    for row in Admission.objects.filter(patient_id__in=patient_ids).values_list(*SPAN_FIELDS):
        span = Span(*row)
        history.setdefault(span.patient_id, []).append(span)
    latest, drafts = _plans_of(patient_ids)
    reasons = off_track(patients)
    return [_due_for(a, history, latest, reasons, today) for a in admissions], drafts


def _plans_of(patient_ids: list[int]) -> tuple[dict[int, tuple[date, int | None]], set[int]]:
    """In one query: patient id -> (local date signed, admission id) of their latest signed
    plan, and the ids of the patients with a draft in progress."""
    latest: dict[int, tuple[date, int | None]] = {}
    drafts: set[int] = set()
    rows = (
        TreatmentPlan.objects.filter(patient_id__in=patient_ids)
        .order_by("patient_id", "version")
        .values_list("patient_id", "status", "signed_at", "admission_id")
    )
    for patient_id, status, signed_at, admission_id in rows:
        if status == TreatmentPlan.Status.SIGNED:
            latest[patient_id] = (timezone.localdate(signed_at), admission_id)
        else:
            drafts.add(patient_id)
    return latest, drafts


def due_from(
    admissions: Sequence[Admission],
    plan: TreatmentPlan | None,
    *,
    off_track_reason: str = "",
    today: date,
) -> PlanDue | None:
    """The next plan or review from what a page has already loaded: all the patient's
    admissions and their plan in force (no query)."""
    current = next((a for a in admissions if a.end_date is None), None)
    if current is None:
        return None
    signed = (timezone.localdate(plan.signed_at), plan.admission_id) if plan else (None, None)
    return plan_due(
        care_start=care_start(current, admissions),
        level_start=current.start_date,
        last_signed_on=signed[0],
        signed_at_this_level=signed[1] == current.pk,
        off_track=off_track_reason,
        today=today,
    )


def _due_for(
    admission: Dated,
    history: dict[int, list[Span]],
    latest: dict[int, tuple[date, int | None]],
    reasons: dict[int, str],
    today: date,
) -> PlanDue:
    signed_on, signed_admission = latest.get(admission.patient_id, (None, None))
    return plan_due(
        care_start=care_start(admission, history.get(admission.patient_id, [])),
        level_start=admission.start_date,
        last_signed_on=signed_on,
        signed_at_this_level=signed_admission == admission.pk,
        off_track=reasons.get(admission.patient_id, ""),
        today=today,
    )


def due_for_patient(patient: Patient, *, today: date | None = None) -> PlanDue | None:
    """The next plan or review of a patient in care (also when not yet due)."""
    from treatment.services import current_plan

    return due_from(
        list(patient.admissions.all()),
        current_plan(patient),
        off_track_reason=off_track([patient]).get(patient.pk, ""),
        today=today or timezone.localdate(),
    )
