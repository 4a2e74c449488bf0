"""Merging a duplicate record into this one: clinical directors only (docs/security.md)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import DIRECTOR
from intake import forms, services
from intake.models import InvalidTransition
from intake.views.common import Action, _get_patient_for_user, _show_refusal

director_only = role_required(DIRECTOR)


@director_only
def merge_patient(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Three steps: the other record's MRN and why, a list of what will move, the merge."""
    survivor = _get_patient_for_user(request, uuid)
    form = forms.MergePatientForm(request.POST or None, survivor=survivor)
    editing = "edit" in request.POST
    if request.method == "POST" and not editing and form.is_confirmed:
        try:
            services.merge_patients(
                survivor=survivor,
                duplicate=form.cleaned_data["other_mrn"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "The duplicate record was merged into this one.")
            return redirect(survivor)
    confirming = request.method == "POST" and not editing and form.is_valid()
    duplicate = form.cleaned_data["other_mrn"] if confirming else None
    if duplicate is not None:
        audit.record(request, Action.VIEW, obj=duplicate, patient=duplicate, detail="merge review")
    audit.record(request, Action.VIEW, obj=survivor, patient=survivor, detail="merge form")
    return render(
        request,
        "intake/merge_form.html",
        {
            "form": form,
            "patient": survivor,
            "confirming": confirming,
            "duplicate": duplicate,
            "preview": services.merge_preview(duplicate) if duplicate else {},
        },
        status=400 if form.is_bound and form.errors else 200,
    )
