"""Hostile input on the form endpoints of accounts: sign-in, password reset, two-factor,
unlocking and the audit log's filter (the harness: tests/fuzzing.py)."""

from __future__ import annotations

from binascii import unhexlify
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.forms import AuditFilterForm, CodeForm, SetupForm, UnlockForm
from tests import fuzzing
from tests.factories import TEST_PASSWORD
from tests.fuzzing import Endpoint, Payload, fresh, one


def _login_valid(world, data: QueryDict) -> bool:
    form = AuthenticationForm()
    try:
        username = form.fields["username"].clean(data.get("username"))
        password = form.fields["password"].clean(data.get("password"))
    except ValidationError:
        return False
    user = User.objects.filter(username=username).first()
    return bool(user and user.is_active and user.check_password(password))


def _reset_url(world, client) -> str:
    """Open the e-mailed link: Django keeps the token in the session and redirects."""
    user = world.intake_user
    link = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    response = client.get(link)
    assert response.status_code == 302, response.status_code
    return response.url


def _setup_payload(world) -> Payload:
    key, token = two_factor.new_setup_token(user=world.intake_user)
    code = f"{TOTP(unhexlify(key)).token():06d}"
    return one(code=code, token=token)


def _setup_valid(world, data: QueryDict) -> bool:
    form = SetupForm(data)
    if not form.is_valid():
        return False
    key = two_factor.key_from_setup_token(user=world.intake_user, token=form.cleaned_data["token"])
    return key is not None and two_factor.code_matches_key(key=key, code=form.cleaned_data["code"])


ENDPOINTS = [
    Endpoint(
        name="accounts:login",
        client="anon_client",
        url=lambda w, c: reverse("accounts:login"),
        baseline=lambda w: one(username="intake_worker", password=TEST_PASSWORD),
        valid=_login_valid,
        forms=lambda w, d: [AuthenticationForm(data=d)],
        watch=lambda w: (User, Group),
        strict_redirect=True,
        writes=True,  # last_login
    ),
    Endpoint(
        name="accounts:password-reset",
        client="anon_client",
        url=lambda w, c: reverse("accounts:password-reset"),
        baseline=lambda w: one(email="intake_worker@clinic.example"),
        forms=lambda w, d: [PasswordResetForm(d)],
        watch=lambda w: (User,),
        strict_redirect=True,
        writes=True,  # an e-mail in the outbox
    ),
    Endpoint(
        name="accounts:password-reset-confirm (set password)",
        client="anon_client",
        url=_reset_url,
        baseline=lambda w: one(
            new_password1="Lantern-orchard-41-quietly", new_password2="Lantern-orchard-41-quietly"
        ),
        forms=lambda w, d: [SetPasswordForm(fresh(w.intake_user), d)],
        watch=lambda w: (User,),
        strict_redirect=True,
    ),
    Endpoint(
        name="accounts:two-factor-verify",
        client="unverified_director_client",
        url=lambda w, c: reverse("accounts:two-factor-verify"),
        baseline=lambda w: one(code="000000", next="/staff/"),
        forms=lambda w, d: [CodeForm(d)],
        never_redirects=True,
        writes=False,
    ),
    Endpoint(
        name="accounts:two-factor-setup",
        client="intake_client",
        url=lambda w, c: reverse("accounts:two-factor-setup"),
        baseline=_setup_payload,
        valid=_setup_valid,
        forms=lambda w, d: [SetupForm(d)],
        edge_cases=({"code": "²³¹⁴⁵⁶"}, {"code": "١٢٣٤٥٦"}),
        watch=lambda w: (
            TOTPDevice.objects.filter(user=w.intake_user),
            StaticDevice.objects.filter(user=w.intake_user),
        ),
    ),
    Endpoint(
        name="accounts:logout",
        client="intake_client",
        url=lambda w, c: reverse("accounts:logout"),
        baseline=lambda w: one(reason="idle", drafts="2", failed="0"),
        watch=lambda w: (User,),
        writes=False,
    ),
    Endpoint(
        name="accounts:unlock-account",
        client="director_client",
        url=lambda w, c: reverse("accounts:unlock-account"),
        baseline=lambda w: one(username="intake_worker"),
        forms=lambda w, d: [UnlockForm(d)],
        watch=lambda w: (AccessAttempt, User),
        writes=False,
    ),
    Endpoint(
        name="accounts:audit-log (filter)",
        client="director_client",
        url=lambda w, c: reverse("accounts:audit-log"),
        baseline=lambda w: one(
            patient=w.patient.mrn,
            actor=w.intake_user.pk,
            action="view",
            start=w.today - timedelta(days=7),
            end=w.today,
        ),
        forms=lambda w, d: [AuditFilterForm(d)],
        strict_redirect=True,
        writes=False,
    ),
    Endpoint(
        name="accounts:audit-log-export",
        client="director_client",
        url=lambda w, c: reverse("accounts:audit-log-export"),
        baseline=lambda w: one(
            patient=w.patient.mrn,
            actor=w.intake_user.pk,
            action="view",
            start=w.today - timedelta(days=7),
            end=w.today,
        ),
        forms=lambda w, d: [AuditFilterForm(d)],
        answers_with_page=True,
        writes=False,
    ),
    Endpoint(
        name="accounts:audit-log (GET)",
        client="director_client",
        method="get",
        url=lambda w, c: reverse("accounts:audit-log"),
        baseline=lambda w: one(
            patient=w.patient.uuid,
            actor=w.intake_user.pk,
            action="view",
            start=w.today - timedelta(days=7),
            end=w.today,
            page=1,
        ),
        writes=False,
    ),
]

# Every other URL name of the app, and why it is not fuzzed.
NOT_FUZZED = {
    "accounts:home": "no input",
    "accounts:keep-alive": "POST without fields",
    "accounts:password-reset-done": "no input",
    "accounts:password-reset-complete": "no input",
    "accounts:two-factor": "no input",
    "accounts:two-factor-backup-codes": "POST without fields",
    "accounts:two-factor-disable": "POST without fields",
    "accounts:lockout-list": "no input",
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("fuzz", ENDPOINTS), ids=str)
def test_fuzzed_input_never_500s_and_stores_nothing_invalid(request, fuzz_world, endpoint):
    fuzzing.run_fuzz(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("edges", ENDPOINTS), ids=str)
def test_edge_values_in_each_field_never_500(request, fuzz_world, endpoint):
    fuzzing.run_edges(request, fuzz_world, endpoint)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", fuzzing.checked("nul", fuzzing.with_forms(ENDPOINTS)), ids=str)
def test_a_nul_byte_in_any_field_is_refused_with_a_message(request, fuzz_world, endpoint):
    fuzzing.run_nul(request, fuzz_world, endpoint)


@pytest.mark.django_db
def test_superscript_digits_in_the_set_up_code_are_refused(request, fuzz_world, intake_client):
    """'²³¹⁴⁵⁶'.isdigit() is True and int() refuses it: the set-up page says the code
    did not match, never a 500."""
    endpoint = next(e for e in ENDPOINTS if e.name == "accounts:two-factor-setup")
    baseline = fuzzing.prepare(endpoint, fuzz_world, intake_client)
    result = fuzzing.check_one(
        endpoint, fuzz_world, intake_client, {**baseline, "code": ["²³¹⁴⁵⁶"]}
    )
    assert result.status in (200, 400)
    assert "That code did not match" in result.text
