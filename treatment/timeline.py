"""The chart: a patient's record as one timeline, newest first, kind by kind.

Each kind of entry comes from a provider; apps above treatment (session notes) add
theirs when they load:

    from treatment import timeline
    timeline.register("note", "Session notes", provider)

A provider is `provider(patient, *, limit, user) -> list[Entry]`: at most `limit`
entries, newest first, in a fixed number of queries (one, usually), and only what
`user` may see. The page asks every selected provider for one page's worth more than
it shows, merges them by time and cuts the page, so the number of queries never
grows with the length of a stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from intake.models import Admission, Assessment, Patient
from treatment.models import Diagnosis, TreatmentPlan


@dataclass(frozen=True)
class Entry:
    at: datetime  # aware; a day-only event is placed at noon clinic time
    kind: str
    title: str
    detail: str = ""
    # where the entry links to: a URL, or what makes it (a row's get_absolute_url), called
    # only for the entries a page shows (a provider gives a page's worth more than that)
    link: str | Callable[[], str] = ""

    @property
    def url(self) -> str:
        return self.link if isinstance(self.link, str) else self.link()


Provider = Callable[..., list[Entry]]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    provider: Provider
    order: int


_kinds: dict[str, Kind] = {}


def register(kind: str, label: str, provider: Provider, *, order: int = 100) -> None:
    """Add (or replace) the provider of one kind of entry."""
    _kinds[kind] = Kind(kind, label, provider, order)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


MAX_PAGE = 1000  # years of daily care at 25 entries a page; a made-up number stops here


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page(
    patient: Patient, *, user: User, number: int = 1, size: int = 25, only: Sequence[str] = ()
) -> TimelinePage:
    """One page of the chart, newest first; `only` keeps the kinds named."""
    number = min(max(1, number), MAX_PAGE)
    wanted = [k for k in kinds() if not only or k.key in only]
    limit = number * size + 1
    entries: list[Entry] = []
    for kind in wanted:
        entries.extend(kind.provider(patient, limit=limit, user=user))
    entries.sort(key=lambda e: e.at, reverse=True)
    start = (number - 1) * size
    return TimelinePage(entries[start : start + size], number, len(entries) > start + size)


# --- What intake, scheduling and treatment contribute --------------------------------------


def _assessments(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    rows = (
        Assessment.objects.filter(patient=patient)
        .order_by("-assessment_date", "-created_at")
        .only("uuid", "assessment_date", "status", "recommended_level", "created_at")[:limit]
    )
    return [
        Entry(
            at_noon(a.assessment_date),
            "assessment",
            "Intake assessment" + (" (draft)" if not a.is_locked else ""),
            f"Recommended level {a.recommended_level}" if a.recommended_level else "",
            a.get_absolute_url,
        )
        for a in rows
    ]


def _diagnoses(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    rows = Diagnosis.objects.filter(patient=patient).select_related("recorded_by")[:limit]
    url = reverse("treatment:diagnosis", args=[patient.uuid])
    return [
        Entry(
            d.recorded_at,
            "diagnosis",
            f"Diagnosis {d.code}: {d.description}",
            f"Recorded by {_name(d.recorded_by)}" + (f": {d.reason}" if d.reason else ""),
            url,
        )
        for d in rows
    ]


def _plans(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    rows = TreatmentPlan.objects.filter(patient=patient).order_by("-version")[:limit]
    return [
        Entry(
            p.signed_at or p.created_at,
            "plan",
            f"Treatment plan version {p.version}: {p.get_occasion_display()}",
            p.get_status_display(),
            p.get_absolute_url,
        )
        for p in rows
    ]


def _admissions(patient: Patient) -> list:
    """The patient's admissions, newest first, read once for the level changes and the
    discharges both (a few rows a patient; kept on the instance for this request)."""
    cached = getattr(patient, "_chart_admissions", None)
    if cached is None:
        cached = list(
            Admission.objects.filter(patient=patient)
            .select_related("program")
            .order_by("-start_date", "-created_at")
        )
        setattr(patient, "_chart_admissions", cached)  # noqa: B010 (a per-request memo)
    return cached


def _level_changes(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    from intake.models import level_history

    history = level_history(_admissions(patient))
    return [
        Entry(
            at_noon(change.admission.start_date),
            "level",
            f"{change.change.capitalize()}: {change.admission.program.name}",
            f"Level {change.admission.program.code}",
        )
        for change in reversed(history)
    ][:limit]


# an admission that ends in a step down or up is a level change, not a discharge
LEVEL_CHANGE_REASONS = (
    Admission.DischargeReason.STEPPED_DOWN,
    Admission.DischargeReason.STEPPED_UP,
)


def _discharges(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    ended = [
        a
        for a in _admissions(patient)
        if a.end_date is not None and a.discharge_reason not in LEVEL_CHANGE_REASONS
    ]
    rows = sorted(ended, key=lambda a: a.end_date, reverse=True)[:limit]
    return [
        Entry(
            at_noon(a.end_date),
            "discharge",
            f"Left {a.program.name}",
            a.get_discharge_reason_display(),
        )
        for a in rows
    ]


def _attendance(patient: Patient, *, limit: int, user: User) -> list[Entry]:
    from scheduling.models import Attendee

    rows = (
        Attendee.objects.filter(patient=patient, active=True)
        .exclude(attendance="")
        .select_related("session__session_type", "session__track")
        .order_by("-start")[:limit]
    )
    return [
        Entry(
            a.start,
            "attendance",
            f"{a.session.track.name if a.session.track else a.session.session_type.name}: "
            f"{a.get_attendance_display().lower()}",
            f"{a.minutes_attended} minutes attended" if a.minutes_attended else "",
            a.session.get_absolute_url,
        )
        for a in rows
    ]


def _name(user: User | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def register_builtin() -> None:
    register("assessment", "Assessments", _assessments, order=10)
    register("diagnosis", "Diagnoses", _diagnoses, order=20)
    register("plan", "Treatment plans", _plans, order=30)
    register("attendance", "Attendance", _attendance, order=50)
    register("level", "Level of care", _level_changes, order=60)
    register("discharge", "Discharges", _discharges, order=70)
