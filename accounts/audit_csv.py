"""The audit log as CSV: one row per entry, ISO 8601 times in clinic time."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from accounts import clinic_dates
from accounts.models import AuditEvent

HEADER = [
    "at",
    "staff_username",
    "action",
    "what",
    "object_type",
    "object_id",
    "patient_mrn",
    "patient_id",
    "ip_address",
    "detail",
]
# a cell starting with one of these runs as a formula in a spreadsheet
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def row(event: AuditEvent) -> list[str]:
    mrn = getattr(event, "patient_mrn", "") or ""
    return [
        _cell(value)
        for value in (
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor_username,
            event.action,
            event.summary(mrn=mrn),
            event.object_type,
            event.object_id,
            mrn,
            event.patient_uuid or "",
            event.ip_address or "",
            event.detail,
        )
    ]


def write(out, events: Iterable[AuditEvent]) -> int:
    """Write the header and one row per event to `out`; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    for event in events:
        writer.writerow(row(event))
        count += 1
    return count


def describe_filters(data: dict) -> str:
    """The filters of an export in words, for its own audit entry (no MRN: the entry
    carries the patient's id in its own column)."""
    parts = []
    if data.get("patient"):
        parts.append("one patient")
    if data.get("actor"):
        parts.append(f"staff member {data['actor'].get_username()}")
    if data.get("action"):
        parts.append(f"action {data['action']}")
    if data.get("start"):
        parts.append(f"from {clinic_dates.short_day(data['start'])}")
    if data.get("end"):
        parts.append(f"to {clinic_dates.short_day(data['end'])}")
    return ", ".join(parts) or "none"
