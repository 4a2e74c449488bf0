"""The clinic's staff roles, kept as auth groups (created by a migration)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

INTAKE = "Intake"
COUNSELOR = "Counselor"
DIRECTOR = "Clinical director"
ALL_ROLES = (INTAKE, COUNSELOR, DIRECTOR)


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_iop_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._iop_roles = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *names: str) -> bool:
    return bool(roles_of(user) & set(names))


def is_intake(user) -> bool:
    return has_role(user, INTAKE, DIRECTOR)


def is_counselor(user) -> bool:
    return has_role(user, COUNSELOR)


def is_director(user) -> bool:
    return has_role(user, DIRECTOR)
