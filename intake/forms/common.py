"""Field helpers every intake form shares: phone and date checks, date widgets."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone

from intake.dates import DateRange

# states, DC and the territories with a USPS code
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
)
US_STATES = frozenset(_STATE_CODES.split())
_PHONE_CHARS = re.compile(r"^[\d\s().+-]+$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
SEARCH_MAX_LENGTH = 100


def _fmt(day: date) -> str:
    return f"{day:%b} {day.day}, {day:%Y}"


def clean_us_phone(value: str) -> str:
    """'(213) 555-0142' from any common way of writing a US number; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not _PHONE_CHARS.match(value) or len(digits) != 10:
        raise forms.ValidationError("Enter a 10-digit US phone number, like (213) 555-0142.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _not_in_future(day: date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def check_range(day: date | None, allowed: DateRange) -> None:
    """A field's message when `day` is outside its plausible range (intake/dates.py)."""
    if day is not None:
        message = allowed.error(day)
        if message:
            raise forms.ValidationError(message)


class ConfirmStep(forms.Form):
    """A form whose first valid POST shows a summary to confirm; the second one acts.

    Every field is carried over in hidden inputs (`as_hidden`), so going back keeps
    what was typed and confirming sends exactly what the summary showed.
    """

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def is_confirmed(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("confirmed"))
