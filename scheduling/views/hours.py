"""Hours of care: the caseload, and a patient's attendance by week (and its printout)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.audit import Action, record
from accounts.decorators import role_required
from intake.access import get_patient_for_user
from scheduling import clinictime, hooks, hours, records
from scheduling.access import sees_everything
from scheduling.audit import record_for_patients
from scheduling.forms import counselors
from scheduling.views.common import STAFF


def _caseload_columns(loads: list[hours.CounselorCaseload]) -> list:
    """What other apps add to each caseload row (scheduling.hooks), set on the rows."""
    ids = [row.admission.patient_id for load in loads for row in load.rows]
    columns = hooks.caseload_columns(ids) if ids else []
    for load in loads:
        for row in load.rows:
            row.extras = [values.get(row.admission.patient_id, []) for _, values in columns]
    return columns


@role_required(*STAFF)
def caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clinictime.today()
    day = clinictime.parse_date(request.GET.get("date")) or today
    monday = clinictime.monday_of(day)
    choices: list = []
    selected = None
    if sees_everything(user):
        choices = list(counselors())
        wanted = request.GET.get("counselor", "")
        selected = next((c for c in choices if str(c.pk) == wanted), None)
        shown = [selected] if selected else choices
    else:
        shown = [user]
    loads = hours.caseloads(counselors=shown, monday=monday, today=today)
    columns = _caseload_columns(loads)
    record_for_patients(
        request,
        Action.VIEW,
        obj=None,
        patients=[row.patient for load in loads for row in load.rows],
        detail="caseload hours",
    )
    counselor_param = {"counselor": selected.pk} if selected else {}
    return render(
        request,
        "scheduling/caseload.html",
        {
            "loads": loads,
            "columns": [title for title, _ in columns],
            "choices": choices,
            "selected": selected,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "is_this_week": monday == clinictime.monday_of(today),
            "week_is_over": today > monday + timedelta(days=6),
            "previous_url": "?"
            + urlencode({"date": monday - timedelta(days=7), **counselor_param}),
            "next_url": "?" + urlencode({"date": monday + timedelta(days=7), **counselor_param}),
            "today_url": "?" + urlencode(counselor_param) if counselor_param else "?",
            "billable_code": hours.BILLABLE_CODE,
        },
    )


@role_required(*STAFF)
def patient_attendance(request: HttpRequest, patient_uuid) -> HttpResponse:
    patient = get_patient_for_user(request.user, patient_uuid)
    admission = patient.admissions.filter(end_date__isnull=True).select_related("program").first()
    weeks = hours.patient_weeks(
        patient=patient,
        program=admission.program if admission else None,
        today=clinictime.today(),
    )
    record(request, Action.VIEW, obj=patient, patient=patient, detail="attendance by week")
    return render(
        request,
        "scheduling/patient_attendance.html",
        {
            "patient": patient,
            "admission": admission,
            "weeks": weeks,
            "billable_code": hours.BILLABLE_CODE,
            "this_monday": clinictime.monday_of(clinictime.today()),
        },
    )


@role_required(*STAFF)
def print_attendance(request: HttpRequest, patient_uuid) -> HttpResponse:
    """The attendance page as a record to print, oldest week first, between two copies of
    the 42 CFR 2.32 notice. A counselor prints only patients they may see (else 404)."""
    patient = get_patient_for_user(request.user, patient_uuid)
    record(request, Action.PRINT, obj=patient, patient=patient, detail="attendance")
    return render(
        request,
        "scheduling/attendance_print.html",
        {
            **records.attendance_context(patient=patient),
            "patient": patient,
            "printed_at": timezone.now(),
        },
    )
