"""The counselor's panel of the staff home: today's sessions and who is short on hours."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest

from accounts.home import Panel, register
from accounts.roles import is_counselor
from scheduling import clinictime, hours
from scheduling.models import Session


@register
def counselor_panel(request: HttpRequest) -> Panel | None:
    user = request.user
    if not is_counselor(user):
        return None
    today = clinictime.today()
    sessions = list(
        Session.objects.scheduled()
        .filter(counselors=user)
        .between(clinictime.local_midnight(today), clinictime.local_midnight(today + timedelta(1)))
        .for_calendar()
    )
    (load,) = hours.caseloads(
        counselors=[user], monday=clinictime.monday_of(today), today=today, with_exceptions=False
    )
    return Panel(
        title="My day",
        template="scheduling/_home_panel.html",
        context={
            "today": today,
            "sessions": sessions,
            "caseload_size": len(load.rows),
            "flagged": load.flagged,
        },
        order=20,
    )
