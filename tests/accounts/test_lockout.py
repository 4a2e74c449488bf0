"""Five wrong passwords lock a username (django-axes); the login page says to ask the
clinical director, who sees locked accounts and unlocks them (audited)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
LOGIN_URL = reverse("accounts:login")
LOCKOUTS_URL = reverse("accounts:lockout-list")
UNLOCK_URL = reverse("accounts:unlock-account")


def _fail(client, username="intake_worker", times=1):
    for _ in range(times):
        response = client.post(LOGIN_URL, {"username": username, "password": "not-the-password"})
    return response


def _sign_in(client, username="intake_worker"):
    return client.post(LOGIN_URL, {"username": username, "password": TEST_PASSWORD})


def test_four_failures_do_not_lock(client, intake_user):
    _fail(client, times=4)
    response = _sign_in(client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_the_fifth_failure_locks_and_says_to_ask_the_director(client, intake_user):
    _fail(client, times=4)
    response = _fail(client)

    assert response.status_code == 429
    html = response.content.decode()
    assert "This account is locked" in html
    assert "Ask the clinical director to unlock it" in html
    assert "try again in 30 minutes" in html
    assert 'name="username"' in html  # the form is still there for another account
    locked = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, detail="account locked")
    assert locked.count() == 1


def test_the_right_password_is_refused_while_locked(client, intake_user):
    _fail(client, times=5)
    response = _sign_in(client)

    assert response.status_code == 429
    assert "This account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_the_lock_is_per_username_so_colleagues_can_still_sign_in(client, intake_user, counselor):
    _fail(client, times=5)
    response = _sign_in(client, "counselor_one")
    assert response.status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, intake_user):
    _fail(client, times=4)
    _sign_in(client)
    client.post(reverse("accounts:logout"))
    _fail(client, times=4)
    assert _sign_in(client).status_code == 302


def test_the_director_sees_locked_accounts(client, director_client, intake_user):
    _fail(client, times=5)
    _fail(client, username="ghost-user", times=2)

    response = director_client.get(LOCKOUTS_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "intake_worker" in html
    assert "ghost-user" not in html  # two failures: not locked
    assert [lock.username for lock in response.context["locked"]] == ["intake_worker"]


def test_the_director_unlocks_an_account(client, director_client, director, intake_user):
    _fail(client, times=5)

    response = director_client.post(UNLOCK_URL, {"username": "intake_worker"})

    assert response.status_code == 302
    assert response.url == LOCKOUTS_URL
    assert not AccessAttempt.objects.filter(username="intake_worker").exists()
    event = AuditEvent.objects.get(action=Action.CHANGE)
    assert event.actor == director
    assert event.object_type == "auth.User"
    assert event.object_id == str(intake_user.pk)
    assert event.detail == "unlocked sign-in for intake_worker"
    assert "intake_worker can sign in again." in director_client.get(LOCKOUTS_URL).content.decode()
    assert _sign_in(client).status_code == 302


def test_unlocking_a_username_that_is_not_locked_changes_nothing(director_client):
    response = director_client.post(UNLOCK_URL, {"username": "someone"}, follow=True)
    assert "someone was not locked." in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()


def test_unlock_is_post_only(director_client):
    assert director_client.get(UNLOCK_URL).status_code == 405


@pytest.mark.parametrize("who", ["intake_client", "counselor_client"])
def test_only_the_director_sees_or_unlocks(request, client, intake_user, who):
    _fail(client, times=5)
    staff = request.getfixturevalue(who)
    assert staff.get(LOCKOUTS_URL).status_code == 403
    assert staff.post(UNLOCK_URL, {"username": "intake_worker"}).status_code == 403
    assert AccessAttempt.objects.filter(username="intake_worker").exists()


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    response = anon_client.get(LOCKOUTS_URL)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert anon_client.post(UNLOCK_URL, {"username": "x"}).url.startswith(LOGIN_URL)


def test_the_lockout_page_queries_are_fixed(client, director_client, django_assert_max_num_queries):
    for name in ("a-user", "b-user", "c-user"):
        _fail(client, username=name, times=5)
    with django_assert_max_num_queries(6):
        response = director_client.get(LOCKOUTS_URL)
    assert len(response.context["locked"]) == 3
