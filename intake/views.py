"""Intake pages: the inquiry queue, patient records, assessments, decisions, admissions.

Search terms (names, phone numbers, dates of birth) are sent in a POST body and the
results rendered in the response: they never appear in a URL, so they stay out of
server logs, browser history and Referer headers. Only non-identifying values
(status filter, page number) travel in query strings.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import DIRECTOR, INTAKE, is_intake
from intake import forms, patient_page, records, services
from intake.access import get_patient_for_user, patients_visible_to
from intake.models import (
    SCREENING_KEYS,
    Admission,
    Assessment,
    Consent,
    Inquiry,
    InvalidTransition,
    Patient,
    PlacementDecision,
)
from programs.models import Program

PAGE_SIZE = 25
intake_only = role_required(INTAKE, DIRECTOR)
Action = audit.Action


# --- Access helpers (one per object kind) ------------------------------------------------


def _get_inquiry(public_id: UUID) -> Inquiry:
    return get_object_or_404(Inquiry.objects.select_related("program"), public_id=public_id)


def _get_patient_for_user(request: HttpRequest, patient_uuid: UUID) -> Patient:
    return get_patient_for_user(request.user, patient_uuid)


def _get_assessment_for_user(request: HttpRequest, assessment_uuid: UUID) -> Assessment:
    visible = patients_visible_to(request.user)
    try:
        return Assessment.objects.select_related("patient", "completed_by", "created_by").get(
            uuid=assessment_uuid, patient__in=visible
        )
    except Assessment.DoesNotExist as exc:
        raise Http404("No such assessment.") from exc


def _get_admission(patient: Patient, pk: int) -> Admission:
    return get_object_or_404(
        Admission.objects.select_related("program", "primary_counselor"), patient=patient, pk=pk
    )


def _page(qs: QuerySet, number: int | str | None) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


# --- Inquiries ----------------------------------------------------------------------------

INQUIRY_FILTERS = [("open", "Open"), *Inquiry.Status.choices, ("all", "All")]


@intake_only
def inquiry_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in dict(INQUIRY_FILTERS):
        status = "open"
    search = forms.SearchForm(request.POST or None)
    qs = Inquiry.objects.select_related("program").annotate(attempts=Count("contact_attempts"))
    if status == "open":
        qs = qs.open()
    elif status != "all":
        qs = qs.filter(status=status)
    query, page_number = "", request.GET.get("page")
    if request.method == "POST" and search.is_valid():
        query = search.cleaned_data["q"]
        page_number = search.cleaned_data["page"]
        if query:
            qs = qs.search(query)
    page = _page(qs.queue_order(), page_number)
    return render(
        request,
        "intake/inquiry_list.html",
        {
            "page": page,
            "search": search,
            "query": query,
            "status": status,
            "filters": INQUIRY_FILTERS,
            "now": timezone.now(),
        },
    )


def _render_inquiry(request: HttpRequest, inquiry: Inquiry, **bound_forms) -> HttpResponse:
    context = {
        "inquiry": inquiry,
        "attempts": inquiry.contact_attempts.select_related("by"),
        "contact_form": bound_forms.get("contact_form") or forms.ContactAttemptForm(),
        "book_form": bound_forms.get("book_form")
        or forms.BookAssessmentForm(
            initial={
                "assessment_at": inquiry.assessment_at and timezone.localtime(inquiry.assessment_at)
            }
        ),
        "close_form": bound_forms.get("close_form") or forms.CloseInquiryForm(),
        "can_book": inquiry.can_become(Inquiry.Status.ASSESSMENT_BOOKED)
        or inquiry.status == Inquiry.Status.ASSESSMENT_BOOKED,
        "can_convert": inquiry.can_become(Inquiry.Status.CONVERTED),
        "can_close": inquiry.can_become(Inquiry.Status.CLOSED),
        "patient": getattr(inquiry, "patient", None),
    }
    status = 400 if bound_forms else 200
    return render(request, "intake/inquiry_detail.html", context, status=status)


@intake_only
def inquiry_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    inquiry = _get_inquiry(public_id)
    audit.record(request, Action.VIEW, obj=inquiry, patient=getattr(inquiry, "patient", None))
    return _render_inquiry(request, inquiry)


@intake_only
@require_POST
def log_contact(request: HttpRequest, public_id: UUID) -> HttpResponse:
    inquiry = _get_inquiry(public_id)
    form = forms.ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, contact_form=form)
    try:
        services.log_contact(inquiry=inquiry, by=request.user, request=request, **form.cleaned_data)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Contact attempt logged.")
    return redirect(inquiry)


@intake_only
@require_POST
def book_assessment(request: HttpRequest, public_id: UUID) -> HttpResponse:
    inquiry = _get_inquiry(public_id)
    form = forms.BookAssessmentForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, book_form=form)
    try:
        services.book_assessment(
            inquiry=inquiry, by=request.user, at=form.cleaned_data["assessment_at"], request=request
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Assessment booked.")
    return redirect(inquiry)


@intake_only
@require_POST
def close_inquiry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    inquiry = _get_inquiry(public_id)
    form = forms.CloseInquiryForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, close_form=form)
    try:
        services.close_inquiry(
            inquiry=inquiry,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Inquiry closed.")
    return redirect(inquiry)


@intake_only
def convert_inquiry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A new patient form pre-filled from the inquiry; saving converts the inquiry."""
    inquiry = _get_inquiry(public_id)
    refusal = inquiry.refusal(Inquiry.Status.CONVERTED)
    if refusal:
        messages.error(request, refusal)
        return redirect(inquiry)
    form = forms.PatientForm(
        request.POST or None, initial=services.patient_initial_from_inquiry(inquiry)
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(
                patient=form.save(commit=False), inquiry=inquiry, by=request.user, request=request
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect(inquiry)
        messages.success(request, f"Patient record {patient.mrn} created from the inquiry.")
        return redirect(patient)
    return render(
        request,
        "intake/patient_form.html",
        {"form": form, "inquiry": inquiry, "title": "New patient from inquiry"},
        status=400 if form.is_bound else 200,
    )


# --- Patients ---------------------------------------------------------------------------

PATIENT_FILTERS = [("all", "All"), *Patient.Status.choices]


@intake_only
def patient_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "all")
    if status not in dict(PATIENT_FILTERS):
        status = "all"
    search = forms.SearchForm(request.POST or None)
    current_level = Admission.objects.filter(patient=OuterRef("pk"), end_date__isnull=True).values(
        "program__code"
    )[:1]
    qs = Patient.objects.annotate(current_level=Subquery(current_level))
    if status != "all":
        qs = qs.filter(status=status)
    query, page_number = "", request.GET.get("page")
    if request.method == "POST" and search.is_valid():
        query = search.cleaned_data["q"]
        page_number = search.cleaned_data["page"]
        if query:
            qs = qs.search(query)
    page = _page(qs.order_by("legal_last_name", "legal_first_name", "pk"), page_number)
    # one event for the list; the search words are patient details, so never logged
    audit.record(request, Action.VIEW, detail="patient search" if query else "patient list")
    return render(
        request,
        "intake/patient_list.html",
        {
            "page": page,
            "search": search,
            "query": query,
            "status": status,
            "filters": PATIENT_FILTERS,
        },
    )


@intake_only
def create_patient(request: HttpRequest) -> HttpResponse:
    form = forms.PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.create_patient(
            patient=form.save(commit=False), by=request.user, request=request
        )
        messages.success(request, f"Patient record {patient.mrn} created.")
        return redirect(patient)
    return render(
        request,
        "intake/patient_form.html",
        {"form": form, "title": "New patient"},
        status=400 if form.is_bound else 200,
    )


@login_required
def patient_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    prefetch_related_objects(
        [patient],
        Prefetch(
            "admissions",
            queryset=Admission.objects.select_related("program", "primary_counselor"),
        ),
    )
    assessments = list(patient.assessments.select_related("completed_by", "decision__decided_by"))
    consents = list(patient.consents.all())  # each consent's .patient is this patient
    today = timezone.localdate()
    audit.record(request, Action.VIEW, obj=patient, patient=patient)
    latest_decision = next((a.decision for a in assessments if hasattr(a, "decision")), None)
    can_edit = is_intake(request.user)
    # the accounting of disclosures is for intake staff and directors, not counselors
    disclosures = list(patient.disclosures.select_related("by", "consent")) if can_edit else []
    return render(
        request,
        "intake/patient_detail.html",
        {
            "patient": patient,
            "can_edit": can_edit,
            "disclosures": disclosures,
            "open_admission": patient.open_admission(),
            "history": list(reversed(patient.level_history())),
            "assessments": assessments,
            "has_draft": any(not a.is_locked for a in assessments),
            "consents": [(c, c.status_on(today)) for c in consents],
            "latest_decision": latest_decision,
            "age": patient.age_on(today),
            "sections": patient_page.sections_for(request, patient),
        },
    )


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
    patient = _get_patient_for_user(request, uuid)
    consent = get_object_or_404(Consent, patient=patient, uuid=consent_uuid)
    consent.patient = patient
    form = forms.RevokeConsentForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_consent(
                consent=consent,
                on=form.cleaned_data["revoked_on"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Consent revoked.")
        return redirect(f"{patient.get_absolute_url()}#consents")
    audit.record(request, Action.VIEW, obj=consent, patient=patient, detail="revoke form")
    return render(
        request,
        "intake/consent_revoke.html",
        {"form": form, "patient": patient, "consent": consent},
        status=400 if form.is_bound else 200,
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


# --- Decision and admission -------------------------------------------------------------------


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
            messages.error(request, str(exc))
            return redirect(assessment)
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


def _latest_decision(patient: Patient) -> PlacementDecision | None:
    return (
        PlacementDecision.objects.filter(patient=patient)
        .select_related("assessment")
        .order_by("-decided_at")
        .first()
    )


@intake_only
def admit_patient(request: HttpRequest, uuid: UUID) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    decision = _latest_decision(patient)
    if decision is None or not decision.is_program:
        messages.error(request, "Decide a level of care on a completed assessment first.")
        return redirect(patient)
    if patient.open_admission() is not None:
        messages.error(request, "This patient is already admitted; change level or discharge.")
        return redirect(patient)
    initial = {"program": _program_for(decision.final_level)}
    form = forms.AdmissionForm(request.POST or None, patient=patient, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admission = services.admit_patient(
                patient=patient,
                decision=decision,
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect(patient)
        messages.success(request, f"Admitted to {admission.program.name}.")
        return redirect(patient)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="admission form")
    return render(
        request,
        "intake/admission_form.html",
        {"form": form, "patient": patient, "decision": decision},
        status=400 if form.is_bound else 200,
    )


def _program_for(level_code: str) -> Program | None:
    return Program.objects.filter(code=level_code).first()


@intake_only
def discharge_patient(request: HttpRequest, uuid: UUID, admission_id: int) -> HttpResponse:
    patient = _get_patient_for_user(request, uuid)
    admission = _get_admission(patient, admission_id)
    if not admission.is_open:
        messages.error(request, "This admission has already ended.")
        return redirect(patient)
    form = forms.DischargeForm(request.POST or None, admission=admission)
    if request.method == "POST" and form.is_valid():
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
            messages.error(request, str(exc))
        else:
            messages.success(request, "Patient discharged.")
        return redirect(patient)
    audit.record(request, Action.VIEW, obj=patient, patient=patient, detail="discharge form")
    return render(
        request,
        "intake/discharge_form.html",
        {"form": form, "patient": patient, "admission": admission},
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
            messages.error(request, str(exc))
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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("intake:inquiry-list"))
