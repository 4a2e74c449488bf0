"""Two-factor sign-in with an authenticator app: required for clinical directors,
available to everyone, enforced on every staff page once a device exists."""

from binascii import unhexlify

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEvent
from accounts.roles import DIRECTOR
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
HOME = reverse("accounts:home")
SETUP = reverse("accounts:two-factor-setup")
VERIFY = reverse("accounts:two-factor-verify")
OVERVIEW = reverse("accounts:two-factor")


def _sign_in(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response
    return client


@pytest.fixture
def new_director(db):
    user = UserFactory(username="new_director")
    user.groups.add(Group.objects.get(name=DIRECTOR))
    return user


def _code_for(key: str) -> str:
    return f"{TOTP(unhexlify(key)).token():06d}"


def _set_up(client: Client, user) -> tuple[str, object]:
    page = client.get(SETUP)
    token = page.context["form"]["token"].value()
    key = two_factor.key_from_setup_token(user=user, token=token)
    response = client.post(SETUP, {"code": _code_for(key), "token": token})
    return key, response


def test_a_director_without_an_authenticator_must_set_one_up_first(new_director):
    client = _sign_in("new_director")
    for url in (HOME, reverse("accounts:audit-log"), reverse("accounts:lockout-list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{SETUP}?next={url.replace('/', '%2F')}"


def test_the_public_site_needs_no_second_factor(new_director):
    client = _sign_in("new_director")
    assert client.get(reverse("programs:home")).status_code == 200


def test_the_setup_page_shows_an_inline_qr_code_and_the_key(new_director):
    client = _sign_in("new_director")
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "QR code for your authenticator app" in html
    assert "<img" not in html and "data:" not in html
    secret = response.context["secret"]
    assert len(secret.replace(" ", "")) == 32
    assert secret in html
    assert "required before you continue" in html
    assert not TOTPDevice.objects.exists()  # nothing stored until confirmed


def test_setting_up_with_the_right_code_turns_it_on(new_director):
    client = _sign_in("new_director")
    key, response = _set_up(client, new_director)

    assert response.status_code == 302
    assert response.url.startswith(OVERVIEW)
    device = TOTPDevice.objects.get(user=new_director)
    assert device.confirmed and device.key == key
    assert StaticToken.objects.filter(device__user=new_director).count() == 10
    assert client.get(HOME).status_code == 200  # verified in this session
    event = AuditEvent.objects.get(action=Action.CHANGE)
    assert (event.actor, event.detail) == (new_director, "two-factor sign-in set up")
    overview = client.get(OVERVIEW).content.decode()
    assert "Backup codes" in overview
    assert StaticToken.objects.filter(device__user=new_director).first().token in overview


def test_a_wrong_code_keeps_the_same_key_and_stores_nothing(new_director):
    client = _sign_in("new_director")
    page = client.get(SETUP)
    token, secret = page.context["form"]["token"].value(), page.context["secret"]
    response = client.post(SETUP, {"code": "000000", "token": token})
    assert response.status_code == 400
    assert "That code did not match" in response.content.decode()
    assert response.context["secret"] == secret  # the app the user set up still matches
    empty = client.post(SETUP, {"code": "", "token": token})
    assert empty.status_code == 400
    assert empty.context["secret"] == secret
    assert not TOTPDevice.objects.exists()
    assert client.get(HOME).status_code == 302


def test_a_forged_setup_token_is_refused(new_director):
    client = _sign_in("new_director")
    response = client.post(SETUP, {"code": "123456", "token": "forged"}, follow=True)
    assert "That set-up page expired" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_someone_elses_setup_token_is_refused(new_director, intake_user):
    token = two_factor.new_setup_token(user=intake_user)[1]
    assert two_factor.key_from_setup_token(user=new_director, token=token) is None


def test_the_next_sign_in_asks_for_a_code(new_director):
    key, _ = _set_up(_sign_in("new_director"), new_director)
    TOTPDevice.objects.filter(user=new_director).update(last_t=-1)  # allow reusing the code

    client = _sign_in("new_director")
    response = client.get(reverse("accounts:audit-log"))
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fstaff%2Faudit%2F"

    wrong = client.post(VERIFY, {"code": "000000", "next": "/staff/audit/"})
    assert wrong.status_code == 200
    assert "That code was not accepted" in wrong.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, detail="two-factor code rejected"
    ).exists()

    device = TOTPDevice.objects.get(user=new_director)
    device.throttle_reset()  # one wrong code makes the next try wait a second
    right = client.post(VERIFY, {"code": _code_for(key), "next": "/staff/audit/"})
    assert right.status_code == 302
    assert right.url == "/staff/audit/"
    assert client.get("/staff/audit/").status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.LOGIN, detail="password and second factor"
    ).exists()


def test_a_backup_code_works_once(new_director):
    _set_up(_sign_in("new_director"), new_director)
    code = StaticToken.objects.filter(device__user=new_director).first().token

    first = _sign_in("new_director")
    assert first.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert first.get(HOME).status_code == 200

    second = _sign_in("new_director")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert second.get(HOME).status_code == 302


def test_verify_refuses_an_outside_next_url(new_director):
    _set_up(_sign_in("new_director"), new_director)
    code = StaticToken.objects.filter(device__user=new_director).first().token
    client = _sign_in("new_director")
    response = client.post(VERIFY, {"code": code, "next": "https://evil.example/"})
    assert response.url == HOME


def test_knowing_the_password_is_not_enough_to_replace_the_authenticator(new_director):
    key, _ = _set_up(_sign_in("new_director"), new_director)
    attacker = _sign_in("new_director")
    response = attacker.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.get(user=new_director).key == key


def test_two_factor_is_optional_for_other_roles(intake_client):
    assert intake_client.get(HOME).status_code == 200
    overview = intake_client.get(OVERVIEW)
    assert "Set up two-factor sign-in" in overview.content.decode()
    assert not overview.context["required"]


def test_other_roles_can_turn_it_on_and_then_must_use_it(intake_user):
    _set_up(_sign_in("intake_worker"), intake_user)
    client = _sign_in("intake_worker")
    assert client.get(HOME).url.startswith(VERIFY)


def test_other_roles_can_turn_it_off(intake_user):
    client = _sign_in("intake_worker")
    _set_up(client, intake_user)
    response = client.post(reverse("accounts:two-factor-disable"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=intake_user).exists()
    assert client.get(HOME).status_code == 200
    assert _sign_in("intake_worker").get(HOME).status_code == 200
    assert AuditEvent.objects.filter(detail="two-factor sign-in turned off").exists()


def test_a_director_cannot_turn_it_off(director_client, director):
    assert director_client.post(reverse("accounts:two-factor-disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=director).exists()
    assert "cannot be turned off" in director_client.get(OVERVIEW).content.decode()


def test_new_backup_codes_replace_the_old_ones(new_director):
    client = _sign_in("new_director")
    _set_up(client, new_director)
    old = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post(reverse("accounts:two-factor-backup-codes"))
    assert response.status_code == 302
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not old & new


def test_backup_codes_need_an_authenticator(intake_client):
    assert intake_client.post(reverse("accounts:two-factor-backup-codes")).status_code == 403


def test_the_director_fixture_is_already_verified(director_client):
    assert director_client.get(reverse("accounts:audit-log")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    for url in (OVERVIEW, SETUP, VERIFY):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
