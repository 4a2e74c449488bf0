"""Staff sessions end after IDLE_TIMEOUT_SECONDS without a request (server side); the
page gets what static/js/idle.js needs; the keep-alive and the idle sign-out."""

import pytest
from django.urls import reverse

from accounts import sessions
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
HOME = reverse("accounts:home")
LOGIN = reverse("accounts:login")


def _idle_for(client, seconds):
    """The last recorded request was `seconds` ago by the idle rule's clock (pinned for
    the test by tests/conftest.py session_clock)."""
    session = client.session
    session[sessions.LAST_ACTIVITY] = int(sessions.clock()) - seconds
    session.save()


def test_a_request_within_the_limit_keeps_the_session(intake_client):
    _idle_for(intake_client, 14 * 60)
    response = intake_client.get(HOME)
    assert response.status_code == 200
    assert intake_client.session[sessions.LAST_ACTIVITY] == int(sessions.clock())


def test_fifteen_minutes_idle_signs_out(intake_client, intake_user):
    _idle_for(intake_client, 15 * 60 + 1)

    response = intake_client.get(HOME)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/staff/"
    assert "_auth_user_id" not in intake_client.session
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert (event.actor, event.detail) == (intake_user, "idle")
    page = intake_client.get(response.url).content.decode()
    assert "You were signed out after 15 minutes without activity." in page


def test_an_expired_session_refuses_a_late_post_without_keeping_anything(intake_client):
    _idle_for(intake_client, 3600)
    response = intake_client.post(reverse("accounts:keep-alive"))
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/staff/keep-alive/"


def test_background_requests_of_an_expired_session_get_401(intake_client):
    _idle_for(intake_client, 3600)
    response = intake_client.post(reverse("accounts:keep-alive"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 401


def test_the_activity_stamp_is_written_at_most_once_a_minute(intake_client):
    _idle_for(intake_client, 30)
    stamp = intake_client.session[sessions.LAST_ACTIVITY]
    intake_client.get(HOME)
    assert intake_client.session[sessions.LAST_ACTIVITY] == stamp
    _idle_for(intake_client, 61)
    intake_client.get(HOME)
    assert intake_client.session[sessions.LAST_ACTIVITY] > stamp


def test_the_stamp_is_rewritten_once_it_is_a_minute_old(intake_client, session_clock):
    _idle_for(intake_client, 0)
    stamp = intake_client.session[sessions.LAST_ACTIVITY]
    session_clock.advance(59)
    intake_client.get(HOME)
    assert intake_client.session[sessions.LAST_ACTIVITY] == stamp
    session_clock.advance(1)
    intake_client.get(HOME)
    assert intake_client.session[sessions.LAST_ACTIVITY] == stamp + 60


def test_the_public_site_gets_no_session(anon_client):
    response = anon_client.get(reverse("programs:home"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "idle.js" not in response.content.decode()


def test_staff_pages_load_the_idle_script_with_its_settings(intake_client, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    settings.IDLE_WARNING_SECONDS = 780
    _idle_for(intake_client, 0)
    html = intake_client.get(HOME).content.decode()
    assert 'src="/static/js/idle.js" defer' in html
    assert 'data-idle-timeout="900"' in html
    assert 'data-idle-warning="780"' in html
    assert 'data-idle-keepalive="/staff/keep-alive/"' in html
    assert 'data-idle-logout="/staff/logout/"' in html
    assert 'id="idle-dialog"' in html
    assert "Stay signed in" in html


def test_the_page_is_told_the_seconds_actually_left(intake_client):
    _idle_for(intake_client, 40)  # recorded 40 s ago, not rewritten (under a minute)
    response = intake_client.get(HOME)
    left = response.context["idle"]["seconds_left"]
    assert 855 <= left <= 860


def test_the_sign_in_page_has_no_idle_timer(anon_client):
    assert "idle.js" not in anon_client.get(LOGIN).content.decode()


def test_keep_alive_restarts_the_clock(intake_client):
    _idle_for(intake_client, 10)
    response = intake_client.post(reverse("accounts:keep-alive"))
    assert response.status_code == 200
    assert 899 <= response.json()["seconds_left"] <= 900
    assert intake_client.session[sessions.LAST_ACTIVITY] == int(sessions.clock())


def test_keep_alive_is_post_only_and_for_signed_in_staff(intake_client, anon_client):
    assert intake_client.get(reverse("accounts:keep-alive")).status_code == 405
    response = anon_client.post(reverse("accounts:keep-alive"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_idle_sign_out_says_how_many_drafts_were_kept(intake_client, intake_user):
    response = intake_client.post(
        reverse("accounts:logout"), {"reason": "idle", "drafts": "2", "failed": "0"}, follow=True
    )
    html = response.content.decode()
    assert "You were signed out after 15 minutes without activity." in html
    assert "2 unsaved forms were kept as a draft." in html
    assert AuditEvent.objects.get(action=Action.LOGOUT).detail == "idle"


def test_the_sign_out_reports_a_draft_that_could_not_be_saved(intake_client):
    response = intake_client.post(
        reverse("accounts:logout"), {"reason": "idle", "drafts": "0", "failed": "1"}, follow=True
    )
    assert "1 form could not be saved." in response.content.decode()


def test_nonsense_draft_counts_are_ignored(intake_client):
    response = intake_client.post(
        reverse("accounts:logout"), {"drafts": "lots", "failed": "-3"}, follow=True
    )
    html = response.content.decode()
    assert "You are signed out." in html
    assert "draft" not in html
    assert AuditEvent.objects.get(action=Action.LOGOUT).detail == ""


def test_sessions_end_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
