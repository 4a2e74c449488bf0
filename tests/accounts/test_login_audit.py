"""Every sign-in, sign-out and failed sign-in is written to the audit log."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
LOGIN_URL = reverse("accounts:login")


def _sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_signing_in_is_recorded_with_address_and_browser(client, intake_user):
    response = _sign_in(
        client, "intake_worker", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Tests/1"
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor == intake_user
    assert event.actor_username == "intake_worker"
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "Tests/1"


def test_signing_out_is_recorded(client, intake_user):
    _sign_in(client, "intake_worker")
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN_URL
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert event.actor == intake_user
    assert event.detail == ""
    assert "You are signed out." in client.get(LOGIN_URL).content.decode()


def test_sign_out_refuses_get(intake_client):
    assert intake_client.get(reverse("accounts:logout")).status_code == 405
    assert not AuditEvent.objects.filter(action=Action.LOGOUT).exists()


def test_a_failed_sign_in_keeps_the_username_as_typed_and_never_the_password(client, intake_user):
    response = _sign_in(client, "Intake_Worker", password="wrong-password-123")

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == "Intake_Worker"
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list().get())
    assert "wrong-password-123" not in stored


def test_a_failed_sign_in_for_an_unknown_username_is_recorded(client):
    _sign_in(client, "nobody-here", password="guess")
    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).actor_username == "nobody-here"


def test_the_login_page_shows_no_audit_entry_for_just_looking(client):
    assert client.get(LOGIN_URL).status_code == 200
    assert not AuditEvent.objects.exists()
