"""Placement decisions and their amendments, admissions, discharges and level changes."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, is_intake
from intake import forms, services
from intake.access import may_plan_discharge
from intake.models import Admission, InvalidTransition, Patient, PlacementDecision
from intake.views.common import (
    Action,
    _get_admission,
    _get_assessment_for_user,
    _get_patient_for_user,
    _show_refusal,
    intake_only,
)
from programs.models import Program


@intake_only
def decide_placement(request: HttpRequest, uuid: UUID) -> HttpResponse:
    assessment = _get_assessment_for_user(request, uuid)
    if not assessment.is_locked:
        messages.error(request, "Complete and sign the assessment before deciding the level.")
        return redirect(assessment)
    if PlacementDecision.objects.filter(assessment=assessment).exists():
        messages.info(request, "The level for this assessment has already been decided.")
        return redirect(assessment)
    form = forms.PlacementDecisionForm(
        request.POST or None, recommended_level=assessment.recommended_level
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decide_placement(
                assessment=assessment,
                final_level=form.cleaned_data["final_level"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, f"Level of care decided: {decision.final_level_label}.")
            if decision.is_program and assessment.patient.open_admission() is None:
                return redirect("intake:admit-patient", uuid=assessment.patient.uuid)
            return redirect(assessment.patient)
    audit.record(
        request, Action.VIEW, obj=assessment, patient=assessment.patient, detail="decision"
    )
    return render(
        request,
        "intake/decision_form.html",
        {
            "form": form,
            "assessment": assessment,
            "patient": assessment.patient,
            "recommendation": assessment.recommendation_view(),
        },
        status=400 if form.is_bound else 200,
    )


@intake_only
def amend_decision(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Correct a decision recorded by mistake, with a dated reason."""
    assessment = _get_assessment_for_user(request, uuid)
    decision = get_object_or_404(PlacementDecision, assessment=assessment)
    form = forms.DecisionAmendmentForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_decision(
                decision=decision, by=request.user, request=request, **form.cleaned_data
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            decision.refresh_from_db()
            messages.success(request, f"Decision amended to {decision.final_level_label}.")
            return redirect(assessment.patient)
    audit.record(
        request, Action.VIEW, obj=decision, patient=assessment.patient, detail="amend decision"
    )
    return render(
        request,
        "intake/decision_amend_form.html",
        {
            "form": form,
            "assessment": assessment,
            "patient": assessment.patient,
            "decision": decision,
        },
        status=400 if form.is_bound else 200,
    )


@intake_only
def admit_patient(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Admit on the latest decision, or, with none to follow, as a documented transfer."""
    patient = _get_patient_for_user(request, uuid)
    if patient.open_admission() is not None:
        messages.error(request, "This patient is already admitted; change level or discharge.")
        return redirect(patient)
    decision = services.usable_decision(patient)
    initial = {"program": _program_for(decision.final_level)} if decision else {}
    form = forms.AdmissionForm(
        request.POST or None, patient=patient, decision=decision, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            admission = services.admit_patient(
                patient=patient, by=request.user, request=request, **_admission_args(form)
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, f"Admitted to {admission.program.name}.")
            return redirect(patient)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="admission form")
    return render(
        request,
        "intake/admission_form.html",
        {"form": form, "patient": patient, "decision": decision},
        status=400 if form.is_bound else 200,
    )


def _admission_args(form: forms.AdmissionForm) -> dict:
    data = form.cleaned_data
    args = {
        "program": data["program"],
        "start_date": data["start_date"],
        "primary_counselor": data["primary_counselor"],
        "decision": form.decision,
    }
    if form.decision is not None:
        args["override_reason"] = data["override_reason"]
    else:
        args["transfer"] = services.Transfer(
            kind=data["transfer_kind"],
            from_where=data["transfer_from"],
            care_ended_on=data["transfer_care_ended_on"],
            reason=data["transfer_reason"],
        )
    return args


def _program_for(level_code: str) -> Program | None:
    return Program.objects.filter(code=level_code).first()


@intake_only
def discharge_patient(request: HttpRequest, uuid: UUID, admission_id: int) -> HttpResponse:
    """Two steps: the form, then a summary (date, reason) to confirm."""
    patient = _get_patient_for_user(request, uuid)
    admission = _get_admission(patient, admission_id)
    if not admission.is_open:
        messages.error(request, "This admission has already ended.")
        return redirect(patient)
    form = forms.DischargeForm(request.POST or None, admission=admission)
    if request.method == "POST" and "edit" not in request.POST and form.is_confirmed:
        try:
            services.discharge_patient(
                admission=admission,
                on=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "Patient discharged.")
            return redirect(patient)
    editing = "edit" in request.POST
    confirming = request.method == "POST" and not editing and form.is_valid()
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="discharge form")
    return render(
        request,
        "intake/discharge_form.html",
        {"form": form, "patient": patient, "admission": admission, "confirming": confirming},
        status=400 if form.is_bound and form.errors else 200,
    )


def _get_admission_to_plan(
    request: HttpRequest, uuid: UUID, admission_id: int
) -> tuple[Patient, Admission]:
    """404 for a patient the user may not see; 403 for a counselor who sees the patient
    but is not this admission's primary counselor."""
    patient = _get_patient_for_user(request, uuid)
    admission = _get_admission(patient, admission_id)
    if not may_plan_discharge(request.user, admission):
        raise PermissionDenied
    return patient, admission


@role_required(INTAKE, DIRECTOR, COUNSELOR)
def plan_discharge(request: HttpRequest, uuid: UUID, admission_id: int) -> HttpResponse:
    """Set, change or clear the day the discharge is planned for."""
    patient, admission = _get_admission_to_plan(request, uuid, admission_id)
    if not admission.is_open:
        messages.error(request, "This admission has already ended.")
        return redirect(patient)
    form = forms.PlannedDischargeForm(request.POST or None, admission=admission)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_discharge(
                admission=admission,
                on=form.cleaned_data["planned_discharge_date"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "Planned discharge date saved.")
            return redirect(patient)
    audit.record(request, Action.VIEW, obj=admission, patient=patient, detail="planned discharge")
    return render(
        request,
        "intake/planned_discharge_form.html",
        {
            "form": form,
            "patient": patient,
            "admission": admission,
            "counselor_view": not is_intake(request.user),
        },
        status=400 if form.is_bound else 200,
    )


@intake_only
def change_level(request: HttpRequest, uuid: UUID, admission_id: int) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    admission = _get_admission(patient, admission_id)
    if not admission.is_open:
        messages.error(request, "This admission has already ended.")
        return redirect(patient)
    form = forms.ChangeLevelForm(request.POST or None, admission=admission)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.change_level(
                admission=admission, by=request.user, request=request, **form.cleaned_data
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            direction = "down" if new.program.intensity < admission.program.intensity else "up"
            messages.success(request, f"Stepped {direction} to {new.program.name}.")
            return redirect(patient)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="change level")
    return render(
        request,
        "intake/change_level_form.html",
        {"form": form, "patient": patient, "admission": admission},
        status=400 if form.is_bound else 200,
    )
