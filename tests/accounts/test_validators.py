from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import ReasonField, clean_reason, validate_date_between


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "n/a",
        "test test test",
        "12345678901234",
        "!!!!!!!!!!!!!!!!",
        "aaaaaaaaaaaaaaa",
        "short one",
        "x" * 2001,
        "asdf asdf asdf",
    ],
)
def test_placeholders_are_refused(text):
    with pytest.raises(ValidationError):
        clean_reason(text)


@pytest.mark.parametrize(
    "text",
    [
        "Patient asked to move to evenings for work.",
        "Booked in error by intake",
        "Médico pidió el cambio",
    ],
)
def test_sentences_are_accepted(text):
    assert clean_reason(f"  {text}  ") == text


def test_the_field_gives_its_message_and_tidies_space():
    field = ReasonField()
    assert field.clean("Left  the   program early.") == "Left the program early."
    with pytest.raises(ValidationError) as excinfo:
        field.clean("ok")
    assert "at least 12 characters" in excinfo.value.messages[0]


def test_date_range_boundaries():
    earliest, latest = date(2026, 1, 1), date(2026, 12, 31)
    validate_date_between(earliest, earliest=earliest, latest=latest, what="Start")
    validate_date_between(latest, earliest=earliest, latest=latest, what="Start")
    with pytest.raises(ValidationError, match="can't be before Jan 1, 2026"):
        validate_date_between(date(2025, 12, 31), earliest=earliest, latest=latest, what="Start")
    with pytest.raises(ValidationError, match="can't be after Dec 31, 2026"):
        validate_date_between(date(2027, 1, 1), earliest=earliest, latest=latest, what="Start")
