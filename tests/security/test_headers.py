"""Security headers on public and staff pages, and `check --deploy` with production
settings (run in a subprocess, as a deployment would)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.audit import record
from tests.security.test_access_matrix import assert_no_inline_code

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return dict(parts)


@pytest.fixture(params=["public", "staff"])
def page(request):
    if request.param == "public":
        client = request.getfixturevalue("anon_client")
        return client.get(reverse("programs:home"))
    client = request.getfixturevalue("intake_client")
    return client.get(reverse("accounts:home"))


def test_the_page_rendered(page):
    assert page.status_code == 200


def test_content_security_policy_allows_no_inline_script_or_style(page):
    directives = _directives(page["Content-Security-Policy"])
    for name, value in CSP.items():
        assert directives[name] == value, name
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert "unsafe-eval" not in page["Content-Security-Policy"]


def test_framing_sniffing_referrer_and_features_are_locked_down(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = page["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_pages_carry_no_inline_script_style_or_handlers(page):
    html = page.content.decode()
    assert "<script>" not in html and "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html and " onload=" not in html


def test_https_only_settings_in_production(anon_client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    insecure = anon_client.get(reverse("programs:home"))
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")
    secure = anon_client.get(reverse("programs:home"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_staff_session_cookie_flags(client, intake_user, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.post(
        reverse("accounts:login"),
        {"username": "intake_worker", "password": "correct-horse-battery-staple"},
        secure=True,
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # ends when the browser closes


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="prod-like-" + "k3y-With-Enough-Variety-0123456789-abcdefghijklmnopq",
        ALLOWED_HOSTS="iop.clinic.example",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("SECURE_HSTS_SECONDS", None)
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture
def superuser_client(site_admin_client):
    return site_admin_client


def test_the_admin_runs_under_the_same_policy_without_inline_code(superuser_client):
    event = record(None, "view", detail="x")
    pages = [
        reverse("admin:index"),
        reverse("admin:accounts_auditevent_changelist"),
        reverse("admin:accounts_auditevent_change", args=[event.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:programs_program_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ]
    for url in pages:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert_no_inline_code(response.content.decode(), url)


def test_no_copy_of_a_staff_page_is_kept(intake_client, anon_client):
    assert intake_client.get(reverse("accounts:home"))["Cache-Control"] == "no-store, private"
    # the sign-in page and its redirects are staff pages too
    assert anon_client.get(reverse("accounts:home"))["Cache-Control"] == "no-store, private"
    # the sign-in page keeps Django's never_cache, which says more
    login = anon_client.get(reverse("accounts:login"))["Cache-Control"]
    assert {"no-store", "private"} <= {d.strip() for d in login.split(",")}


def test_a_public_page_is_private_for_a_signed_in_user_only(intake_client, anon_client):
    url = reverse("programs:home")
    assert intake_client.get(url)["Cache-Control"] == "no-store, private"
    assert "no-store" not in anon_client.get(url).get("Cache-Control", "")
