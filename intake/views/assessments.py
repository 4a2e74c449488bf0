"""Intake assessments: drafting, completing, printing, addenda."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.roles import is_intake
from intake import forms, records, services
from intake.models import (
    SCREENING_KEYS,
    Assessment,
    InvalidTransition,
    PlacementDecision,
)
from intake.views.common import (
    Action,
    _get_assessment_for_user,
    _get_patient_for_user,
    _show_refusal,
    intake_only,
)

# --- Assessment -----------------------------------------------------------------------------


@intake_only
@require_POST
def start_assessment(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    try:
        assessment = services.start_assessment(patient=patient, by=request.user, request=request)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(patient)
    return redirect(assessment)


def _show_missing(form: forms.AssessmentForm, missing: dict[str, str]) -> None:
    """Put each missing part's message beside its field (the form is unbound)."""
    errors = form.errors  # an unbound form answers an empty ErrorDict we may add to
    for name, message in missing.items():
        if name in form.fields:
            errors.setdefault(name, form.error_class()).append(message)


def _assessment_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    form: forms.AssessmentForm | None = None,
    formset=None,
    missing: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    patient = assessment.patient
    context = {
        "assessment": assessment,
        "patient": patient,
        "recommendation": assessment.recommendation_view(),
        "can_edit": is_intake(request.user) and not assessment.is_locked,
        "can_act": is_intake(request.user),
    }
    if assessment.is_locked or not is_intake(request.user):
        context.update(
            {
                "substances": list(assessment.substances.all()),
                "addenda": list(assessment.addenda.select_related("author")),
                "addendum_form": form if isinstance(form, forms.AddendumForm) else None,
                "decision": PlacementDecision.objects.filter(assessment=assessment)
                .select_related("decided_by")
                .prefetch_related("amendments__amended_by", "admissions__program")
                .first(),
            }
        )
        if context["addendum_form"] is None:
            context["addendum_form"] = forms.AddendumForm()
        return render(request, "intake/assessment_detail.html", context, status=status)
    if form is None:
        form = forms.AssessmentForm(instance=assessment)
        formset = forms.substance_formset(assessment=assessment)
    if missing:
        _show_missing(form, missing)
    bands = {key: band for key, _, _, band in assessment.screening_rows()}
    context.update(
        {
            "form": form,
            "formset": formset,
            "missing": missing or {},
            "dimension_fields": [(form[key], form[f"{key}_note"]) for key in _DIMENSIONS],
            "screening_fields": [(form[key], bands.get(key)) for key in SCREENING_KEYS],
        }
    )
    return render(request, "intake/assessment_form.html", context, status=status)


_DIMENSIONS = ("d1", "d2", "d3", "d4", "d5", "d6")


@login_required
def assessment_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The assessment: a form while it is a draft, a read-only record once signed.

    POST `save_draft` saves whatever is typed (gaps allowed, wrong values refused);
    POST `complete` saves too, then signs it if nothing required is missing, else
    lists what is missing beside each field.
    """
    assessment = _get_assessment_for_user(request, uuid)
    if request.method == "GET":
        audit.record(request, Action.VIEW, obj=assessment, patient=assessment.patient)
        missing = None
        if request.GET.get("check") and not assessment.is_locked:
            missing = services.missing_for_completion(assessment)
        return _assessment_page(request, assessment, missing=missing)
    if not is_intake(request.user):
        raise PermissionDenied
    if assessment.is_locked:
        messages.error(
            request, "This assessment is signed and locked; nothing was changed. Add an addendum."
        )
        return redirect(assessment)
    form = forms.AssessmentForm(request.POST, instance=assessment)
    form_ok = form.is_valid()
    day = form.cleaned_data.get("assessment_date") if form_ok else None
    formset = forms.substance_formset(assessment=assessment, data=request.POST, assessment_date=day)
    if not (form_ok and formset.is_valid()):
        # the page shows the last saved state beside the rejected input
        saved = _get_assessment_for_user(request, uuid)
        audit.record(request, Action.VIEW, obj=saved, patient=saved.patient, detail="refused")
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return _assessment_page(request, saved, form=form, formset=formset, status=400)
    try:
        assessment = services.save_assessment_draft(
            assessment_form=form, substance_formset=formset, by=request.user, request=request
        )
    except InvalidTransition as exc:
        if getattr(exc, "field", None) in form.fields:
            _show_refusal(form, exc)
            saved = _get_assessment_for_user(request, uuid)
            messages.error(request, "Nothing was saved: correct the fields marked below.")
            return _assessment_page(request, saved, form=form, formset=formset, status=400)
        messages.error(request, str(exc))
        return redirect(assessment)
    if "complete" not in request.POST:
        now = timezone.localtime()
        messages.success(request, f"Draft saved at {now:%-I:%M %p}.")
        return redirect(assessment)
    try:
        services.complete_assessment(assessment=assessment, by=request.user, request=request)
    except services.IncompleteAssessment:
        messages.warning(
            request, "Draft saved, but not complete yet: fill in the parts listed below."
        )
        return redirect(f"{assessment.get_absolute_url()}?check=1")
    messages.success(request, "Assessment completed and signed. It can no longer be edited.")
    return redirect(assessment)


@intake_only
def print_assessment(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The assessment as a sheet to print (signed, or clearly marked as a draft),
    between two copies of the 42 CFR 2.32 notice."""
    assessment = _get_assessment_for_user(request, uuid)
    audit.record(
        request, Action.PRINT, obj=assessment, patient=assessment.patient, detail="assessment"
    )
    return render(
        request,
        "intake/assessment_print.html",
        {
            **records.assessment_context(assessment),
            "patient": assessment.patient,
            "printed_at": timezone.now(),
        },
    )


@intake_only
@require_POST
def add_addendum(request: HttpRequest, uuid: UUID) -> HttpResponse:
    assessment = _get_assessment_for_user(request, uuid)
    form = forms.AddendumForm(request.POST)
    if not form.is_valid():
        audit.record(request, Action.VIEW, obj=assessment, patient=assessment.patient)
        return _assessment_page(request, assessment, form=form, status=400)
    try:
        services.add_addendum(
            assessment=assessment, text=form.cleaned_data["text"], by=request.user, request=request
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Addendum added.")
    return redirect(f"{assessment.get_absolute_url()}#addenda")
