"""Demo progress measures, medications and drug screens for the demo patients: weekly
BAMs (one patient going off track, one improving), PHQ-9 and GAD-7 every 4 weeks, a
prescribed buprenorphine and a benzodiazepine taper (expected positives), random screens
drawn for the last weeks with results, and one unexpected positive on each caseload."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth.models import User

from intake.models import Admission, Patient
from outcomes import scales, services
from outcomes.models import Measurement, ScreenOrder
from scheduling import clinictime

IMPROVING = "brendan.foley.demo@example.com"
OFF_TRACK = "imani.carter.demo@example.com"
UNEXPECTED_COCAINE = "hector.alvarado.demo@example.com"
TAPER = "gloria.mensah.demo@example.com"
STABLE = {
    "1": 2,
    "2": 1,
    "3": 1,
    "4": 0,
    "5": 0,
    "6": 0,
    "8": 1,
    "9": 3,
    "10": 2,
    "11": 1,
    "12": 2,
    "13": 4,
    "14": 1,
    "15": 1,
    "16": 4,
    "17": 3,
}


def _bam(t: float, trend: str) -> dict[str, int]:
    """A 7-day BAM at point t (0 = first week, 1 = now) of a trend."""
    answers = dict(STABLE, **dict.fromkeys(scales.DETAIL_ITEMS, 0))
    if trend == "improving":
        use = max(0, round(3 - 6 * t))
        answers.update(
            {
                "1": round(4 - 2 * t),
                "2": round(6 - 5 * t),
                "3": round(6 - 5 * t),
                "6": use,
                "7e": use,
                "8": round(4 - 3 * t),
                "9": round(1 + 3 * t),
                "10": round(1 + 4 * t),
                "11": round(5 - 4 * t),
                "13": round(1 + 4 * t),
                "15": round(3 - 2 * t),
                "16": round(2 + 5 * t),
            }
        )
    elif trend == "off_track" and t > 0.6:
        worse = 1 if t < 0.9 else 2
        answers.update(
            {
                "2": 4 + worse,
                "3": 4 + worse,
                "4": 1 + worse,
                "5": worse,
                "8": 2 + worse,
                "9": 1,
                "10": 0,
                "11": 4 + worse,
                "13": 1,
                "16": 1,
            }
        )
    return answers


def _phq9(total: int, item9: int = 0) -> dict[str, int]:
    answers = {str(n): 0 for n in range(1, 10)}
    answers["9"] = item9
    left = total - item9
    for n in range(1, 9):
        answers[str(n)] = min(3, left)
        left -= answers[str(n)]
    return answers


def _gad7(total: int) -> dict[str, int]:
    answers, left = {}, total
    for n in range(1, 8):
        answers[str(n)] = min(3, left)
        left -= answers[str(n)]
    return answers


def ensure_demo_outcomes(*, today: date | None = None) -> int:
    """Measures and screens for every demo patient in care; nothing twice."""
    today = today or clinictime.today()
    patients = list(
        Patient.objects.filter(
            email__endswith=".demo@example.com",
            pk__in=Admission.objects.filter(end_date__isnull=True).values("patient_id"),
        ).order_by("pk")
    )
    first_days: dict[int, date] = {}
    for patient_id, start in Admission.objects.filter(patient__in=patients).values_list(
        "patient_id", "start_date"
    ):
        first_days[patient_id] = min(start, first_days.get(patient_id, start))
    if not patients or Measurement.objects.filter(patient__in=patients).exists():
        return 0
    counselor = User.objects.get(username="counselor")
    made = 0
    for patient in patients:
        made += _measures(patient, first_days[patient.pk], today, counselor)
        _medications(patient, first_days[patient.pk], counselor)
    _screens(patients, today, counselor)
    return made


def _measures(patient: Patient, start: date, today: date, by: User) -> int:
    trend = {IMPROVING: "improving", OFF_TRACK: "off_track"}.get(patient.email, "stable")
    services.record_measurement(
        patient=patient, kind=scales.BAM_30, taken_on=start, answers=_bam(0, trend), by=by
    )
    weeks = [
        start + timedelta(days=7 * k) for k in range(1, 60) if start + timedelta(7 * k) <= today
    ]
    for i, day in enumerate(weeks):
        t = i / max(len(weeks) - 1, 1)
        services.record_measurement(
            patient=patient, kind=scales.BAM_7, taken_on=day, answers=_bam(t, trend), by=by
        )
    phq = {"improving": (14, 9, 5), "off_track": (6, 7, 12)}.get(trend, (6, 5, 5))
    gad = {"improving": (12, 8, 5), "off_track": (5, 6, 11)}.get(trend, (5, 4, 4))
    for n, day in enumerate(d for d in [start + timedelta(28 * k) for k in range(3)] if d <= today):
        services.record_measurement(
            patient=patient, kind=scales.PHQ9, taken_on=day, answers=_phq9(phq[n]), by=by
        )
        services.record_measurement(
            patient=patient, kind=scales.GAD7, taken_on=day, answers=_gad7(gad[n]), by=by
        )
    return 1 + len(weeks)


def _medications(patient: Patient, start: date, by: User) -> None:
    if patient.email == IMPROVING:
        services.add_medication(
            patient=patient,
            name="Buprenorphine-naloxone 8 mg/2 mg film",
            purpose="Opioid use disorder (daily)",
            prescriber="Dr. Amal Reyes",
            tests_as="buprenorphine",
            start_date=start - timedelta(3),
            end_date=None,
            by=by,
        )
        services.set_sobriety_date(patient=patient, sober_since=start - timedelta(3), by=by)
    if patient.email == TAPER:
        services.add_medication(
            patient=patient,
            name="Clonazepam 0.5 mg (taper)",
            purpose="Supervised sedative taper",
            prescriber="Dr. Amal Reyes",
            tests_as="benzodiazepine",
            start_date=start,
            end_date=None,
            by=by,
        )
    if patient.email == OFF_TRACK:
        services.set_sobriety_date(patient=patient, sober_since=start, by=by)


def _screens(patients: list[Patient], today: date, by: User) -> None:
    this_monday = clinictime.monday_of(today)
    for weeks_back in range(4, -1, -1):
        services.draw_random_screens(monday=this_monday - timedelta(weeks=weeks_back))
    for order in ScreenOrder.objects.filter(patient__in=patients, due_on__lt=today):
        _collect(order, by)
    off_track = next((p for p in patients if p.email == OFF_TRACK), None)
    if off_track is not None:
        order = services.order_screen(
            patient=off_track,
            reason="ad_hoc",
            due_on=today - timedelta(2),
            specimen="urine",
            observed=True,
            panel=["alcohol", "cocaine", "fentanyl"],
            by=by,
        )
        _collect(order, by, positives={"alcohol"})
    hector = next((p for p in patients if p.email == UNEXPECTED_COCAINE), None)
    if hector is not None:
        order = services.order_screen(
            patient=hector,
            reason="scheduled",
            due_on=today - timedelta(1),
            specimen="oral_fluid",
            observed=False,
            panel=["cocaine", "methamphetamine"],
            by=by,
        )
        _collect(order, by, positives={"cocaine"})


def _collect(order: ScreenOrder, by: User, positives: set[str] | None = None) -> None:
    moment = clinictime.local_to_utc(order.due_on, time(10, 15))
    services.record_collection(order=order, collected_at=moment, refused=False, by=by)
    prescribed = services.expected_substances(order.patient, order.due_on)
    wanted = (positives or set()) | prescribed
    outcomes = {s: "positive" if s in wanted else "negative" for s in order.panel}
    services.record_results(order=order, outcomes=outcomes, by=by)
