from django import template

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
    return list(
        AuditEvent.objects.filter(patient_uuid=uuid)
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
