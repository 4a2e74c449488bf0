from django.urls import reverse

from accounts.roles import DIRECTOR, INTAKE, roles_of

# (label, url name, roles that see it); the first entry every signed-in staff member sees.
STAFF_NAV = [
    ("Home", "accounts:home", None),
    ("Inquiries", "intake:inquiry-list", (INTAKE, DIRECTOR)),
    ("Patients", "intake:patient-list", (INTAKE, DIRECTOR)),
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
    return {"staff_nav": items}
