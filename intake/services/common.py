"""What every intake workflow shares: the audit call and row locking."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest

from accounts import audit

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
