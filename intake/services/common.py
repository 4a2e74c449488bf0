"""What every intake workflow shares: the audit call, row locking, reason and date checks."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from accounts import audit
from accounts.validators import clean_reason
from intake.dates import DateRange
from intake.models import Refused

Action = audit.Action


class IncompleteAssessment(Exception):
    """Completing failed: `missing` maps a field name to what is still needed."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__("; ".join(missing.values()))
        self.missing = missing


def _record(request: HttpRequest | None, by: User, action: str, **kwargs: Any) -> None:
    audit.record(request, action, user=by, **kwargs)


M = TypeVar("M", bound=models.Model)


def _locked(model: type[M], pk: int) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


def _reason(value: str, *, field: str) -> str:
    """The reason tidied, or Refused (next to `field`) when it is not a real sentence."""
    try:
        return clean_reason(value)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from exc


def _within(day: date, allowed: DateRange, *, field: str) -> date:
    """`day`, or Refused (next to `field`) when it is outside its plausible range."""
    message = allowed.error(day)
    if message:
        raise Refused(message, field=field)
    return day
