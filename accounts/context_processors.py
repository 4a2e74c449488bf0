from django.conf import settings
from django.urls import reverse

from accounts import sessions
from accounts.roles import COUNSELOR, DIRECTOR, INTAKE, roles_of

# (label, url name, roles that see it); the first entry every signed-in staff member sees.
STAFF_NAV = [
    ("Home", "accounts:home", None),
    ("Call requests", "intake:inquiry-list", (INTAKE, DIRECTOR)),
    ("Patients", "intake:patient-list", (INTAKE, DIRECTOR)),
    ("My week", "scheduling:week", (COUNSELOR,)),
    ("Schedule", "scheduling:week", (INTAKE, DIRECTOR)),
    ("Caseload", "scheduling:caseload", (COUNSELOR, INTAKE, DIRECTOR)),
    ("Groups", "scheduling:track-list", (INTAKE, DIRECTOR)),
    ("Co-sign notes", "notes:cosign-queue", (COUNSELOR, DIRECTOR)),
    ("Audit log", "accounts:audit-log", (DIRECTOR,)),
    ("Locked accounts", "accounts:lockout-list", (DIRECTOR,)),
    ("Sign-in security", "accounts:two-factor", None),
]


def staff_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    items = []
    for label, url_name, allowed in STAFF_NAV:
        if allowed is not None and not roles & set(allowed):
            continue
        url = reverse(url_name)
        active = (
            request.path == url if url_name == "accounts:home" else request.path.startswith(url)
        )
        items.append({"label": label, "url": url, "active": active})
    return {"staff_nav": items, "idle": _idle(request)}


def _idle(request) -> dict:
    """What static/js/idle.js needs to know (seconds)."""
    return {
        "timeout": settings.IDLE_TIMEOUT_SECONDS,
        "warning": settings.IDLE_WARNING_SECONDS,
        "seconds_left": sessions.seconds_left(request),
    }
