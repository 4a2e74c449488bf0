"""Demo content for `make run`: fictional staff (and, later, a living clinic).

Idempotent: every object is looked up by a natural key before it is created.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str


DEMO_USERS = (
    DemoUser("intake", "Rosa", "Delgado", INTAKE),
    DemoUser("counselor", "Marcus", "Hale", COUNSELOR),
    DemoUser("counselor2", "Priya", "Natarajan", COUNSELOR),
    DemoUser("director", "Elaine", "Park", DIRECTOR),
)


@transaction.atomic
def ensure_demo_users() -> list[User]:
    users = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@clinic.example",
                "is_staff": demo.role == DIRECTOR,
                "is_superuser": demo.role == DIRECTOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=demo.role))
        users.append(user)
    return users
