"""Every limit answers 429 with its page and Retry-After; the password-reset e-mail is
limited per address and per account, and says the same whether or not an account exists."""

import contextlib
import threading

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import throttle
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password-reset")
DONE = reverse("accounts:password-reset-done")
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two-factor-verify")


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, standing still until the test moves it."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    return now


@pytest.fixture
def account(db):
    return UserFactory(username="resetme", email="resetme@clinic.example")


def _reset(client, email, addr="198.51.100.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=addr)


def test_fifteen_requests_in_a_row_send_three_emails(client, account, settings, clock):
    settings.PASSWORD_RESETS_PER_ADDRESS = 100
    for n in range(15):
        response = _reset(client, "resetme@clinic.example", addr=f"198.51.100.{n}")
        assert (response.status_code, response.url) == (302, DONE)
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_ACCOUNT == 3


def test_the_account_limit_counts_an_address_with_no_account_the_same_way(
    client, account, settings, clock
):
    settings.PASSWORD_RESETS_PER_ADDRESS = 100
    for email in ("resetme@clinic.example", "nobody@clinic.example"):
        answers = [_reset(client, email) for _ in range(5)]
        assert {(r.status_code, r.url) for r in answers} == {(302, DONE)}
    assert len(mail.outbox) == 3  # to the real account only; the answers are the same
    # the typed address is counted however it is capitalised
    _reset(client, "ResetMe@Clinic.Example")
    assert len(mail.outbox) == 3


def test_the_account_limit_lifts_after_an_hour(client, account, settings, clock):
    for _ in range(3):
        _reset(client, "resetme@clinic.example")
    clock[0] += 3599
    _reset(client, "resetme@clinic.example")
    assert len(mail.outbox) == 3
    clock[0] += 1
    _reset(client, "resetme@clinic.example")
    assert len(mail.outbox) == 4


def test_the_address_limit_answers_429_with_the_form_and_retry_after(
    client, account, settings, clock
):
    settings.PASSWORD_RESETS_PER_ADDRESS = 5
    for n in range(5):
        assert _reset(client, f"someone{n}@clinic.example").status_code == 302
    clock[0] += 600
    response = _reset(client, "resetme@clinic.example")
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 600)
    html = response.content.decode()
    assert "Too many reset requests have come from this connection" in html
    assert "Try again in about 50 minutes" in html
    assert 'value="resetme@clinic.example"' in html  # what was typed is kept
    assert mail.outbox == []
    # the same answer for an address with no account
    assert _reset(client, "nobody@clinic.example").status_code == 429
    # another address is not affected
    assert _reset(client, "resetme@clinic.example", addr="192.0.2.50").status_code == 302


def test_the_limit_keys_never_hold_the_address_or_the_email():
    key = throttle._key("password-reset-account", "resetme@clinic.example")
    assert "resetme" not in key and "@" not in key


def test_a_locked_out_sign_in_says_when_to_retry(client, intake_user):
    for _ in range(5):
        response = client.post(LOGIN, {"username": "intake_worker", "password": "wrong"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(30 * 60)
    assert "This account is locked" in response.content.decode()


def test_a_two_factor_code_sent_while_waiting_is_refused_with_429(db):
    user = UserFactory(username="otp_user")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    assert (
        client.post(LOGIN, {"username": "otp_user", "password": TEST_PASSWORD}).status_code == 302
    )
    first = client.post(VERIFY, {"code": "000000"})
    assert first.status_code == 200  # a wrong code: said so, no limit yet
    second = client.post(VERIFY, {"code": "000000"})  # at once: django-otp makes it wait
    assert second.status_code == 429
    assert int(second["Retry-After"]) >= 1
    assert "Too soon after a wrong code" in second.content.decode()


def test_two_attempts_at_once_are_both_counted(monkeypatch, clock):
    """Two servers counting the same address at the same moment: the second waits for
    the first's write, so a limit of one lets exactly one through."""
    both_read = threading.Barrier(2, timeout=0.5)

    class SlowToRead:
        """The cache, with each read of the stamps held until the other thread read too."""

        def __getattr__(self, name):
            return getattr(cache, name)

        def get(self, key, default=None):
            value = cache.get(key, default)
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait()  # without the lock both would read the empty list here
            return value

    monkeypatch.setattr(throttle, "cache", SlowToRead())
    answers = []

    def one() -> None:
        answers.append(throttle.attempt("test-scope", "198.51.100.9", limit=1, window=60))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(answers) == [0.0, 60.0]
