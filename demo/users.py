"""The fictional demo staff: one account per role, a shared password, and a known
authenticator key for the demo director.

Idempotent: each account is looked up by its username before it is created.
"""

from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE

DEMO_PASSWORD = "demo-pass-2026"
# The RFC 4226 test secret "12345678901234567890": for the fictional demo director only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


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
    # not yet licensed (demo/notes.py marks it): their notes wait for a co-signature
    DemoUser("counselor3", "Jordan", "Reyes", COUNSELOR),
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
        if demo.role == DIRECTOR and not TOTPDevice.objects.filter(user=user).exists():
            # directors must sign in with a second factor; the demo one gets a known key
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
            )
        users.append(user)
    return users


def demo_totp_code() -> str:
    """The demo director's current six-digit code (development only)."""
    return f"{TOTP(unhexlify(DEMO_TOTP_KEY)).token():06d}"
