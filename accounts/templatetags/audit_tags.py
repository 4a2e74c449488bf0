from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django import template
from django.db.models import Q

from accounts.models import AuditEvent

register = template.Library()

RECENT_ACCESS_LIMIT = 20  # lines shown
RECENT_ACCESS_ROWS = 200  # audit rows read for them (one query, however long the history)
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass
class AccessLine:
    """One line of a patient's access history: one person's same action, repeated within
    REPEAT_WINDOW, read as one line with a count (the audit log keeps every row)."""

    first: AuditEvent
    latest: datetime
    earliest: datetime
    count: int = 1
    events: list[AuditEvent] = field(default_factory=list, repr=False)

    @property
    def who(self) -> str:
        actor = self.first.actor
        if actor is not None:
            return actor.get_full_name() or actor.get_username()
        return self.first.actor_username or "—"

    @property
    def what(self) -> str:
        return self.first.summary()

    def takes(self, event: AuditEvent) -> bool:
        return (
            event.actor_id == self.first.actor_id
            and event.actor_username == self.first.actor_username
            and event.action == self.first.action
            and event.object_type == self.first.object_type
            and self.latest - event.at <= REPEAT_WINDOW
        )


def group_access(events: list[AuditEvent], *, limit: int) -> list[AccessLine]:
    """Newest first: consecutive events one line takes are folded into it."""
    lines: list[AccessLine] = []
    for event in events:
        if lines and lines[-1].takes(event):
            lines[-1].count += 1
            lines[-1].earliest = event.at
            continue
        if len(lines) == limit:
            break
        lines.append(AccessLine(first=event, latest=event.at, earliest=event.at))
    return lines


@register.simple_tag
def recent_patient_access(patient, limit: int = RECENT_ACCESS_LIMIT) -> list[AccessLine]:
    """The latest accesses to `patient`'s record (who opened or changed it, when), with
    repeats folded. One query, on the (patient_uuid, at) index."""
    uuid = getattr(patient, "uuid", None)
    if uuid is None:
        return []
    # a record that others were merged into answers for their history too (a subquery)
    merged = getattr(patient, "merged_uuids", None)
    match = Q(patient_uuid=uuid)
    if callable(merged):
        match |= Q(patient_uuid__in=merged())
    events = list(
        AuditEvent.objects.filter(match)
        .select_related("actor")
        .only(
            "at",
            "action",
            "object_type",
            "object_repr",
            "actor_username",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
        )[:RECENT_ACCESS_ROWS]
    )
    return group_access(events, limit=limit)


@register.filter
def audit_summary(event: AuditEvent) -> str:
    """{{ event|audit_summary }}: what happened in words, with the patient's MRN when the
    query annotated it (`patient_mrn`)."""
    return event.summary(mrn=getattr(event, "patient_mrn", "") or "")
