"""SESSION_MAX_AGE_SECONDS is an absolute limit from sign-in: activity never moves it."""

import pytest
from django.urls import reverse

from accounts import sessions
from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
LOGIN = reverse("accounts:login")
PASSWORD = "correct horse battery 2026"


@pytest.fixture
def signed_in(client, settings):
    """A real sign-in through the page, so the sign-in time is the one the login stamps."""
    settings.SESSION_MAX_AGE_SECONDS = 3600
    settings.IDLE_TIMEOUT_SECONDS = 900
    user = UserFactory(username="maxage")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(LOGIN, {"username": "maxage", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _busy_until(client, clock, seconds: int) -> None:
    """A request every 10 minutes: never idle."""
    for _ in range(seconds // 600):
        clock.advance(600)
        assert client.get(HOME).status_code == 200


def test_the_sign_in_time_is_kept_and_never_moves(signed_in, session_clock):
    started = signed_in.session[sessions.SIGNED_IN]
    assert started == int(session_clock())
    _busy_until(signed_in, session_clock, 1800)
    assert signed_in.session[sessions.SIGNED_IN] == started
    assert signed_in.session[sessions.LAST_ACTIVITY] == int(session_clock())


def test_a_busy_session_ends_at_the_limit_after_sign_in(signed_in, session_clock):
    _busy_until(signed_in, session_clock, 3000)
    session_clock.advance(599)  # 3599 s after sign-in: still in
    assert signed_in.get(HOME).status_code == 200
    session_clock.advance(1)  # 3600 s
    response = signed_in.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/staff/"
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response.url).content.decode()
    assert "You were signed out: a session lasts at most 1 hour." in page
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).get()
    assert event.detail == "max-age"


def test_the_page_is_told_the_time_left_to_the_nearer_limit(signed_in, session_clock):
    _busy_until(signed_in, session_clock, 3000)
    request = signed_in.get(HOME).wsgi_request
    assert sessions.seconds_left(request) == 600  # the absolute limit, not 900 s idle


def test_signing_in_again_starts_a_new_limit(signed_in, session_clock, client):
    session_clock.advance(3600)
    assert signed_in.get(HOME).status_code == 302
    client.post(LOGIN, {"username": "maxage", "password": PASSWORD})
    assert client.get(HOME).status_code == 200
    assert client.session[sessions.SIGNED_IN] == int(session_clock())
