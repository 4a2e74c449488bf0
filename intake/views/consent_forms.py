"""Printable Part 2 consent forms: a form of each kind for the patient to sign, and a
recorded consent printed with every element it holds (docs/part2.md "Consent forms")."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts import audit
from intake.models import Consent
from intake.views.common import Action, _get_patient_for_user, intake_only


@intake_only
def consent_form_to_sign(request: HttpRequest, uuid: UUID, kind: str) -> HttpResponse:
    """A form of one kind with the patient's name, the clinic and the statements the rule
    requires filled in, and blanks for what the patient chooses, to print and sign."""
    if kind not in Consent.Kind.values:
        raise Http404("No such kind of consent.")
    patient = _get_patient_for_user(request, uuid)
    consent = Consent(patient=patient, kind=kind, recipient="", purpose="", information="")
    consent.apply_kind_defaults()
    audit.record(
        request, Action.PRINT, obj=patient, patient=patient, detail=f"consent form: {kind}"
    )
    return _sheet(request, patient=patient, consent=consent, blank=True)


@intake_only
def print_consent(request: HttpRequest, uuid: UUID, consent_uuid: UUID) -> HttpResponse:
    """A recorded consent with every element, as signed."""
    patient = _get_patient_for_user(request, uuid)
    consent = get_object_or_404(Consent, patient=patient, uuid=consent_uuid)
    consent.patient = patient
    audit.record(request, Action.PRINT, obj=consent, patient=patient, detail="consent")
    return _sheet(request, patient=patient, consent=consent, blank=False)


def _sheet(request: HttpRequest, *, patient, consent: Consent, blank: bool) -> HttpResponse:
    return render(
        request,
        "intake/consent_print.html",
        {
            "patient": patient,
            "consent": consent,
            "blank": blank,
            "kinds": Consent.Kind,
            "printed_at": timezone.now(),
        },
    )
