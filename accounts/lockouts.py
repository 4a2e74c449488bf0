"""Sign-in lockouts kept by django-axes, as the clinical director sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    username: str
    failures: int
    last_attempt: datetime
    unlocks_at: datetime


def locked_usernames() -> list[Lockout]:
    """Usernames locked now: the failure limit reached within the cool-off period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since, username__isnull=False)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [
        Lockout(
            username=row["username"],
            failures=row["failures"],
            last_attempt=row["last_attempt"],
            unlocks_at=row["last_attempt"] + settings.AXES_COOLOFF_TIME,
        )
        for row in rows
    ]


def unlock(*, username: str) -> bool:
    """Forget the failed sign-ins of `username`; True if there were any."""
    return reset(username=username) > 0
