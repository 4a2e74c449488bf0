"""What treatment adds to the pages of the apps below it, through their registries:
the patient page section, the staff home panels, caseload flags, the diagnosis on every
printout, the plan as a record section for disclosures, and the chart's own kinds."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.home import Panel
from accounts.home import register as register_panel
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, has_role, is_director
from intake import patient_page, records
from intake.models import Admission, Patient, RecordKind
from scheduling import hooks as scheduling_hooks
from treatment import reviews, services, timeline
from treatment.models import Diagnosis

HOME_LIST_SIZE = 10
PLAN_RECORD_KIND = RecordKind.TREATMENT_PLAN


def patient_section(request: HttpRequest, patient: Patient) -> Panel | None:
    """Diagnosis, the plan in force and what is due, with links to the plan and the chart."""
    user = request.user
    if not has_role(user, INTAKE, COUNSELOR, DIRECTOR):
        return None
    clinician = has_role(user, COUNSELOR, DIRECTOR)
    plan = services.current_plan(patient)
    today = timezone.localdate()
    due = None
    if clinician:  # the page has the admissions already (prefetched)
        reason = reviews.off_track([patient]).get(patient.pk, "")
        due = reviews.due_from(
            list(patient.admissions.all()), plan, off_track_reason=reason, today=today
        )
    return Panel(
        title="Diagnosis and treatment plan",
        template="treatment/_patient_section.html",
        context={
            "diagnosis": services.current_diagnosis(patient),
            "plan": plan,
            "due": due,
            "due_state": due.state(today) if due else "",
            "clinician": clinician,
        },
        order=10,
    )


def _flags_for_user(request: HttpRequest) -> list[reviews.PlanFlag]:
    admissions = Admission.objects.filter(end_date__isnull=True).select_related(
        "patient", "program"
    )
    if not is_director(request.user):
        admissions = admissions.filter(primary_counselor=request.user)
    return reviews.plan_flags(list(admissions))


def plans_panel(request: HttpRequest) -> Panel | None:
    """Plans due and overdue: the counselor's caseload, or the whole clinic for the director."""
    if not has_role(request.user, COUNSELOR, DIRECTOR):
        return None
    flags = _flags_for_user(request)
    return Panel(
        title="Treatment plans"
        if not is_director(request.user)
        else "Treatment plans, clinic-wide",
        template="treatment/_home_panel.html",
        context={
            "flags": flags[:HOME_LIST_SIZE],
            "more": max(0, len(flags) - HOME_LIST_SIZE),
            "overdue": sum(f.is_overdue for f in flags),
            "due": sum(not f.is_overdue for f in flags),
            "today": timezone.localdate(),
        },
        order=25,
    )


def caseload_plan_column(patient_ids: list[int]) -> dict[int, list[str]]:
    """The caseload's "Treatment plan" column: plans due or overdue (one query more)."""
    admissions = Admission.objects.filter(
        patient_id__in=patient_ids, end_date__isnull=True
    ).select_related("patient")
    return {
        flag.patient.pk: [("Overdue: " if flag.is_overdue else "Due: ") + flag.due.reason]
        for flag in reviews.plan_flags(list(admissions))
    }


def diagnosis_fact(patient: Patient) -> list[tuple[str, str]]:
    current = Diagnosis.objects.current().filter(patient=patient).first()
    if current is None:
        return [("Diagnosis", "None confirmed")]
    return [("Diagnosis", f"{current.code} {current.description}")]


def plan_section(disclosure) -> records.Section:
    """The plan in force, for a disclosure that includes it."""
    patient = disclosure.patient
    plan = services.current_plan(patient)
    html = render_to_string(
        "treatment/_plan_record.html",
        {
            "plan": plan,
            "problems": list(plan.problems.prefetch_related("goals__objectives", "interventions"))
            if plan
            else [],
            "diagnosis": plan.diagnosis if plan else services.current_diagnosis(patient),
            "h": 3,
        },
    )
    title = f"Treatment plan, version {plan.version}" if plan else "Treatment plan"
    return records.Section(title, html)


def register_all() -> None:
    patient_page.register(patient_section)
    register_panel(plans_panel)
    scheduling_hooks.register_caseload_column("Treatment plan", caseload_plan_column)
    records.register_fact(diagnosis_fact)
    records.register(PLAN_RECORD_KIND, plan_section)
    timeline.register_builtin()
