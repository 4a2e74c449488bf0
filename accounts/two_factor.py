"""Two-factor sign-in with an authenticator app (TOTP) plus one-time backup codes.

Required for clinical directors; available to everyone else. A user who has a confirmed
device must enter a code after the password in every new session
(accounts.middleware.TwoFactorMiddleware enforces it).
"""

from __future__ import annotations

import math
import secrets
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.roles import Viewer, is_director

VERIFY = "verify"
ENROL = "enrol"
BACKUP_CODE_COUNT = 10
SETUP_SALT = "accounts.two_factor.setup"
SETUP_MAX_AGE = 15 * 60  # seconds a set-up page stays usable


def is_required_for(user: Viewer) -> bool:
    """Directors see everything; admin users can make accounts and grant roles."""
    return is_director(user) or user.is_staff or user.is_superuser


def pending_step(request: HttpRequest) -> str:
    """What a signed-in, not yet verified user must do first: VERIFY, ENROL or "" (nothing).

    Decided once per session (no device queries on every page view).
    """
    step = request.session.get(sessions.TWO_FACTOR_STEP)
    if step is None:
        step = step_for(request.user)
        request.session[sessions.TWO_FACTOR_STEP] = step
    return step


def step_for(user: Viewer) -> str:
    """What `user` must do after the password: VERIFY, ENROL or "" (nothing)."""
    if user_has_device(user):
        return VERIFY
    if is_required_for(user):
        return ENROL
    return ""


def set_pending_step(request: HttpRequest, step: str) -> None:
    request.session[sessions.TWO_FACTOR_STEP] = step


# --- setting up an authenticator -------------------------------------------------------


def new_setup_token(*, user: Viewer) -> tuple[str, str]:
    """A fresh secret (hex) and a signed token carrying it through the set-up form.

    Nothing is stored until the user proves, with a code, that the app has the secret.
    """
    key = secrets.token_hex(20)
    token = signing.dumps({"u": user.pk, "k": key}, salt=SETUP_SALT)
    return key, token


def key_from_setup_token(*, user: Viewer, token: str) -> str | None:
    try:
        data = signing.loads(token, salt=SETUP_SALT, max_age=SETUP_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != user.pk:
        return None
    return data.get("k")


def base32_secret(key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    b32 = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def otpauth_url(*, user: Viewer, key: str) -> str:
    issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{user.get_username()}")
    params = urlencode({"secret": base32_secret(key).replace(" ", ""), "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def qr_svg(data: str) -> SafeString:
    """The QR code as inline SVG markup (no image request, nothing for the CSP to allow)."""
    qr = segno.make(data, error="m")
    svg = qr.svg_inline(scale=5, border=2, title="QR code for your authenticator app")
    return mark_safe(svg)  # noqa: S308 - segno's own markup, no user input in it


def code_matches_key(*, key: str, code: str) -> bool:
    code = normalise_code(code)
    # str.isdigit() also accepts '²' and '١', which int() or TOTP refuse
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = TOTP(unhexlify(key))
    return totp.verify(int(code), tolerance=1)


@transaction.atomic
def enrol(*, user: Viewer, key: str) -> tuple[TOTPDevice, list[str]]:
    """Replace the user's authenticator with this key; fresh backup codes. Returns both."""
    TOTPDevice.objects.filter(user=user).delete()
    totp = TOTP(unhexlify(key))
    device = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t()
    )
    codes = make_backup_codes(user=user)
    return device, codes


@transaction.atomic
def make_backup_codes(*, user: Viewer) -> list[str]:
    """New one-time backup codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes(*, user: Viewer) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user, device__confirmed=True)
        .order_by("id")
        .values_list("token", flat=True)
    )


@transaction.atomic
def remove_devices(*, user: Viewer) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- the second step of signing in -----------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def verify_code(*, user: Viewer, code: str) -> Device | None:
    """The device that accepts `code` (six digits: the app; otherwise a backup code).

    django-otp throttles each device after failures (growing delays), so guessing is slow.
    """
    code = normalise_code(code)
    if not code:
        return None
    want = _device_kind(code)
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if isinstance(device, want) and device.verify_token(code):
            return device
    return None


def _device_kind(code: str) -> type[Device]:
    """Six digits are an authenticator code; anything else a backup code."""
    return TOTPDevice if (code.isascii() and code.isdigit() and len(code) == 6) else StaticDevice


def wait_seconds(*, user: Viewer, code: str) -> int:
    """Seconds before `code` can be checked at all (0: now).

    After a wrong code django-otp makes the device wait (1, 2, 4, 8... seconds times the
    throttle factor) and, until then, refuses even the right code without checking it.
    """
    want = _device_kind(normalise_code(code))
    waits = []
    for device in devices_for_user(user, confirmed=True):
        if not isinstance(device, want):
            continue
        allowed, data = device.verify_is_allowed()
        if allowed:
            return 0
        until = (data or {}).get("locked_until")
        left = (until - timezone.now()).total_seconds() if until else 1
        waits.append(max(1, math.ceil(left)))
    return min(waits, default=0)


def has_authenticator(user: Viewer) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
