"""Patient records: search, creation, the record page, consents and Part 2 disclosures.

Search terms travel in a POST body, never in a URL (see the package docstring)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import audit
from accounts.roles import is_director, is_intake
from intake import forms, patient_page, records, services
from intake.access import may_plan_discharge
from intake.models import (
    Admission,
    Consent,
    DecisionAmendment,
    InvalidTransition,
    Patient,
    PatientMerge,
    PlacementDecision,
)
from intake.views.common import (
    Action,
    _get_patient_for_user,
    _kept_search,
    _page,
    _posted_search,
    _show_refusal,
    intake_only,
)

# --- Patients ---------------------------------------------------------------------------

PATIENT_FILTERS = [("all", "All"), *Patient.Status.choices]


@intake_only
def patient_list(request: HttpRequest) -> HttpResponse:
    """The patient list; a search is POSTed, kept in the session, and shown by a GET."""
    status = request.GET.get("status", "all")
    if status not in dict(PATIENT_FILTERS):
        status = "all"
    search = forms.SearchForm(request.POST or None)
    posted = _posted_search(
        request, search, scope="patient", url_name="intake:patient-list", status=status
    )
    if posted:
        return posted
    query, key, expired = _kept_search(request, scope="patient")
    current_level = Admission.objects.filter(patient=OuterRef("pk"), end_date__isnull=True).values(
        "program__code"
    )[:1]
    qs = Patient.objects.annotate(current_level=Subquery(current_level))
    if status != "all":
        qs = qs.filter(status=status)
    if query:
        qs = qs.search(query)
    page = _page(qs.order_by("legal_last_name", "legal_first_name", "pk"), request.GET.get("page"))
    # one event for the list; the search words are patient details, so never logged
    audit.record(request, Action.VIEW, detail="patient search" if query else "patient list")
    return render(
        request,
        "intake/patient_list.html",
        {
            "page": page,
            "search": search,
            "query": query,
            "search_key": key,
            "expired": expired,
            "status": status,
            "filters": PATIENT_FILTERS,
        },
        status=400 if search.is_bound and search.errors else 200,
    )


@intake_only
def create_patient(request: HttpRequest) -> HttpResponse:
    """A new record; one that may be an existing person shows the candidates first."""
    form = forms.PatientForm(request.POST or None)
    candidates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(
                patient=form.save(commit=False),
                confirmed_different=form.cleaned_data["confirm_different_person"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
            candidates = services.possible_duplicates(form.instance)
        else:
            messages.success(request, f"Patient record {patient.mrn} created.")
            return redirect(patient)
    return render(
        request,
        "intake/patient_form.html",
        {"form": form, "title": "New patient", "candidates": candidates},
        status=400 if form.is_bound else 200,
    )


@login_required
def patient_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    prefetch_related_objects(
        [patient],
        Prefetch(
            "admissions",
            queryset=Admission.objects.select_related("program", "primary_counselor", "decision"),
        ),
        Prefetch("merges_in", queryset=PatientMerge.objects.select_related("by")),
    )
    assessments = list(
        patient.assessments.select_related("completed_by", "decision__decided_by").prefetch_related(
            Prefetch(
                "decision__amendments",
                queryset=DecisionAmendment.objects.select_related("amended_by"),
            ),
            "decision__admissions",
        )
    )
    merges = list(patient.merges_in.all())
    consents = list(patient.consents.all())  # each consent's .patient is this patient
    today = timezone.localdate()
    audit.record(request, Action.VIEW, obj=patient, patient=patient)
    latest_decision = next((a.decision for a in assessments if hasattr(a, "decision")), None)
    can_edit = is_intake(request.user)
    open_admission = patient.open_admission()
    # the accounting of disclosures is for intake staff and directors, not counselors
    disclosures = list(patient.disclosures.select_related("by", "consent")) if can_edit else []
    return render(
        request,
        "intake/patient_detail.html",
        {
            "patient": patient,
            "can_edit": can_edit,
            "can_merge": is_director(request.user),
            "disclosures": disclosures,
            "open_admission": open_admission,
            "can_plan_discharge": bool(open_admission)
            and may_plan_discharge(request.user, open_admission),
            "history": list(reversed(patient.level_history())),
            "assessments": assessments,
            "has_draft": any(not a.is_locked for a in assessments),
            "consents": [(c, c.status_on(today)) for c in consents],
            "latest_decision": latest_decision,
            "admit_decision": _admit_decision(latest_decision),
            "merges": merges,
            "age": patient.age_on(today),
            "sections": patient_page.sections_for(request, patient),
        },
    )


def _admit_decision(decision: PlacementDecision | None) -> PlacementDecision | None:
    """The latest decision when an admission can follow it (its admissions prefetched)."""
    if decision is None or not decision.is_program or decision.admissions.all():
        return None
    return decision


@intake_only
def edit_patient(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    form = forms.PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        services.update_patient(
            patient=form.save(commit=False),
            changed=form.changed_data,
            by=request.user,
            request=request,
        )
        messages.success(request, "Patient record saved.")
        return redirect(patient)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="edit form")
    return render(
        request,
        "intake/patient_form.html",
        {"form": form, "patient": patient, "title": "Edit patient record"},
        status=400 if form.is_bound else 200,
    )


@intake_only
def add_consent(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_consent(
            consent=form.save(commit=False), patient=patient, by=request.user, request=request
        )
        messages.success(request, "Consent recorded.")
        return redirect(f"{patient.get_absolute_url()}#consents")
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="consent form")
    return render(
        request,
        "intake/consent_form.html",
        {"form": form, "patient": patient},
        status=400 if form.is_bound else 200,
    )


@intake_only
def revoke_consent(request: HttpRequest, uuid: UUID, consent_uuid: UUID) -> HttpResponse:
    """Two steps: the date and reason, then a summary to confirm."""
    patient = _get_patient_for_user(request, uuid)
    consent = get_object_or_404(Consent, patient=patient, uuid=consent_uuid)
    consent.patient = patient
    form = forms.RevokeConsentForm(request.POST or None, consent=consent)
    editing = "edit" in request.POST
    if request.method == "POST" and not editing and form.is_confirmed:
        try:
            services.revoke_consent(
                consent=consent,
                on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "Consent revoked.")
            return redirect(f"{patient.get_absolute_url()}#consents")
    confirming = request.method == "POST" and not editing and form.is_valid()
    audit.record(request, Action.VIEW, obj=consent, patient=patient, detail="revoke form")
    return render(
        request,
        "intake/consent_revoke.html",
        {"form": form, "patient": patient, "consent": consent, "confirming": confirming},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Part 2 disclosures ---------------------------------------------------------------------


@intake_only
def disclose_records(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Pick a consent in force today and what to send; a valid POST records the
    disclosure and answers the document to hand over (an HTML file with the notice)."""
    patient = _get_patient_for_user(request, uuid)
    prefetch_related_objects([patient], "admissions")  # end-of-treatment expiry, defaults
    consents = list(patient.consents.all())
    for consent in consents:
        consent.patient = patient
    today = timezone.localdate()
    assessment = services.latest_signed_assessment(patient)
    admissions = sorted(patient.admissions.all(), key=lambda a: a.start_date)
    form = forms.DisclosureForm(
        request.POST or None,
        patient=patient,
        consents=consents,
        today=today,
        assessment=assessment,
        attendance_since=admissions[-1].start_date if admissions else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                disclosure = services.disclose_records(
                    patient=patient, by=request.user, request=request, **form.cleaned_data
                )
                document = records.disclosure_document(disclosure, request=request)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            response = HttpResponse(document, content_type="text/html; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{disclosure.filename}"'
            response["Cache-Control"] = "no-store"
            return response
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="disclosure form")
    return render(
        request,
        "intake/disclose_form.html",
        {
            "form": form,
            "patient": patient,
            "assessment": assessment,
            "offered": [c for c in consents if c.is_active_on(today)],
            "not_in_force": [
                (c, c.status_reason(today)) for c in consents if not c.is_active_on(today)
            ],
        },
        status=400 if form.is_bound else 200,
    )
