"""The director's dashboard: live figures from the database, each a table (the numbers)
and a chart (the same numbers), every count of patients protected (outcomes.suppression).

Each figure is built by one function in a fixed number of queries whatever the data
size; FIGURES lists them by slug, which the CSV download uses.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, DateField, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils.safestring import SafeString

from accounts import clinic_dates
from intake.models import Admission, Assessment, Inquiry
from notes import pending
from outcomes import progress, svg
from outcomes.models import ScreenResult
from outcomes.suppression import HIDDEN_TEXT, Cell, count_cell, hide, protect, rate_cell
from programs.models import Program
from scheduling import clinictime, hours
from scheduling.models import Attendance, Attendee
from treatment import reviews
from treatment.due import DUE, OVERDUE

LEVELS = ("OP", "IOP", "PHP", "INP")
WEEKS = 12
ATTENDED = (Attendance.PRESENT, Attendance.LATE, Attendance.LEFT_EARLY)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    program: str = ""  # a level code, or every program

    @property
    def levels(self) -> tuple[str, ...]:
        return (self.program,) if self.program else LEVELS

    def admissions(self):
        found = Admission.objects.all()
        return found.filter(program__code=self.program) if self.program else found


@dataclass
class Figure:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell | str | date]] = field(default_factory=list)
    chart: SafeString | None = None
    note: str = ""

    def table_rows(self) -> list[tuple[Cell | str | date, list[Cell | str | date]]]:
        """Each row as the page's table shows it: the label, then each cell's text (a
        cell's text, or the value itself), so the template looks nothing up per cell."""
        return [
            (row[0], [(c.text or c) if isinstance(c, Cell) else c for c in row[1:]])
            for row in self.rows
        ]

    def csv_rows(self) -> list[list[str]]:
        return [self.columns] + [[_csv_text(c) for c in row] for row in self.rows]


def _csv_text(cell: Cell | str | date) -> str:
    if isinstance(cell, Cell):
        return cell.text
    return cell.isoformat() if isinstance(cell, date) else cell  # exports keep ISO dates


def _label(cell: Cell | str | date) -> str:
    """A row's label as the page shows it (dates in the clinic's style)."""
    if isinstance(cell, date):
        return clinic_dates.day(cell)
    return cell.text if isinstance(cell, Cell) else cell


def _bars(figure: Figure, label_col: int = 0, value_col: int = 1, unit: str = "") -> SafeString:
    bars = []
    for row in figure.rows:
        cell = row[value_col]
        assert isinstance(cell, Cell)
        value = 0 if cell.value is None and cell.text == "—" else cell.value  # nothing to hide
        bars.append(svg.Bar(_label(row[label_col]), value, cell.text))
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars) or "No data"
    return svg.bar_chart(title=figure.title, desc=desc, bars=bars, unit=unit)


def census_today(f: Filters) -> Figure:
    today = clinictime.today()
    counts = Counter(f.admissions().current(today).values_list("program__code", flat=True))
    cells, total = protect([counts.get(code, 0) for code in f.levels])
    figure = Figure(
        "census-today", f"Patients in care today, {clinic_dates.day(today)}", ["Level", "Patients"]
    )
    figure.rows = [[code, cell] for code, cell in zip(f.levels, cells, strict=True)]
    figure.rows.append(["All levels", total])
    figure.chart = _bars(Figure(figure.slug, figure.title, figure.columns, figure.rows[:-1]))
    return figure


def census_weekly(f: Filters) -> Figure:
    last_monday = clinictime.monday_of(f.end)
    mondays = [last_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    first, last_sunday = mondays[0], last_monday + timedelta(days=6)
    spans = list(
        f.admissions()
        .filter(start_date__lte=last_sunday)
        .exclude(end_date__lt=first)
        .values_list("program__code", "patient_id", "start_date", "end_date")
    )
    figure = Figure(
        "census-weekly", f"Patients in care, week by week ({WEEKS} weeks)", ["Week of", *f.levels]
    )
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        people: dict[str, set[int]] = defaultdict(set)
        for code, patient_id, start, end in spans:
            if start <= sunday and (end is None or end >= monday):
                people[code].add(patient_id)
        cells = [count_cell(len(people[code])) for code in f.levels]
        figure.rows.append([monday, *cells])
        for code, cell in zip(f.levels, cells, strict=True):
            if cell.value is not None:
                series[code].append((monday, cell.value))
    lines = [svg.Series(code, series[code], f"s{i + 1}") for i, code in enumerate(f.levels)]
    y_max = max([v for s in lines for _, v in s.points] or [5])
    figure.chart = svg.line_chart(
        title=figure.title,
        desc=f"Patients in care each week from {clinic_dates.day(first)}, one line per level "
        f"({', '.join(f.levels)}); weeks with fewer than 5 patients at a level are left out.",
        start=first,
        end=last_monday,
        y_max=y_max,
        series=lines,
    )
    return figure


def _median_days(pairs: list[tuple[date, date]]) -> str:
    days = [(b - a).days for a, b in pairs if a and b and b >= a]
    return f"{statistics.median(days):g}" if len(days) >= 5 else (HIDDEN_TEXT if days else "—")


def funnel(f: Filters) -> Figure:
    inquiries = Inquiry.objects.filter(
        created_at__gte=clinictime.local_midnight(f.start),
        created_at__lt=clinictime.local_midnight(f.end + timedelta(1)),
    )
    if f.program:
        inquiries = inquiries.filter(
            Q(program__code=f.program) | Q(patient__admissions__program__code=f.program)
        ).distinct()
    rows = list(
        inquiries.annotate(
            assessed=Min("patient__assessments__assessment_date"),
            admitted=Min("patient__admissions__start_date"),
        ).values_list("created_at", "assessed", "admitted")
    )
    assessed = [(clinictime.local(c).date(), a) for c, a, _ in rows if a]
    admitted = [(a, d) for _, a, d in rows if a and d]
    n = [len(rows), len(assessed), len(admitted)]
    figure = Figure(
        "funnel",
        "Call requests to assessment to admission",
        ["Step", "People", "Share of the step before", "Median days from the step before"],
    )
    figure.rows = [
        ["Call requests", count_cell(n[0]), "—", "—"],
        [
            "Assessed",
            count_cell(n[1]),
            rate_cell(n[1], n[0], people=min(n[1], n[0] - n[1]) or n[1]),
            _median_days(assessed),
        ],
        [
            "Admitted",
            count_cell(n[2]),
            rate_cell(n[2], n[1], people=min(n[2], n[1] - n[2]) or n[2]),
            _median_days(admitted),
        ],
    ]
    figure.chart = _bars(figure)
    figure.note = (
        f"Call requests received {clinic_dates.day(f.start)} to {clinic_dates.day(f.end)}."
    )
    return figure


def referral_sources(f: Filters) -> Figure:
    found = Assessment.objects.filter(assessment_date__range=(f.start, f.end)).exclude(
        referral_source=""
    )
    if f.program:
        found = found.filter(patient__admissions__program__code=f.program).distinct()
    counts = dict(
        found.values_list("referral_source")
        .annotate(n=Count("pk"))
        .values_list("referral_source", "n")
    )
    choices = Assessment.ReferralSource.choices
    cells, total = protect([counts.get(value, 0) for value, _ in choices])
    figure = Figure(
        "referral-sources", "Referral sources of assessments", ["Source", "Assessments"]
    )
    figure.rows = [[label, cell] for (_, label), cell in zip(choices, cells, strict=True)]
    figure.chart = _bars(Figure(figure.slug, figure.title, figure.columns, list(figure.rows)))
    figure.rows.append(["All sources", total])
    return figure


def attendance_by_track(f: Filters) -> Figure:
    found = Attendee.objects.filter(
        session__track__isnull=False,  # the session's start is indexed, the attendee's copy not
        session__start__gte=clinictime.local_midnight(f.start),
        session__start__lt=clinictime.local_midnight(f.end + timedelta(1)),
    ).exclude(attendance="")
    if f.program:
        found = found.filter(session__track__program__code=f.program)
    pairs = found.values(name=F("session__track__name"), patient_ref=F("patient")).annotate(
        marked=Count("pk"), attended=Count("pk", filter=Q(attendance__in=ATTENDED))
    )
    rows = _per_track(pairs.order_by())
    figure = Figure(
        "attendance", "Attendance rate by track", ["Track", "Patients", "Attendance marked", "Rate"]
    )
    for name, marked, attended, people in rows:
        figure.rows.append(
            [
                name,
                count_cell(people),
                count_cell(marked) if people >= 5 else hide(),
                rate_cell(attended, marked, people=people),
            ]
        )
    figure.chart = _bars(figure, value_col=3, unit="%")
    return figure


def _per_track(pairs: QuerySet) -> list[tuple[str, int, int, int]]:
    """(track name, marks, attended, patients) from rows per track name and patient, grouped
    again in the database, in its order of the names: the rows per pair are hashed, where
    counting distinct patients per name would sort every mark. One query."""
    sql, params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, SUM(marked)::integer, SUM(attended)::integer, COUNT(*)::integer "
            f"FROM ({sql}) AS pairs GROUP BY name ORDER BY name",  # noqa: S608 (Django's SQL)
            params,
        )
        return cursor.fetchall()


def _week_hours(f: Filters, today: date) -> list[tuple[str, hours.WeekHours]]:
    """(level, the week's hours) of each patient in care, scheduling's rule applied to
    week totals summed in the database (the dashboard needs no per-day detail)."""
    monday = clinictime.monday_of(today)
    start, end = clinictime.week_bounds(monday)
    in_care = f.admissions().current(today)
    programs = {p.pk: p for p in Program.objects.all()}
    totals: dict[int, tuple[int, int]] = {
        patient_id: (int(length.total_seconds() // 60), attended or 0)
        for patient_id, length, attended in Attendee.objects.filter(
            patient_id__in=in_care.values("patient_id"),
            active=True,
            start__gte=start,
            start__lt=end,
        )
        .values("patient_id")
        .annotate(length=Sum(F("end") - F("start")), attended=Sum("minutes_attended"))
        .order_by()
        .values_list("patient_id", "length", "attended")
    }
    # patients of a level with the same totals share one (read-only) week: the rule is
    # applied once per distinct week, not once per patient
    weeks: dict[tuple[int, int, int], hours.WeekHours] = {}
    found = []
    for patient_id, program_id in in_care.order_by().values_list("patient_id", "program_id"):
        scheduled, attended = totals.get(patient_id, (0, 0))
        key = (program_id, scheduled, attended)
        if key not in weeks:
            day = hours.DayHours(scheduled=scheduled, attended=attended)
            weeks[key] = hours.WeekHours(program=programs[program_id], days={monday: day})
        found.append((programs[program_id].code, weeks[key]))
    return found


def under_minimum(f: Filters) -> Figure:
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for code, week in _week_hours(f, clinictime.today()):
        total[code] += 1
        flagged[code] += week.scheduled_under_minimum
    cells, all_cell = protect([flagged[code] for code in f.levels])
    figure = Figure(
        "under-minimum",
        "Patients under their weekly minimum this week",
        ["Level", "Under minimum", "Patients in care"],
    )
    figure.rows = [
        [code, cell, count_cell(total[code])] for code, cell in zip(f.levels, cells, strict=True)
    ]
    figure.chart = _bars(Figure(figure.slug, figure.title, figure.columns, list(figure.rows)))
    figure.rows.append(["All levels", all_cell, count_cell(sum(total.values()))])
    figure.note = "Booked hours this week against each level's weekly minimum."
    return figure


def length_of_stay(f: Filters) -> Figure:
    ended = list(
        f.admissions()
        .filter(end_date__range=(f.start, f.end))
        .values_list("program__code", "discharge_reason", "start_date", "end_date")
    )
    figure = Figure(
        "length-of-stay",
        "Length of stay (days) of admissions ended in the range",
        ["Group", "Admissions ended", "Median days"],
    )
    by_level: dict[str, list[int]] = defaultdict(list)
    by_reason: dict[str, list[int]] = defaultdict(list)
    for code, reason, start, end in ended:
        by_level[code].append((end - start).days)
        by_reason[reason or "other"].append((end - start).days)
    reasons = dict(Admission.DischargeReason.choices)
    for label, values in [
        *((f"Level {c}", by_level[c]) for c in f.levels),
        *((reasons[r], by_reason[r]) for r in reasons),
    ]:
        median = (
            Cell(statistics.median(values), f"{statistics.median(values):g}")
            if len(values) >= 5
            else (hide() if values else Cell(None, "—"))
        )
        figure.rows.append([label, count_cell(len(values)), median])
    figure.chart = _bars(
        Figure(figure.slug, figure.title, figure.columns, figure.rows[: len(f.levels)]),
        value_col=2,
        unit=" days",
    )
    return figure


def off_track_share(f: Filters) -> Figure:
    today = clinictime.today()
    in_care = f.admissions().current(today).values("patient_id")
    n_in_care = in_care.values("patient_id").distinct().count()
    # the stored flags as they are (progress.flags_for's rows, no model built per patient)
    flags = list(progress.flagged(in_care).values_list("flags", flat=True))
    rules = Counter(flag["rule"] for found in flags for flag in found)
    n_flagged = len(flags)
    figure = Figure(
        "off-track", "Patients in care off track today", ["Measure", "Patients", "Share"]
    )
    figure.rows.append(
        [
            "Off track (any reason)",
            count_cell(n_flagged),
            rate_cell(
                n_flagged, n_in_care, people=min(n_flagged, n_in_care - n_flagged) or n_flagged
            ),
        ]
    )
    labels = {
        "use": "BAM Use above 0 twice in a row",
        "risk": "BAM Risk 12 or more",
        "protective": "BAM Protective 12 or less",
        "phq9_rise": "PHQ-9 up 5 or more",
        "safety": "PHQ-9 item 9 above 0",
    }
    for rule, label in labels.items():
        figure.rows.append(
            [label, count_cell(rules[rule]), rate_cell(rules[rule], n_in_care, people=rules[rule])]
        )
    figure.rows.append(["Patients in care", count_cell(n_in_care), "—"])
    figure.chart = _bars(
        Figure(figure.slug, figure.title, figure.columns, figure.rows[:-1]), value_col=2, unit="%"
    )
    return figure


def unexpected_screens(f: Filters) -> Figure:
    last_monday = clinictime.monday_of(f.end)
    mondays = [last_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    found = ScreenResult.objects.filter(
        order__collected_at__gte=clinictime.local_midnight(mondays[0]),
        order__collected_at__lt=clinictime.local_midnight(last_monday + timedelta(7)),
        outcome=ScreenResult.Outcome.POSITIVE,
        expected=False,
    )
    if f.program:
        found = found.filter(order__patient__admissions__program__code=f.program).distinct()
    # patients per clinic week, counted in the database (a week starts on Monday there too)
    week = TruncWeek(
        "order__collected_at", output_field=DateField(), tzinfo=clinictime.clinic_zone()
    )
    per_week: dict[date, int] = {
        _as_date(monday): n
        for monday, n in found.order_by()
        .values(monday=week)
        .annotate(n=Count("order__patient", distinct=True))
        .values_list("monday", "n")
    }
    figure = Figure(
        "unexpected-screens",
        "Patients with an unexpected positive screen, by week",
        ["Week of", "Patients"],
    )
    figure.rows = [[m, count_cell(per_week.get(m, 0))] for m in mondays]
    figure.chart = _bars(figure)
    return figure


def _as_date(day: date | datetime) -> date:
    """A truncated moment as the database gives it (a timestamp at midnight) as a date."""
    return day.date() if isinstance(day, datetime) else day


def plans_and_notes_overdue(f: Filters) -> Figure:
    """Today's overdue work, by the rules the counselors' pages use (treatment.reviews for
    plans, notes.due for notes): a fixed number of queries whatever the clinic's size."""
    today = clinictime.today()
    states = reviews.plan_states(f.admissions(), today=today)
    overdue_plans, due_plans = states[OVERDUE], states[DUE]
    notes = pending.overdue_attendees(today)
    cosign = pending.awaiting_cosign()
    if f.program:
        notes = notes.filter(_session_program(f.program, "session"))
        cosign = cosign.filter(_session_program(f.program, "attendee__session"))
    late, waiting = pending.tally(notes), pending.tally(cosign)
    figure = Figure(
        "overdue",
        "Treatment plans and session notes overdue today",
        ["Overdue", "Patients", "Plans or notes"],
    )
    for label, patients, items in [
        ("Treatment plans or reviews overdue", overdue_plans, overdue_plans),
        ("Treatment plans or reviews due within 7 days", due_plans, None),
        ("Session notes unsigned after their due day", late.patients, late.notes),
        ("Session notes waiting for co-signature", waiting.patients, waiting.notes),
    ]:
        shown = count_cell(patients)
        count = items if items is not None else patients
        figure.rows.append([label, shown, count_cell(count) if not shown.hidden else hide()])
    figure.chart = _bars(figure)
    figure.note = (
        "A plan is overdue after its due day (initial plan 7 days after admission, a review "
        "30 days after the last one, 7 days after a change of level, at once when progress "
        "is off track); a note after the end of the next business day after its session."
    )
    return figure


def _session_program(code: str, session: str) -> Q:
    """A group session of the program's tracks, or an individual session of a patient in it
    (a subquery, not a join to the admissions: no row repeats, for pending.tally)."""
    in_program = Admission.objects.filter(program__code=code, end_date__isnull=True)
    return Q(**{f"{session}__track__program__code": code}) | Q(
        **{f"{session}__track__isnull": True, "patient_id__in": in_program.values("patient_id")}
    )


FIGURES: dict[str, Callable[[Filters], Figure]] = {
    "census-today": census_today,
    "census-weekly": census_weekly,
    "funnel": funnel,
    "referral-sources": referral_sources,
    "attendance": attendance_by_track,
    "under-minimum": under_minimum,
    "length-of-stay": length_of_stay,
    "off-track": off_track_share,
    "unexpected-screens": unexpected_screens,
    "overdue": plans_and_notes_overdue,
}


def program_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in Program.objects.order_by("intensity")]
