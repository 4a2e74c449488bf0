"""Writing the audit log. Every view and change of patient data goes through `record`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from accounts.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy in production; gunicorn's forwarded_allow_ips and the
    # proxy set it right (see docs/deploy.md). Never trust a client-sent header here.
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest | None,
    action: str,
    *,
    obj: models.Model | None = None,
    patient: Any = None,
    detail: str = "",
    user: Any = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event.

    `patient` is the Patient the event concerns (anything with a `uuid`), so a
    patient's page can list who opened the record. `obj` is the object acted on.
    """
    actor = user if user is not None else getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor else username)[:150],
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(getattr(obj, "uuid", None) or getattr(obj, "pk", "") or "")
        if obj is not None
        else "",
        object_repr=_safe_repr(obj),
        patient_uuid=getattr(patient, "uuid", None),
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail[:300],
    )


def _safe_repr(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.verbose_name} {getattr(obj, 'pk', '')}"[:200]
