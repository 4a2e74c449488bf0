"""42 CFR Part 2 consents: when each is in force, recording and revoking them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import Consent, InvalidTransition, Refused
from tests.factories import AdmissionFactory, ConsentFactory, PatientFactory
from tests.intake.conftest import days_ago, text, today

pytestmark = pytest.mark.django_db

D = date


@pytest.mark.parametrize(
    "expires_on, revoked_on, day, expected",
    [
        (D(2026, 6, 30), None, D(2026, 1, 31), "not yet signed"),
        (D(2026, 6, 30), None, D(2026, 2, 1), "active"),
        (D(2026, 6, 30), None, D(2026, 6, 30), "active"),  # the expiry day itself
        (D(2026, 6, 30), None, D(2026, 7, 1), "expired"),
        (D(2026, 6, 30), D(2026, 3, 10), D(2026, 3, 9), "active"),
        (D(2026, 6, 30), D(2026, 3, 10), D(2026, 3, 10), "revoked"),  # honoured from its date
        (D(2026, 6, 30), D(2026, 3, 10), D(2026, 8, 1), "revoked"),
    ],
)
def test_consent_by_date(expires_on, revoked_on, day, expected):
    consent = ConsentFactory(
        signed_on=D(2026, 2, 1), expires_on=expires_on, expiry_event="", revoked_on=revoked_on
    )
    assert consent.status_on(day) == expected
    assert consent.is_active_on(day) is (expected == "active")


def test_a_consent_until_end_of_treatment_lapses_after_discharge():
    admission = AdmissionFactory(start_date=D(2026, 1, 5))
    consent = ConsentFactory(
        patient=admission.patient, signed_on=D(2026, 1, 5), expiry_event="end_of_treatment"
    )
    assert consent.is_active_on(D(2026, 4, 1))  # still in treatment
    admission.discharge(on=D(2026, 3, 31), reason="completed")
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.is_active_on(D(2026, 3, 31))
    assert not consent.is_active_on(D(2026, 4, 1))
    assert consent.status_on(D(2026, 4, 1)) == "expired"


def test_an_event_that_is_not_end_of_treatment_keeps_it_active_until_revoked():
    consent = ConsentFactory(
        signed_on=D(2026, 1, 5),
        expiry_event="other",
        expiry_event_detail="When the court case closes",
    )
    assert consent.is_active_on(D(2030, 1, 1))
    assert consent.expiry_display == "When the court case closes"


def test_the_database_insists_on_an_expiry():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ConsentFactory(expires_on=None, expiry_event="")


def add_url(patient) -> str:
    return reverse("intake:add-consent", args=[patient.uuid])


VALID = {
    "recipient": "Superior Court probation office (fictional)",
    "purpose": "Report attendance to the court",
    "information": "Attendance and completion only",
    "signed_on": "",
    "expires_on": "",
    "expiry_event": "end_of_treatment",
    "expiry_event_detail": "",
}


def test_recording_a_consent(intake_client, intake_user):
    patient = PatientFactory()
    data = {**VALID, "signed_on": days_ago(1).isoformat()}
    response = intake_client.post(add_url(patient), data)
    assert response.status_code == 302
    consent = patient.consents.get()
    assert consent.recorded_by == intake_user
    assert consent.is_active_on(today())
    assert AuditEvent.objects.filter(action="create", patient_uuid=patient.uuid).exists()
    html = text(intake_client.get(patient.get_absolute_url()))
    assert "Superior Court probation office" in html and "end of treatment" in html


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"signed_on": "2099-01-01"}, "signed_on", "The signing date can't be in the future."),
        ({"expiry_event": ""}, "expires_on", "Give an expiry date or an expiry event."),
        (
            {"expires_on": days_ago(10).isoformat(), "signed_on": days_ago(5).isoformat()},
            "expires_on",
            "The consent can't expire before it was signed.",
        ),
        ({"expiry_event": "other"}, "expiry_event_detail", "Describe the event"),
        ({"recipient": ""}, "recipient", "Name the recipient"),
        ({"purpose": ""}, "purpose", "tick “At the request of the patient”"),
        ({"expiry_event": "none"}, "expiry_event", "Only a TPO consent may run until revoked"),
    ],
)
def test_bad_consents_are_refused(intake_client, overrides, field, message):
    patient = PatientFactory()
    data = {**VALID, "signed_on": days_ago(1).isoformat(), **overrides}
    response = intake_client.post(add_url(patient), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not patient.consents.exists()


def test_revoking_a_consent(intake_client):
    consent = ConsentFactory(signed_on=days_ago(30))
    url = reverse("intake:revoke-consent", args=[consent.patient.uuid, consent.uuid])
    assert intake_client.get(url).status_code == 200
    data = {"revoked_on": today().isoformat(), "reason": "The patient withdrew it in writing."}
    review = intake_client.post(url, data)
    assert review.status_code == 200
    page = review.content.decode()
    assert "Confirm the revocation" in page
    assert f"{today():%a}, {today():%b} {today().day}, {today().year}" in page
    back = intake_client.post(url, {**data, "edit": "1"})
    assert back.context["form"]["reason"].value() == data["reason"]
    consent.refresh_from_db()
    assert consent.revoked_on is None  # nothing changes before the confirmation
    response = intake_client.post(url, {**data, "confirmed": "on"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert (consent.revoked_on, consent.revocation_reason) == (today(), data["reason"])
    assert not consent.is_active_on(today())
    assert AuditEvent.objects.filter(detail="consent revoked").exists()
    with pytest.raises(InvalidTransition):
        consent.revoke(on=today())


@pytest.mark.parametrize(
    "day, message", [("2099-01-01", "can't be in the future"), ("2000-01-01", "signed on")]
)
def test_revocation_dates_are_checked(intake_client, day, message):
    consent = ConsentFactory(signed_on=days_ago(30))
    url = reverse("intake:revoke-consent", args=[consent.patient.uuid, consent.uuid])
    response = intake_client.post(url, {"revoked_on": day, "reason": "n/a"})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert message in response.context["form"].errors["revoked_on"][0]
    consent.refresh_from_db()
    assert consent.revoked_on is None


@pytest.mark.parametrize(
    ("on", "reason", "field"),
    [
        (1, "The patient withdrew it in writing.", "revoked_on"),  # tomorrow
        (-31, "The patient withdrew it in writing.", "revoked_on"),  # before signing
        (0, "tbd", "reason"),
        (0, "", "reason"),
    ],
)
def test_revocation_refusals_service(intake_user, on, reason, field):
    consent = ConsentFactory(signed_on=days_ago(30))
    with pytest.raises(Refused) as refused:
        services.revoke_consent(
            consent=consent, on=today() + timedelta(days=on), reason=reason, by=intake_user
        )
    assert refused.value.field == field
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_a_consent_of_another_patient_is_not_found(intake_client):
    consent = ConsentFactory()
    other = PatientFactory()
    url = reverse("intake:revoke-consent", args=[other.uuid, consent.uuid])
    assert intake_client.get(url).status_code == 404
