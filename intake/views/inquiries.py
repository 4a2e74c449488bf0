"""The inquiry queue: call requests, contact attempts, booking, closing, converting."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import audit
from intake import forms, services
from intake.models import (
    Inquiry,
    InvalidTransition,
)
from intake.views.common import (
    Action,
    _get_inquiry,
    _kept_search,
    _page,
    _posted_search,
    _show_refusal,
    intake_only,
)

INQUIRY_FILTERS = [("open", "Open"), *Inquiry.Status.choices, ("all", "All")]


@intake_only
def inquiry_list(request: HttpRequest) -> HttpResponse:
    """The queue; a search is POSTed, kept in the session, and shown by a GET."""
    status = request.GET.get("status", "open")
    if status not in dict(INQUIRY_FILTERS):
        status = "open"
    search = forms.SearchForm(request.POST or None)
    posted = _posted_search(
        request, search, scope="inquiry", url_name="intake:inquiry-list", status=status
    )
    if posted:
        return posted
    query, key, expired = _kept_search(request, scope="inquiry")
    qs = (
        Inquiry.objects.select_related("program")
        .annotate(attempts=Count("contact_attempts"))
        .with_first_contact()
    )
    if status == "open":
        qs = qs.open()
    elif status != "all":
        qs = qs.filter(status=status)
    if query:
        qs = qs.search(query)
    page = _page(qs.queue_order(), request.GET.get("page"))
    return render(
        request,
        "intake/inquiry_list.html",
        {
            "page": page,
            "search": search,
            "query": query,
            "search_key": key,
            "expired": expired,
            "status": status,
            "filters": INQUIRY_FILTERS,
            "now": timezone.now(),
        },
        status=400 if search.is_bound and search.errors else 200,
    )


def _render_inquiry(request: HttpRequest, inquiry: Inquiry, **bound_forms) -> HttpResponse:
    attempts = list(inquiry.contact_attempts.select_related("by"))
    context = {
        "inquiry": inquiry,
        "attempts": attempts,
        "first_contact_at": min((a.at for a in attempts), default=None),
        "contact_form": bound_forms.get("contact_form") or forms.ContactAttemptForm(),
        "book_form": bound_forms.get("book_form")
        or forms.BookAssessmentForm(
            initial={
                "assessment_at": inquiry.assessment_at and timezone.localtime(inquiry.assessment_at)
            }
        ),
        "close_form": bound_forms.get("close_form") or forms.CloseInquiryForm(),
        "reopen_form": bound_forms.get("reopen_form") or forms.ReopenInquiryForm(),
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
        _show_refusal(form, exc)
        return _render_inquiry(request, inquiry, contact_form=form)
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
        messages.success(request, "Call request closed.")
    return redirect(inquiry)


@intake_only
@require_POST
def reopen_inquiry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    inquiry = _get_inquiry(public_id)
    form = forms.ReopenInquiryForm(request.POST)
    if not form.is_valid():
        return _render_inquiry(request, inquiry, reopen_form=form)
    try:
        services.reopen_inquiry(
            inquiry=inquiry, reason=form.cleaned_data["reason"], by=request.user, request=request
        )
    except InvalidTransition as exc:
        if getattr(exc, "field", None) is None:  # not closed (any more): nothing to reopen
            messages.error(request, str(exc))
            return redirect(inquiry)
        _show_refusal(form, exc)
        return _render_inquiry(request, inquiry, reopen_form=form)
    messages.success(request, "Call request reopened.")
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
    candidates: list = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.create_patient(
                patient=form.save(commit=False),
                inquiry=inquiry,
                confirmed_different=form.cleaned_data["confirm_different_person"],
                by=request.user,
                request=request,
            )
        except InvalidTransition as exc:
            if getattr(exc, "field", None) is None:
                messages.error(request, str(exc))
                return redirect(inquiry)
            _show_refusal(form, exc)
            candidates = services.possible_duplicates(form.instance)
        else:
            messages.success(
                request, f"Patient record {patient.mrn} created from the call request."
            )
            return redirect(patient)
    return render(
        request,
        "intake/patient_form.html",
        {
            "form": form,
            "inquiry": inquiry,
            "title": "New patient from call request",
            "candidates": candidates,
        },
        status=400 if form.is_bound else 200,
    )
