"""The clinic's staff roles, kept as auth groups (created by a migration)."""

from django.contrib.auth.models import AnonymousUser, User

# Whom a request comes from: a staff account, or nobody signed in (request.user).
Viewer = User | AnonymousUser

INTAKE = "Intake"
COUNSELOR = "Counselor"
DIRECTOR = "Clinical director"
ALL_ROLES = (INTAKE, COUNSELOR, DIRECTOR)


def roles_of(user: Viewer) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_iop_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, "_iop_roles", cached)  # noqa: B010 (an attribute User does not declare)
    return cached


def has_role(user: Viewer, *names: str) -> bool:
    return bool(roles_of(user) & set(names))


def is_intake(user: Viewer) -> bool:
    return has_role(user, INTAKE, DIRECTOR)


def is_counselor(user: Viewer) -> bool:
    return has_role(user, COUNSELOR)


def is_director(user: Viewer) -> bool:
    return has_role(user, DIRECTOR)
