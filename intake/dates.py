"""The plausible range of every date on the intake side, in one place.

Forms check these to put a message next to the field; services check them again, so a
date that never went through a form is held to the same rule. docs/date-ranges.md
("Intake") lists every range in words; tests/intake/test_date_ranges.py tries the day
before, at and after each boundary. Pure: no ORM, today is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from accounts.validators import validate_date_between

AGE_MIN = 12
AGE_MAX = 110
ADMISSION_MAX_DAYS_AHEAD = 30
BOOKING_MAX_DAYS_AHEAD = 365
STEP_DOWN_LOOKBACK_DAYS = 365
TRANSFER_MAX_DAYS_BEFORE = 30
CONSENT_LOOKBACK_DAYS = 3 * 365
CONSENT_MAX_YEARS = 10
DISCLOSURE_LOOKBACK_YEARS = 10
PLANNED_DISCHARGE_MAX_DAYS_AHEAD = 365  # IOP runs 6 to 12 weeks: a year covers any plan


@dataclass(frozen=True)
class DateRange:
    """The first and last acceptable day, and how a message names the field."""

    earliest: date
    latest: date
    what: str

    def check(self, value: date) -> None:
        """Raise ValidationError (with the range in words) for a day outside the range."""
        validate_date_between(value, earliest=self.earliest, latest=self.latest, what=self.what)

    def error(self, value: date) -> str | None:
        try:
            self.check(value)
        except ValidationError as exc:
            return exc.messages[0]
        return None


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (later when negative); Feb 29 becomes Feb 28."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date(today: date) -> DateRange:
    """Patients are aged 12 to 110 today."""
    return DateRange(
        earliest=years_before(today, AGE_MAX + 1) + timedelta(days=1),
        latest=years_before(today, AGE_MIN),
        what="The date of birth",
    )


def contact_attempt(received: date, today: date) -> DateRange:
    return DateRange(earliest=received, latest=today, what="A contact attempt")


def booking(today: date) -> DateRange:
    return DateRange(
        earliest=today,
        latest=today + timedelta(days=BOOKING_MAX_DAYS_AHEAD),
        what="The assessment appointment",
    )


def assessment_date(first_contact: date, today: date) -> DateRange:
    return DateRange(earliest=first_contact, latest=today, what="The assessment date")


def step_down_ended(assessed_on: date) -> DateRange:
    return DateRange(
        earliest=assessed_on - timedelta(days=STEP_DOWN_LOOKBACK_DAYS),
        latest=assessed_on,
        what="The date inpatient or PHP care ended",
    )


def last_use(born: date | None, assessed_on: date) -> DateRange:
    earliest = born or years_before(assessed_on, AGE_MAX + 1)
    return DateRange(earliest=earliest, latest=assessed_on, what="The last use")


def consent_signed(today: date) -> DateRange:
    return DateRange(
        earliest=today - timedelta(days=CONSENT_LOOKBACK_DAYS),
        latest=today,
        what="The signing date",
    )


def consent_expires(signed_on: date) -> DateRange:
    return DateRange(
        earliest=signed_on,
        latest=years_before(signed_on, -CONSENT_MAX_YEARS),
        what="The expiry date",
    )


def consent_revoked(signed_on: date, today: date) -> DateRange:
    return DateRange(earliest=signed_on, latest=today, what="The revocation date")


def attendance_window(today: date) -> DateRange:
    return DateRange(
        earliest=years_before(today, DISCLOSURE_LOOKBACK_YEARS),
        latest=today,
        what="A day of attendance",
    )


def admission_start(first_contact: date, previous_end: date | None, today: date) -> DateRange:
    """Not before the first contact (nor the end of the last admission), at most 30 days ahead."""
    earliest = max(first_contact, previous_end) if previous_end else first_contact
    return DateRange(
        earliest=earliest,
        latest=today + timedelta(days=ADMISSION_MAX_DAYS_AHEAD),
        what="The start date",
    )


def discharge(started_on: date, today: date) -> DateRange:
    return DateRange(earliest=started_on, latest=today, what="The discharge date")


def planned_discharge(started_on: date, today: date) -> DateRange:
    """A plan for this admission: not before it began, and within the coming year."""
    return DateRange(
        earliest=started_on,
        latest=today + timedelta(days=PLANNED_DISCHARGE_MAX_DAYS_AHEAD),
        what="The planned discharge date",
    )


def level_change(started_on: date, today: date) -> DateRange:
    return DateRange(earliest=started_on, latest=today, what="The date of the change")


def transfer_care_ended(admitted_on: date) -> DateRange:
    """A transfer follows other care closely: that care ended at most 30 days before."""
    return DateRange(
        earliest=admitted_on - timedelta(days=TRANSFER_MAX_DAYS_BEFORE),
        latest=admitted_on,
        what="The date the other care ended",
    )
