"""Audit events for pages that list several patients (a roster, a caseload)."""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from typing import Any

from django.db import models
from django.http import HttpRequest

from accounts.audit import record
from accounts.models import AuditEvent


def record_for_patients(
    request: HttpRequest | None,
    action: str,
    *,
    obj: models.Model | None,
    patients: Iterable,
    detail: str = "",
    user: Any = None,
) -> None:
    """One event per patient, so each patient's trail shows the page, in two queries
    whatever the number of patients: accounts.audit.record writes the first, the
    others are copies of it with their own patient."""
    patients = list(patients)
    if not patients:
        return
    first = record(request, action, obj=obj, patient=patients[0], detail=detail, user=user)
    others = []
    for patient in patients[1:]:
        event = copy(first)
        event.pk = None
        event.patient_uuid = patient.uuid
        others.append(event)
    AuditEvent.objects.bulk_create(others)
