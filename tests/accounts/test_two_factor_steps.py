"""Two-factor sign-in in the audit log (password step, second factor, then "signed in")
and a right code refused by throttling, which says to wait and for how long."""

from binascii import unhexlify

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEvent
from accounts.roles import DIRECTOR
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
VERIFY = reverse("accounts:two-factor-verify")
SETUP = reverse("accounts:two-factor-setup")
KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def enrolled_director(db):
    user = UserFactory(username="enrolled_director")
    user.groups.add(Group.objects.get(name=DIRECTOR))
    TOTPDevice.objects.create(user=user, name="Authenticator app", key=KEY, confirmed=True)
    return user


def _sign_in(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def _right_code() -> str:
    return f"{TOTP(unhexlify(KEY)).token():06d}"


def _wrong_code() -> str:
    return f"{(int(_right_code()) + 500000) % 1000000:06d}"


def _actions(user) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(actor=user).order_by("at", "id").values_list("action", "detail")
    )


def test_the_password_alone_is_not_recorded_as_signed_in(enrolled_director):
    _sign_in("enrolled_director")

    assert _actions(enrolled_director) == [(Action.PASSWORD_ACCEPTED, "two-factor code to come")]


def test_signed_in_is_recorded_only_after_the_second_factor(enrolled_director):
    client = _sign_in("enrolled_director")
    response = client.post(VERIFY, {"code": _right_code()})

    assert response.status_code == 302
    assert _actions(enrolled_director) == [
        (Action.PASSWORD_ACCEPTED, "two-factor code to come"),
        (Action.SECOND_FACTOR, "authenticator code"),
        (Action.LOGIN, "password and second factor"),
    ]


def test_a_required_set_up_is_the_second_step(db):
    user = UserFactory(username="fresh_director")
    user.groups.add(Group.objects.get(name=DIRECTOR))
    client = _sign_in("fresh_director")
    token = client.get(SETUP).context["form"]["token"].value()
    key = two_factor.key_from_setup_token(user=user, token=token)
    client.post(SETUP, {"code": f"{TOTP(unhexlify(key)).token():06d}", "token": token})

    actions = [action for action, _detail in _actions(user)]
    assert actions == [Action.PASSWORD_ACCEPTED, Action.CHANGE, Action.SECOND_FACTOR, Action.LOGIN]


def test_without_two_factor_the_password_signs_in(intake_user):
    _sign_in("intake_worker")

    assert _actions(intake_user) == [(Action.LOGIN, "")]


def test_a_right_code_too_soon_after_a_wrong_one_says_how_long_to_wait(enrolled_director, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # the first wait: 30 seconds
    client = _sign_in("enrolled_director")
    client.post(VERIFY, {"code": _wrong_code()})

    response = client.post(VERIFY, {"code": _right_code()})

    assert response.status_code == 429  # a limit a program can read (accounts/throttle.py)
    assert response["Retry-After"] in ("29", "30")
    text = response.content.decode()
    assert "Too soon after a wrong code: this code was not checked." in text
    assert "Wait 30 seconds" in text or "Wait 29 seconds" in text
    assert (Action.LOGIN_FAILED, "two-factor code too soon to check") in _actions(enrolled_director)
    assert Action.LOGIN not in [action for action, _ in _actions(enrolled_director)]
    # the refused try did not count as another failure
    assert TOTPDevice.objects.get(user=enrolled_director).throttling_failure_count == 1


def test_the_wait_is_in_the_service_too(enrolled_director, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30
    assert two_factor.wait_seconds(user=enrolled_director, code=_right_code()) == 0
    assert two_factor.verify_code(user=enrolled_director, code=_wrong_code()) is None

    assert two_factor.wait_seconds(user=enrolled_director, code=_right_code()) in (29, 30)
    assert two_factor.verify_code(user=enrolled_director, code=_right_code()) is None


def test_after_the_wait_the_right_code_works(enrolled_director):
    client = _sign_in("enrolled_director")
    client.post(VERIFY, {"code": _wrong_code()})
    TOTPDevice.objects.filter(user=enrolled_director).update(throttling_failure_timestamp=None)

    assert client.post(VERIFY, {"code": _right_code()}).status_code == 302
