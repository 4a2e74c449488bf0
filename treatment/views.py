"""Pages of diagnosis, treatment plans and the chart.

Who sees what (docs/access-matrix.md): counselors the patients on their caseload and in
their sessions (intake.access), the clinical director everyone; intake staff see the
diagnosis and the current signed plan only. Every page and change is audited.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, has_role
from intake.access import get_patient_for_user, patients_visible_to
from intake.models import Patient
from treatment import diff, forms, reviews, services, timeline
from treatment.models import PlanLocked, TreatmentPlan

Action = audit.Action
staff_only = role_required(INTAKE, COUNSELOR, DIRECTOR)
clinicians_only = role_required(COUNSELOR, DIRECTOR)
CHART_PAGE_SIZE = 25


def is_clinician(user) -> bool:
    return has_role(user, COUNSELOR, DIRECTOR)


# --- Access helpers (one per object kind) ------------------------------------------------


def _get_patient_for_user(request: HttpRequest, uuid: UUID) -> Patient:
    return get_patient_for_user(request.user, uuid)


def _get_plan_for_user(request: HttpRequest, uuid: UUID) -> TreatmentPlan:
    """A plan of a patient the user sees; intake staff only ever see the current one."""
    try:
        plan = TreatmentPlan.objects.select_related(
            "patient", "diagnosis", "previous", "admission__program"
        ).get(uuid=uuid, patient__in=patients_visible_to(request.user))
    except (TreatmentPlan.DoesNotExist, ValueError) as exc:
        raise Http404("No such plan.") from exc
    if not is_clinician(request.user) and plan != services.current_plan(plan.patient):
        raise Http404("No such plan.")
    return plan


# --- Diagnosis ------------------------------------------------------------------------------


@staff_only
def diagnosis(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The diagnosis and its history; clinicians confirm or change it here."""
    patient = _get_patient_for_user(request, uuid)
    if request.method == "POST" and not is_clinician(request.user):
        raise PermissionDenied
    assessment = services.latest_signed_assessment(patient)
    proposal = services.propose_diagnosis(assessment) if assessment else None
    current = services.current_diagnosis(patient)
    form = forms.DiagnosisForm(request.POST or None, initial=_diagnosis_initial(current, proposal))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_diagnosis(
                patient=patient,
                assessment=assessment,
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        except services.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Diagnosis recorded.")
            return redirect("treatment:diagnosis", uuid=patient.uuid)
    audit.record(request, Action.VIEW, obj=current, patient=patient, detail="diagnosis")
    context = {
        "patient": patient,
        "current": current,
        "history": list(patient.diagnoses.select_related("recorded_by")),
        "assessment": assessment,
        "proposal": proposal,
        "form": form if is_clinician(request.user) else None,
    }
    return render(
        request, "treatment/diagnosis.html", context, status=400 if form.is_bound else 200
    )


def _diagnosis_initial(current, proposal) -> dict:
    if current is not None:
        return {
            "substance": current.substance,
            "severity": current.severity,
            "early_remission": current.early_remission,
        }
    if proposal is not None and proposal.is_diagnosis:
        return {"substance": proposal.substance, "severity": proposal.severity}
    return {}


# --- Plans -------------------------------------------------------------------------------


@clinicians_only
def plan_list(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("diagnosis", "created_by")
        .order_by("-version")
    )
    audit.record(request, Action.VIEW, obj=None, patient=patient, detail="treatment plans")
    due = reviews.due_for_patient(patient)
    today = timezone.localdate()
    return render(
        request,
        "treatment/plan_list.html",
        {
            "patient": patient,
            "plans": plans,
            "draft": next((p for p in plans if not p.is_signed), None),
            "current": next((p for p in plans if p.is_signed), None),
            "due": due,
            "due_state": due.state(today) if due else "",
            "in_care": patient.open_admission() is not None,
            "occasions": [
                c for c in TreatmentPlan.Occasion.choices if c[0] != TreatmentPlan.Occasion.INITIAL
            ],
        },
    )


@clinicians_only
@require_POST
def start_plan(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    occasion = request.POST.get("occasion", "")
    if occasion not in TreatmentPlan.Occasion.values:
        occasion = ""
    try:
        plan = services.start_plan(
            patient=patient, by=request.user, occasion=occasion, request=request
        )
    except services.PlanError as error:
        messages.error(request, str(error))
        return redirect("treatment:plan-list", uuid=patient.uuid)
    return redirect("treatment:edit-plan", uuid=plan.uuid)


PLAN_TREE = ("problems__goals__objectives", "problems__interventions")


def _plan_tree(plan: TreatmentPlan, *also: TreatmentPlan | None) -> list:
    """The plan's problems with their goals, objectives and interventions; the rows of
    the plans in `also` (the version a review compares with) come in the same four
    queries, so a diff of the two reads no more, however many rows they have."""
    prefetch_related_objects([plan, *(p for p in also if p is not None)], *PLAN_TREE)
    return list(plan.problems.all())


@staff_only
def plan_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    plan = _get_plan_for_user(request, uuid)
    compare = plan.previous is not None and is_clinician(request.user)
    problems = _plan_tree(plan, plan.previous if compare else None)
    changes = diff.diff_plans(plan.previous, plan) if compare else None
    audit.record(
        request, Action.VIEW, obj=plan, patient=plan.patient, detail=f"plan v{plan.version}"
    )
    signatures = list(plan.signatures.select_related("by"))
    return render(
        request,
        "treatment/plan_detail.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "problems": problems,
            "changes": changes,
            "counselor_signature": next((s for s in signatures if s.role == "counselor"), None),
            "patient_signature": next((s for s in signatures if s.role == "patient"), None),
            "is_clinician": is_clinician(request.user),
            "is_latest": not TreatmentPlan.objects.filter(
                patient=plan.patient, version__gt=plan.version
            ).exists(),
            "missing": services.missing_for_signing(plan, problems) if not plan.is_locked else [],
        },
    )


@clinicians_only
def edit_plan(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Write a draft: add and remove rows (posting back without JavaScript), then save."""
    plan = _get_plan_for_user(request, uuid)
    if plan.is_locked:
        messages.info(request, "This plan is signed and locked; start a review to change it.")
        return redirect(plan)
    editor = forms.PlanEditor(plan, request.POST if request.method == "POST" else None)
    status, error = 200, ""
    if request.method == "GET":
        formsets = editor.formsets(editor.saved_rows())
    elif "add" in request.POST or "remove" in request.POST:
        formsets = editor.formsets(_added_or_removed(editor, request.POST))
    else:
        formsets = editor.formsets(bound=True)
        rows = editor.clean_rows(formsets)
        if rows is not None:
            try:
                services.save_plan(plan=plan, rows=rows, by=request.user, request=request)
            except (services.PlanError, PlanLocked) as exc:
                error = str(exc)
            else:
                messages.success(request, "Draft saved.")
                return redirect(plan)
        status = 400
    audit.record(request, Action.VIEW, obj=plan, patient=plan.patient, detail="plan edit form")
    return render(
        request,
        "treatment/plan_form.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "formsets": formsets,
            "levels": [
                (prefix, formsets[prefix], forms.ADD_LABELS[prefix], forms.LEVELS[prefix][3])
                for prefix in forms.LEVELS
            ],
            "error": error,
            "has_errors": status == 400,
        },
        status=status,
    )


def _added_or_removed(editor: forms.PlanEditor, data) -> dict:
    rows = editor.posted_rows()
    if "add" in data:
        return editor.add(rows, data.get("add", ""))
    prefix, _, index = data.get("remove", "").rpartition("-")
    return editor.remove(rows, prefix, forms._int(index))


@clinicians_only
@require_POST
def sign_plan(request: HttpRequest, uuid: UUID) -> HttpResponse:
    plan = _get_plan_for_user(request, uuid)
    try:
        services.sign_as_counselor(plan=plan, by=request.user, request=request)
    except (services.PlanError, PlanLocked) as exc:
        messages.error(request, str(exc))
        return redirect(plan)
    messages.success(request, "Signed. The plan is locked; the patient signs next.")
    return redirect("treatment:patient-signature", uuid=plan.uuid)


@clinicians_only
def patient_signature(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The patient signs in person (typed name and attestation), or declines with a reason."""
    plan = _get_plan_for_user(request, uuid)
    if plan.status != TreatmentPlan.Status.AWAITING_PATIENT:
        messages.info(request, "This plan is not waiting for the patient's signature.")
        return redirect(plan)
    declining = request.POST.get("action") == "decline"
    sign_form = forms.PatientSignatureForm(request.POST if request.POST and not declining else None)
    decline_form = forms.DeclineForm(request.POST if declining else None)
    form = decline_form if declining else sign_form
    if request.method == "POST" and form.is_valid():
        try:
            if declining:
                services.record_patient_declined(
                    plan=plan, reason=form.cleaned_data["reason"], by=request.user, request=request
                )
            else:
                services.sign_as_patient(
                    plan=plan, by=request.user, request=request, **form.cleaned_data
                )
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        except services.PlanError as error:
            messages.error(request, str(error))
            return redirect(plan)
        else:
            messages.success(request, "The plan is signed and in force.")
            return redirect(plan)
    audit.record(request, Action.VIEW, obj=plan, patient=plan.patient, detail="patient signature")
    return render(
        request,
        "treatment/patient_signature.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "problems": _plan_tree(plan),
            "sign_form": sign_form,
            "decline_form": decline_form,
        },
        status=400 if form.is_bound else 200,
    )


@staff_only
def print_plan(request: HttpRequest, uuid: UUID) -> HttpResponse:
    plan = _get_plan_for_user(request, uuid)
    audit.record(
        request, Action.PRINT, obj=plan, patient=plan.patient, detail=f"plan v{plan.version}"
    )
    return render(
        request,
        "treatment/plan_print.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "problems": _plan_tree(plan),
            "signatures": list(plan.signatures.select_related("by")),
            "printed_at": timezone.now(),
        },
    )


# --- The chart ------------------------------------------------------------------------------


@clinicians_only
def chart(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    known = {kind.key for kind in timeline.kinds()}
    only = [kind for kind in request.GET.getlist("kind") if kind in known]
    number = forms._int(request.GET.get("page"), 1)
    page = timeline.page(patient, user=request.user, number=number, size=CHART_PAGE_SIZE, only=only)
    audit.record(request, Action.VIEW, obj=None, patient=patient, detail="chart")
    query = "".join(f"&kind={kind}" for kind in only)
    kinds = timeline.kinds()
    labels = {kind.key: kind.label for kind in kinds}
    return render(
        request,
        "treatment/chart.html",
        {
            "patient": patient,
            "page": page,
            "rows": [_chart_row(entry, labels) for entry in page.entries],
            "kinds": kinds,
            "only": only,
            "labels": labels,
            "previous_url": f"?page={page.number - 1}{query}" if page.has_previous else "",
            "next_url": f"?page={page.number + 1}{query}" if page.has_next else "",
        },
    )


def _chart_row(entry: timeline.Entry, labels: dict[str, str]) -> dict:
    """What the page shows of an entry, worked out once here rather than per row in the
    template: its kind's label, its link, its time in clinic time (as the date filter
    would write it)."""
    at = timezone.localtime(entry.at)
    return {
        "entry": entry,
        "label": labels.get(entry.kind, ""),
        "url": entry.url,
        "datetime": formats.date_format(at, "c"),
        "when": formats.date_format(at, "D, M j, Y, g:i A"),
    }
