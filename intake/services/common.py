"""What every intake workflow shares: the audit call and row locking."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
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


def _locked(model, pk: int):
    return model.objects.select_for_update().get(pk=pk)
