"""Attendance as a record to print or send out (the disclosure side: intake/records.py)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date

from intake import records
from intake.models import Disclosure, Patient, RecordKind
from scheduling import clinictime, hours


def attendance_context(
    *, patient: Patient, start: date | None = None, end: date | None = None
) -> dict:
    """What `scheduling/_attendance_record.html` shows: week by week, oldest first (a
    record reads forward in time), measured against the level of the latest admission
    that began by the end of the period. Three queries."""
    today = clinictime.today()
    admission = (
        patient.admissions.filter(start_date__lte=end or today)
        .select_related("program")
        .order_by("-start_date", "-created_at")
        .first()
    )
    weeks = hours.patient_weeks(
        patient=patient,
        program=admission.program if admission else None,
        today=today,
        start=start,
        end=end,
    )
    weeks.reverse()
    return {"admission": admission, "weeks": weeks, "start": start, "end": end}


def _attendance_section(disclosure: Disclosure) -> records.Section:
    context = attendance_context(
        patient=disclosure.patient, start=disclosure.attendance_from, end=disclosure.attendance_to
    )
    html = render_to_string("scheduling/_attendance_record.html", {**context, "h": 3})
    start, end = disclosure.attendance_from, disclosure.attendance_to
    assert start is not None and end is not None  # an attendance disclosure has its period
    period = f"{format_date(start, 'M j, Y')} to {format_date(end, 'M j, Y')}"
    return records.Section(f"Attendance, {period}", html)


def register_sections() -> None:
    records.register(RecordKind.ATTENDANCE, _attendance_section)
