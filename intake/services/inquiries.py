"""Workflows of the inquiry queue."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from accounts import audit
from intake.models import (
    ContactAttempt,
    Inquiry,
)
from intake.services.common import _locked, _reason, _record

Action = audit.Action

# --- Inquiries ------------------------------------------------------------------------


@transaction.atomic
def log_contact(
    *,
    inquiry: Inquiry,
    by: User,
    at: datetime,
    method: str,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> ContactAttempt:
    inquiry = _locked(Inquiry, inquiry.pk)
    attempt = inquiry.log_contact(at=at, method=method, outcome=outcome, note=note, by=by)
    _record(request, by, Action.CREATE, obj=attempt, detail="contact attempt logged")
    return attempt


@transaction.atomic
def book_assessment(
    *, inquiry: Inquiry, by: User, at: datetime, request: HttpRequest | None = None
) -> Inquiry:
    inquiry = _locked(Inquiry, inquiry.pk)
    inquiry.book_assessment(at=at)
    _record(request, by, Action.CHANGE, obj=inquiry, detail="assessment booked")
    return inquiry


@transaction.atomic
def close_inquiry(
    *, inquiry: Inquiry, by: User, reason: str, note: str = "", request: HttpRequest | None = None
) -> Inquiry:
    inquiry = _locked(Inquiry, inquiry.pk)
    inquiry.close(reason=reason, note=note)
    _record(request, by, Action.CHANGE, obj=inquiry, detail=f"inquiry closed: {reason}")
    return inquiry


@transaction.atomic
def reopen_inquiry(
    *, inquiry: Inquiry, reason: str, by: User, request: HttpRequest | None = None
) -> Inquiry:
    """Open a closed request again, back to new or contacted, with a real reason."""
    reason = _reason(reason, field="reason")
    inquiry = _locked(Inquiry, inquiry.pk)
    previous = inquiry.reopen(reason=reason, has_contacts=inquiry.contact_attempts.exists())
    _record(
        request,
        by,
        Action.CHANGE,
        obj=inquiry,
        detail=f"inquiry reopened (was closed: {previous}): {reason}",
    )
    return inquiry


def patient_initial_from_inquiry(inquiry: Inquiry) -> dict[str, str]:
    """What the patient form starts with. A request made for someone else names the
    caller: they become the emergency contact, never the patient's own details."""
    if inquiry.is_for_someone_else:
        return {
            "legal_first_name": inquiry.patient_first_name,
            "emergency_contact_name": inquiry.name,
            "emergency_contact_relationship": inquiry.caller_relation,
            "emergency_contact_phone": inquiry.phone,
        }
    first, last = inquiry.first_and_last_name()
    return {
        "legal_first_name": first,
        "legal_last_name": last,
        "phone": inquiry.phone,
        "email": inquiry.email,
    }
