"""What outcomes adds to the pages of the apps below it, through their registries:
the staff home (accounts.home), the patient's page (intake.patient_page), the caseload
and the week (scheduling.hooks)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.home import Panel
from accounts.roles import is_counselor, is_director
from intake.access import caseload_open_since
from intake.models import Admission, Patient
from outcomes import progress
from outcomes.models import ProgressStatus, ScreenOrder, ScreenResult
from scheduling import clinictime

UNEXPECTED_DAYS = 14  # how far back the counselor's home lists unexpected positives


def caseload_admissions(user) -> list[Admission]:
    return list(
        Admission.objects.filter(primary_counselor_id=user.pk, end_date__isnull=True)
        .select_related("patient", "program")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )


def closing_discharges(user) -> list[Admission]:
    """The counselor's patients discharged in the closing window (intake.access) and not
    readmitted: their discharge measures are still to take."""
    return list(
        Admission.objects.filter(primary_counselor_id=user.pk, end_date__gte=caseload_open_since())
        .exclude(discharge_reason__in=progress.LEVEL_CHANGES)
        .exclude(patient__admissions__end_date__isnull=True)
        .select_related("patient", "program")
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )


def screens_due(patient_ids: list[int] | QuerySet, day: date) -> list[ScreenOrder]:
    return list(
        ScreenOrder.objects.due_on(day).filter(patient_id__in=patient_ids).select_related("patient")
    )


def counselor_panel(request: HttpRequest) -> Panel | None:
    """Measures due this week, who is off track and why, drug screens due today and
    unexpected positives of the last two weeks, for the counselor's caseload."""
    user = request.user
    if not is_counselor(user):
        return None
    today = clinictime.today()
    admissions = caseload_admissions(user)
    patients = {a.patient_id: a.patient for a in admissions}
    ids = list(patients)
    discharged = closing_discharges(user)
    due = progress.due_for(admissions + discharged, monday=clinictime.monday_of(today))
    patients |= {a.patient_id: a.patient for a in discharged}
    flags = progress.flags_for(ids)
    unexpected = (
        ScreenResult.objects.filter(
            order__patient_id__in=ids,
            outcome=ScreenResult.Outcome.POSITIVE,
            expected=False,
            order__collected_at__gte=clinictime.local_midnight(today - timedelta(UNEXPECTED_DAYS)),
        )
        .select_related("order__patient")
        .order_by("-order__collected_at")
    )
    return Panel(
        title="Progress and drug screens",
        template="outcomes/_home_panel.html",
        context={
            "due": [(patients[pk], items) for pk, items in due.items()],
            "flagged": [(patients[pk], found) for pk, found in flags.items()],
            "screens": screens_due(ids, today),
            "unexpected": list(unexpected),
            "today": today,
        },
        order=25,
    )


def director_panel(request: HttpRequest) -> Panel | None:
    if not is_director(request.user):
        return None
    return Panel(title="Program outcomes", template="outcomes/_home_director_panel.html", order=35)


def patient_section(request: HttpRequest, patient: Patient) -> Panel | None:
    """The patient's flags and a link to their progress page (counselors, directors)."""
    if not (is_counselor(request.user) or is_director(request.user)):
        return None
    return Panel(
        title="Progress and drug screens",
        template="outcomes/_patient_section.html",
        context={"flags": progress.flags_for([patient.pk]).get(patient.pk, [])},
        order=10,
    )


def caseload_flags(patient_ids: list[int]) -> dict[int, list[str]]:
    return {
        pk: [flag.reason for flag in found] for pk, found in progress.flags_for(patient_ids).items()
    }


def week_screens(request: HttpRequest, monday: date, today: date) -> Panel | None:
    """Drug screens due today for the counselor's caseload, above their week."""
    user = request.user
    if not is_counselor(user) or clinictime.monday_of(today) != monday:
        return None
    # the caseload as a subquery of the screens' one query, shown above every look at
    # the week
    ids = Admission.objects.filter(primary_counselor_id=user.pk, end_date__isnull=True).values(
        "patient_id"
    )
    screens = screens_due(ids, today)
    return Panel(
        title="Drug screens due today",
        template="outcomes/_week_screens.html",
        context={"screens": screens, "today": today},
        order=10,
    )


def plan_review_reasons(patients) -> dict[int, str]:
    """treatment's review trigger: patients whose flags were raised after their latest
    signed plan, with the reasons, in one query (the stored flags' reasons read as they
    are, no model built per patient)."""
    from django.db.models import OuterRef, Subquery

    from treatment.models import TreatmentPlan

    last_signed = (
        TreatmentPlan.objects.filter(patient_id=OuterRef("patient_id"), signed_at__isnull=False)
        .order_by("-signed_at")
        .values("signed_at")[:1]
    )
    statuses = (
        ProgressStatus.objects.filter(
            patient_id__in=[p.pk for p in patients], flagged_at__isnull=False
        )
        .annotate(last_signed=Subquery(last_signed))
        .values_list("patient_id", "flags", "flagged_at", "last_signed")
    )
    return {
        patient_id: "; ".join(flag["reason"] for flag in flags)
        for patient_id, flags, flagged_at, signed in statuses
        if signed is None or signed < flagged_at
    }


def register_all() -> None:
    from accounts import home
    from intake import patient_page
    from scheduling import hooks
    from treatment import reviews

    home.register(counselor_panel)
    home.register(director_panel)
    patient_page.register(patient_section)
    hooks.register_caseload_column("Progress flags", caseload_flags)
    hooks.register_week_panel(week_screens)
    reviews.register_trigger(plan_review_reasons)
