"""Part 2 consents and the disclosures made under them."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from intake import dates
from intake.models import (
    Assessment,
    Consent,
    Disclosure,
    InvalidTransition,
    Patient,
    RecordKind,
)
from intake.services.common import _locked, _reason, _record, _within

Action = audit.Action


@transaction.atomic
def add_consent(
    *, consent: Consent, patient: Patient, by: User, request: HttpRequest | None = None
) -> Consent:
    """Record a signed consent; ValidationError (by field) when an element its kind needs
    is missing or does not fit the kind. Its dates must be plausible (docs/date-ranges.md)."""
    _within(consent.signed_on, dates.consent_signed(timezone.localdate()), field="signed_on")
    if consent.expires_on is not None:
        _within(consent.expires_on, dates.consent_expires(consent.signed_on), field="expires_on")
    consent.patient = patient
    consent.recorded_by = by
    consent.apply_kind_defaults()
    consent.full_clean(exclude=["patient", "recorded_by"])  # the elements its kind needs
    consent.save()
    _record(request, by, Action.CREATE, obj=consent, patient=patient)
    return consent


@transaction.atomic
def revoke_consent(
    *, consent: Consent, on: date, reason: str, by: User, request: HttpRequest | None = None
) -> Consent:
    """Honour a revocation from `on` (signing day to today), with the reason given."""
    consent = _locked(Consent, consent.pk)
    if consent.revoked_on is not None:
        raise InvalidTransition("This consent has already been revoked.")
    _within(on, dates.consent_revoked(consent.signed_on, timezone.localdate()), field="revoked_on")
    consent.revoke(on=on, reason=_reason(reason, field="reason"))
    _record(
        request, by, Action.CHANGE, obj=consent, patient=consent.patient, detail="consent revoked"
    )
    return consent


# --- Part 2 disclosures ------------------------------------------------------------------


def latest_signed_assessment(patient: Patient) -> Assessment | None:
    """The assessment a disclosure sends: the patient's most recent signed one."""
    return (
        patient.assessments.filter(status=Assessment.Status.COMPLETED)
        .select_related("completed_by")
        .order_by("-assessment_date", "-completed_at")
        .first()
    )


@transaction.atomic
def disclose_records(
    *,
    patient: Patient,
    consent: Consent,
    what: str,
    by: User,
    attendance_from: date | None = None,
    attendance_to: date | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Disclosure:
    """Record records leaving the clinic under `consent`, or refuse with the reason.

    The consent row is locked before it is checked, so a revocation saved at the same
    moment either commits first (and this refuses) or waits until this disclosure is
    recorded. `at` is when the records leave (now unless given): the consent must be
    in force on that clinic day and cover every kind of record asked for.
    """
    at = at or timezone.now()
    day = timezone.localdate(at)
    try:
        consent = Consent.objects.select_for_update().get(pk=consent.pk, patient=patient)
    except Consent.DoesNotExist as exc:
        raise InvalidTransition("That consent is not on this patient's record.") from exc
    consent.patient = patient
    kinds = Disclosure.KINDS[Disclosure.What(what)]
    refusal = consent.disclosure_refusal(kinds=kinds, on=day)
    if refusal:
        raise InvalidTransition(refusal)
    assessment = None
    if RecordKind.ASSESSMENT in kinds:
        assessment = latest_signed_assessment(patient)
        if assessment is None:
            raise InvalidTransition(
                "There is no signed assessment to send: a draft never leaves the clinic."
            )
    if RecordKind.ATTENDANCE in kinds:
        if attendance_from is None or attendance_to is None:
            raise InvalidTransition("Give the first and last day of attendance to send.")
        earliest = dates.attendance_window(day)
        _within(attendance_from, earliest, field="attendance_from")
        if attendance_from > attendance_to:
            raise InvalidTransition("The first day of attendance comes after the last one.")
        if attendance_to > day:
            raise InvalidTransition("Attendance can only be sent up to today.")
    else:
        attendance_from = attendance_to = None
    disclosure = Disclosure.objects.create(
        patient=patient,
        consent=consent,
        what=what,
        assessment=assessment,
        attendance_from=attendance_from,
        attendance_to=attendance_to,
        recipient=consent.recipient,
        purpose=consent.purpose,
        disclosed_at=at,
        by=by,
    )
    _record(
        request, by, Action.EXPORT, obj=disclosure, patient=patient, detail=f"disclosed: {what}"
    )
    return disclosure
