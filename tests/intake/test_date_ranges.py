"""Every intake date range of docs/date-ranges.md, tried the day before, at and after
each boundary; then a few of them through the page and the service."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake import dates, services
from intake.models import Consent, Patient, Refused
from tests.factories import InquiryFactory, PatientFactory
from tests.intake.conftest import days_ago, text, today

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
DAY = timedelta(days=1)

RANGES = [
    # (range, earliest, latest)
    (dates.birth_date(TODAY), date(1915, 12, 2), date(2014, 12, 1)),
    (dates.contact_attempt(date(2026, 11, 20), TODAY), date(2026, 11, 20), TODAY),
    (dates.booking(TODAY), TODAY, TODAY + 365 * DAY),
    (dates.assessment_date(date(2026, 11, 3), TODAY), date(2026, 11, 3), TODAY),
    (dates.step_down_ended(TODAY), TODAY - 365 * DAY, TODAY),
    (dates.last_use(date(1990, 4, 12), TODAY), date(1990, 4, 12), TODAY),
    (dates.consent_signed(TODAY), TODAY - 3 * 365 * DAY, TODAY),
    (dates.consent_expires(date(2026, 2, 1)), date(2026, 2, 1), date(2036, 2, 1)),
    (dates.consent_revoked(date(2026, 2, 1), TODAY), date(2026, 2, 1), TODAY),
    (dates.attendance_window(TODAY), date(2016, 12, 1), TODAY),
    (dates.admission_start(date(2026, 11, 3), None, TODAY), date(2026, 11, 3), TODAY + 30 * DAY),
    (
        dates.admission_start(date(2026, 11, 3), date(2026, 11, 20), TODAY),
        date(2026, 11, 20),
        TODAY + 30 * DAY,
    ),
    (dates.transfer_care_ended(TODAY), TODAY - 30 * DAY, TODAY),
    (dates.discharge(date(2026, 11, 3), TODAY), date(2026, 11, 3), TODAY),
    (dates.level_change(date(2026, 11, 3), TODAY), date(2026, 11, 3), TODAY),
    (dates.planned_discharge(date(2026, 11, 3), TODAY), date(2026, 11, 3), TODAY + 365 * DAY),
]


@pytest.mark.parametrize(("allowed", "earliest", "latest"), RANGES, ids=lambda v: str(v)[:40])
def test_each_boundary_day_before_at_and_after(allowed, earliest, latest):
    assert (allowed.earliest, allowed.latest) == (earliest, latest)
    assert allowed.error(earliest - DAY) == (
        f"{allowed.what} can't be before {earliest:%b} {earliest.day}, {earliest.year}."
    )
    assert allowed.error(earliest) is None
    assert allowed.error(earliest + DAY) is None
    assert allowed.error(latest - DAY) is None
    assert allowed.error(latest) is None
    assert allowed.error(latest + DAY) == (
        f"{allowed.what} can't be after {latest:%b} {latest.day}, {latest.year}."
    )


def test_a_leap_day_birthday_ages_on_feb_28():
    assert dates.years_before(date(2028, 2, 29), 12) == date(2016, 2, 29)
    assert dates.years_before(date(2029, 2, 28), 1) == date(2028, 2, 28)
    assert dates.years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)


# --- through the page and the service ---------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "accepted"),
    [
        (lambda t: dates.years_before(t, 12) + DAY, False),  # 11 years and 364 days
        (lambda t: dates.years_before(t, 12), True),
        (lambda t: dates.years_before(t, 111) + DAY, True),  # 110 today
        (lambda t: dates.years_before(t, 111), False),  # 111 today
    ],
)
def test_birth_dates_page_and_service(intake_client, intake_user, born, accepted):
    day = born(today())
    data = {
        "legal_first_name": "Rosa",
        "legal_last_name": "Delgado",
        "date_of_birth": day.isoformat(),
        "sex_assigned_at_birth": "female",
        "phone": "(213) 555-0142",
        "confirm_different_person": "on",
    }
    response = intake_client.post(reverse("intake:create-patient"), data)
    assert response.status_code == (302 if accepted else 400)
    if not accepted:
        assert "date_of_birth" in response.context["form"].errors
        assert "Delgado" in text(response)  # what was typed stays
        with pytest.raises(Refused) as refused:
            services.create_patient(
                patient=Patient(legal_first_name="R", legal_last_name="D", date_of_birth=day),
                by=intake_user,
            )
        assert refused.value.field == "date_of_birth"
    assert Patient.objects.exists() == accepted


def test_a_contact_attempt_before_the_request_arrived_is_refused(intake_client, intake_user):
    inquiry = InquiryFactory()
    before = timezone.localtime(inquiry.created_at) - timedelta(hours=1)
    response = intake_client.post(
        reverse("intake:log-contact", args=[inquiry.public_id]),
        {"at": before.strftime("%Y-%m-%dT%H:%M"), "method": "phone", "outcome": "no_answer"},
    )
    assert response.status_code == 400
    assert response.context["contact_form"].errors["at"] == [
        "A contact attempt can't be before the request arrived."
    ]
    with pytest.raises(Refused) as refused:
        services.log_contact(
            inquiry=inquiry, by=intake_user, at=before, method="phone", outcome="no_answer"
        )
    assert refused.value.field == "at"
    assert not inquiry.contact_attempts.exists()


@pytest.mark.parametrize(
    ("signed", "accepted"), [(3 * 365 + 1, False), (3 * 365, True), (0, True), (-1, False)]
)
def test_consent_signing_dates_service(intake_user, signed, accepted):
    patient = PatientFactory()
    consent = Consent(
        recipient="Dr. Example (fictional)",
        purpose="Coordinate care",
        information="Attendance",
        signed_on=days_ago(signed),
        expiry_event=Consent.ExpiryEvent.END_OF_TREATMENT,
    )
    if accepted:
        services.add_consent(consent=consent, patient=patient, by=intake_user)
    else:
        with pytest.raises(Refused) as refused:
            services.add_consent(consent=consent, patient=patient, by=intake_user)
        assert refused.value.field == "signed_on"
    assert patient.consents.exists() == accepted
