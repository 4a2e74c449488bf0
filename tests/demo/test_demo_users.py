"""The demo director can pass two-factor sign-in with the printed key or `make demo-code`."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import code_matches_key
from demo.users import DEMO_TOTP_KEY, demo_totp_code, ensure_demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_director_has_the_demo_authenticator_once():
    ensure_demo_users()
    ensure_demo_users()
    device = TOTPDevice.objects.get(user__username="director")
    assert device.confirmed
    assert code_matches_key(key=device.key, code=demo_totp_code())


def test_a_director_who_enrolled_their_own_app_keeps_it():
    (director,) = [u for u in ensure_demo_users() if u.username == "director"]
    TOTPDevice.objects.filter(user=director).update(key="00" * 20)
    ensure_demo_users()
    assert list(TOTPDevice.objects.filter(user=director).values_list("key", flat=True)) == [
        "00" * 20
    ]


def test_nobody_else_gets_a_device():
    ensure_demo_users()
    assert TOTPDevice.objects.exclude(user__username="director").count() == 0
    assert TOTPDevice.objects.get().key == DEMO_TOTP_KEY


def test_the_code_command_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code")
