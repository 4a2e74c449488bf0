"""Checks shared by every app's forms and services.

A reason that a clinician, payer or auditor reads later (an override, an amendment, a
discharge, an exception, a cancellation) must be a sentence that says something, not a
placeholder. `validate_reason` is the one rule; `ReasonField` is the form field that
applies it and explains the rule before anyone types.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

REASON_MIN_LENGTH = 12
REASON_MIN_WORDS = 2
REASON_MAX_LENGTH = 2000
REASON_HELP = (
    f"Write a sentence: at least {REASON_MIN_LENGTH} characters and {REASON_MIN_WORDS} words."
)

_WORD = re.compile(r"[^\W\d_]{2,}")  # two or more letters, any alphabet
_PLACEHOLDERS = frozenset(
    {"na", "n/a", "none", "test", "testing", "asdf", "xxx", "tbd", "todo", "reason", "other"}
)


def validate_reason(value: str) -> None:
    """Refuse a reason that is too short, has no words, or is a known placeholder."""
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError("Give the reason.", code="required")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            f"Keep the reason under {REASON_MAX_LENGTH} characters.", code="max_length"
        )
    words = _WORD.findall(text)
    if not words:
        raise ValidationError(
            "Write the reason in words, not only numbers or signs.", code="no_words"
        )
    if len(text) < REASON_MIN_LENGTH or len(words) < REASON_MIN_WORDS:
        raise ValidationError(
            f"Say a little more: a reason needs at least {REASON_MIN_LENGTH} characters "
            f"and {REASON_MIN_WORDS} words.",
            code="too_short",
        )
    distinct = {word.lower() for word in words}
    if distinct <= _PLACEHOLDERS or len(set(text.replace(" ", "").lower())) < 4:
        raise ValidationError(
            "That reads like a placeholder; say what happened and why.", code="placeholder"
        )


def clean_reason(value: str) -> str:
    """The reason with its white space tidied, after `validate_reason` accepted it."""
    validate_reason(value)
    return " ".join(value.split())


class ReasonField(forms.CharField):
    """A required free-text reason that must be a real sentence."""

    def __init__(self, *, label: str = "Reason", **kwargs) -> None:
        kwargs.setdefault("max_length", REASON_MAX_LENGTH)
        kwargs.setdefault("help_text", REASON_HELP)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(label=label, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return clean_reason(value)


def validate_date_between(value: date, *, earliest: date, latest: date, what: str) -> None:
    """Refuse a date outside [earliest, latest], naming the field and the range in words."""
    if value < earliest:
        raise ValidationError(
            f"{what} can't be before {earliest:%b} {earliest.day}, {earliest.year}.",
            code="too_early",
        )
    if value > latest:
        raise ValidationError(
            f"{what} can't be after {latest:%b} {latest.day}, {latest.year}.", code="too_late"
        )
