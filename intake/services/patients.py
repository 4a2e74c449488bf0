"""Creating and changing patient records."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from intake import dates
from intake.models import Inquiry, Patient, Refused
from intake.services.common import _locked, _record, _within

Action = audit.Action

# --- Patients -------------------------------------------------------------------------


def possible_duplicates(patient: Patient) -> list[Patient]:
    """Existing records that may be the same person as `patient` (not yet saved)."""
    return list(
        Patient.objects.possible_duplicates(
            first=patient.legal_first_name,
            last=patient.legal_last_name,
            born=patient.date_of_birth,
            phone=patient.phone,
            email=patient.email,
        ).exclude(pk=patient.pk)[:10]
    )


def _check_birth_date(patient: Patient) -> None:
    """Patients are 12 to 110 years old (docs/date-ranges.md)."""
    _within(patient.date_of_birth, dates.birth_date(timezone.localdate()), field="date_of_birth")


@transaction.atomic
def create_patient(
    *,
    patient: Patient,
    by: User,
    inquiry: Inquiry | None = None,
    confirmed_different: bool = False,
    request: HttpRequest | None = None,
) -> Patient:
    """Save a new patient; from an inquiry, convert it in the same transaction.

    A record that may be the same person (name and date of birth, phone, or e-mail)
    refuses the save until staff confirm this is a different person.
    """
    candidates = possible_duplicates(patient)
    if candidates and not confirmed_different:
        raise Refused(
            f"{len(candidates)} existing record{'s' if len(candidates) > 1 else ''} may be "
            "this person. Open them to check; if this is someone else, tick “This is a "
            "different person”.",
            field="confirm_different_person",
        )
    if inquiry is not None:
        inquiry = _locked(Inquiry, inquiry.pk)
        inquiry.mark_converted()  # raises InvalidTransition before anything is saved
        patient.inquiry = inquiry
    _check_birth_date(patient)
    patient.created_by = by
    patient.save()
    detail = f"created beside {len(candidates)} possible duplicate(s)" if candidates else ""
    _record(request, by, Action.CREATE, obj=patient, patient=patient, detail=detail)
    return patient


@transaction.atomic
def update_patient(
    *, patient: Patient, changed: list[str], by: User, request: HttpRequest | None = None
) -> Patient:
    _check_birth_date(patient)
    patient.save()
    # field names only: the values are the patient's details
    detail = "changed: " + ", ".join(changed) if changed else "saved without changes"
    _record(request, by, Action.CHANGE, obj=patient, patient=patient, detail=detail)
    return patient
