"""Weekly hours of care: scheduled and attended, against each level's range.

Aggregated in SQL (one query per page, whatever the number of patients or sessions).
An IOP day is billable (HCPCS H0015) when the patient attended at least 3 hours that
day in a program that runs at least 3 days a week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Sum
from django.db.models.functions import TruncDate

from intake.models import Admission
from programs.models import Program
from scheduling import clinictime
from scheduling.models import Attendee, Session, Track, TrackEnrollment

BILLABLE_DAY_MINUTES = 180
BILLABLE_MIN_PROGRAM_DAYS = 3
BILLABLE_CODE = "H0015"

ADULT_AGE = 18
# (fewest, most) hours a week for a patient under ADULT_AGE on the Monday of the week;
# a level not listed judges adolescents against its one range
ADOLESCENT_RANGES: dict[str, tuple[int | None, int | None]] = {
    Program.Code.OP: (None, 5),  # under 6
    Program.Code.IOP: (6, 19),
}


def age_on(birth: date, day: date) -> int:
    """Whole years of age on `day` (someone born on 29 February turns a year older on
    1 March in a common year)."""
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)


def is_adolescent(birth: date | None, monday: date) -> bool:
    """Under 18 on the first day of the week (domain: "Adolescents")."""
    return birth is not None and age_on(birth, monday) < ADULT_AGE


def hours_range_display(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high} h"
    if high is not None:
        return f"under {high + 1} h"
    if low is not None:
        return f"{low}+ h"
    return ""


@dataclass
class DayHours:
    scheduled: int = 0  # minutes
    attended: int = 0


@dataclass
class WeekHours:
    program: Program | None
    days: dict[date, DayHours] = field(default_factory=dict)
    program_days: int = 0  # days a week the program's groups meet
    adolescent: bool = False  # under 18 on the Monday: the level's adolescent range applies

    @property
    def scheduled_minutes(self) -> int:
        return sum(d.scheduled for d in self.days.values())

    @property
    def attended_minutes(self) -> int:
        return sum(d.attended for d in self.days.values())

    @property
    def scheduled_hours(self) -> float:
        return round(self.scheduled_minutes / 60, 1)

    @property
    def attended_hours(self) -> float:
        return round(self.attended_minutes / 60, 1)

    @property
    def uses_adolescent_range(self) -> bool:
        return (
            self.adolescent and self.program is not None and self.program.code in ADOLESCENT_RANGES
        )

    @property
    def hours_range(self) -> tuple[int | None, int | None]:
        if self.program is None:
            return None, None
        if self.uses_adolescent_range:
            return ADOLESCENT_RANGES[self.program.code]
        return self.program.min_weekly_hours, self.program.max_weekly_hours

    @property
    def minimum(self) -> int | None:
        return self.hours_range[0]

    @property
    def maximum(self) -> int | None:
        return self.hours_range[1]

    @property
    def range_display(self) -> str:
        """Which range the week is judged against: 'adult range 9-19 h',
        'adolescent range 6-19 h' ('' for a level without an hours range)."""
        hours = hours_range_display(*self.hours_range)
        if not hours:
            return ""
        if self.uses_adolescent_range:
            return f"adolescent range {hours}"
        if self.adolescent:
            return f"range {hours} (no separate adolescent range)"
        return f"adult range {hours}"

    @property
    def scheduled_under_minimum(self) -> bool:
        return self.minimum is not None and self.scheduled_minutes < self.minimum * 60

    def attended_under_minimum(self) -> bool:
        return self.minimum is not None and self.attended_minutes < self.minimum * 60

    @property
    def over_maximum(self) -> bool:
        return self.maximum is not None and self.scheduled_minutes > self.maximum * 60

    @property
    def billable_days(self) -> list[date]:
        if not self.program or self.program.code != Program.Code.IOP:
            return []
        if self.program_days < BILLABLE_MIN_PROGRAM_DAYS:
            return []
        return sorted(d for d, h in self.days.items() if h.attended >= BILLABLE_DAY_MINUTES)


def daily_minutes(*, patient_ids: list[int], start: date, end: date) -> dict:
    """{patient id: {local date: DayHours}} for the days in [start, end), in one query."""
    first, _ = clinictime.week_bounds(start)
    last = clinictime.local_midnight(end)
    rows = (
        # the attendee row carries its session's time and status (see models.py)
        Attendee.objects.filter(
            patient_id__in=patient_ids, active=True, start__gte=first, start__lt=last
        )
        .annotate(day=TruncDate("start", tzinfo=clinictime.clinic_zone()))
        .values("patient_id", "day")
        .annotate(length=Sum(F("end") - F("start")), attended=Sum("minutes_attended"))
        .order_by()
    )
    result: dict[int, dict[date, DayHours]] = defaultdict(dict)
    for row in rows:
        result[row["patient_id"]][row["day"]] = DayHours(
            scheduled=int(row["length"].total_seconds() // 60), attended=row["attended"] or 0
        )
    return result


def _track_rules(program_ids) -> list[tuple[int, list[int], date, date | None]]:
    return list(
        Track.objects.filter(program_id__in=program_ids).values_list(
            "program_id", "weekdays", "first_date", "last_date"
        )
    )


def _program_days(rules, program_id: int, monday: date) -> int:
    """Distinct weekdays the program's groups meet in the week of `monday`."""
    sunday = monday + timedelta(days=6)
    days: set[int] = set()
    for pk, weekdays, first, last in rules:
        if pk == program_id and first <= sunday and (last is None or last >= monday):
            days.update(weekdays)
    return len(days)


def _exception_enrollments(patient_ids: list[int], monday: date) -> dict[int, list]:
    """{patient id: enrollments in the week that do not match their care}, one query."""
    if not patient_ids:
        return {}
    rows = (
        TrackEnrollment.objects.filter(patient_id__in=patient_ids)
        .exclude(exception_reason="")
        .overlapping(monday, monday + timedelta(days=7))
        .select_related("track")
        .order_by("joined", "pk")
    )
    result: dict[int, list] = defaultdict(list)
    for enrollment in rows:
        result[enrollment.patient_id].append(enrollment)
    return result


@dataclass
class CaseloadRow:
    admission: Admission
    week: WeekHours
    week_is_over: bool = False
    exceptions: list = field(default_factory=list)  # TrackEnrollments outside their care
    extras: list = field(default_factory=list)  # one list of texts per scheduling.hooks column

    @property
    def patient(self):
        return self.admission.patient

    @property
    def flag_under_minimum(self) -> bool:
        return self.week.scheduled_under_minimum or (
            self.week_is_over and self.week.attended_under_minimum()
        )


@dataclass
class CounselorCaseload:
    counselor: object
    rows: list[CaseloadRow]

    @property
    def flagged(self) -> int:
        return sum(row.flag_under_minimum for row in self.rows)


def caseloads(
    *, counselors: list, monday: date, today: date, with_exceptions: bool = True
) -> list[CounselorCaseload]:
    """Each counselor's open admissions with the week's hours and (unless
    `with_exceptions` is off: the home panel counts flags only) the group enrollments that
    do not match their care, in four queries (three without)."""
    sunday = monday + timedelta(days=6)
    admissions = list(
        Admission.objects.filter(
            primary_counselor__in=counselors, end_date__isnull=True, start_date__lte=sunday
        )
        .select_related("patient", "program")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )
    minutes = daily_minutes(
        patient_ids=[a.patient_id for a in admissions], start=monday, end=sunday + timedelta(1)
    )
    rules = _track_rules({a.program_id for a in admissions}) if admissions else []
    exceptions = (
        _exception_enrollments([a.patient_id for a in admissions], monday)
        if with_exceptions
        else {}
    )
    by_counselor: dict[int, list[CaseloadRow]] = defaultdict(list)
    for admission in admissions:
        week = WeekHours(
            program=admission.program,
            days=minutes.get(admission.patient_id, {}),
            program_days=_program_days(rules, admission.program_id, monday),
            adolescent=is_adolescent(admission.patient.date_of_birth, monday),
        )
        by_counselor[admission.primary_counselor_id].append(
            CaseloadRow(
                admission=admission,
                week=week,
                week_is_over=today > sunday,
                exceptions=exceptions.get(admission.patient_id, []),
            )
        )
    return [CounselorCaseload(c, by_counselor.get(c.pk, [])) for c in counselors]


@dataclass
class PatientWeek:
    monday: date
    attendees: list[Attendee]
    hours: WeekHours
    is_over: bool = False

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def flag_under_minimum(self) -> bool:
        return self.hours.scheduled_under_minimum or (
            self.is_over and self.hours.attended_under_minimum()
        )


def patient_weeks(
    *,
    patient,
    program: Program | None,
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> list[PatientWeek]:
    """The patient's sessions grouped by clinic week, newest first, in two queries.

    With `start` and/or `end` (clinic days, both included) only the sessions on those
    days count, so a week cut by the range shows only its days inside it.
    """
    attendees = Attendee.objects.filter(patient=patient)
    if start is not None:
        attendees = attendees.filter(start__gte=clinictime.local_midnight(start))
    if end is not None:
        attendees = attendees.filter(start__lt=clinictime.local_midnight(end + timedelta(days=1)))
    history = list(
        attendees.select_related(
            "session__session_type", "session__track", "session__room"
        ).order_by("-start", "-pk")
    )
    weeks: dict[date, list[Attendee]] = defaultdict(list)
    for attendee in history:
        weeks[clinictime.monday_of(clinictime.local(attendee.start).date())].append(attendee)
    rules = _track_rules([program.pk]) if weeks and program else []
    result = []
    for monday, rows in weeks.items():
        days: dict[date, DayHours] = defaultdict(DayHours)
        for row in rows:
            if row.session.status != Session.Status.SCHEDULED:
                continue
            day = days[clinictime.local(row.start).date()]
            day.scheduled += row.session.minutes
            day.attended += row.minutes_attended or 0
        hours = WeekHours(
            program=program,
            days=dict(days),
            program_days=_program_days(rules, program.pk, monday) if program else 0,
            adolescent=is_adolescent(patient.date_of_birth, monday),
        )
        result.append(
            PatientWeek(
                monday=monday,
                attendees=sorted(rows, key=lambda a: a.start),
                hours=hours,
                is_over=today > monday + timedelta(days=6),
            )
        )
    return result
