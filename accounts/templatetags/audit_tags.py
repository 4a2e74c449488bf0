from django import template
from django.db.models import Q

from accounts.models import AuditEvent

register = template.Library()

RECENT_ACCESS_LIMIT = 20


@register.simple_tag
def recent_patient_access(patient, limit: int = RECENT_ACCESS_LIMIT) -> list[AuditEvent]:
    """The latest audit events about `patient` (who opened or changed the record, when).

    One query, on the (patient_uuid, at) index, however long the history.
    """
    uuid = getattr(patient, "uuid", None)
    if uuid is None:
        return []
    # a record that others were merged into answers for their history too (a subquery)
    merged = getattr(patient, "merged_uuids", None)
    match = Q(patient_uuid=uuid)
    if callable(merged):
        match |= Q(patient_uuid__in=merged())
    return list(
        AuditEvent.objects.filter(match)
        .select_related("actor")
        .only(
            "at",
            "action",
            "actor_username",
            "actor__first_name",
            "actor__last_name",
            "actor__username",
        )[:limit]
    )
