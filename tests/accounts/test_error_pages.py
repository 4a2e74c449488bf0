"""Error pages (400, 403, 404, 405, 500) in the site's look, with a way back, DEBUG off."""

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.urls("tests.accounts.error_urls")


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_404_for_a_visitor_has_the_public_look_and_a_way_home(anon_client: Client):
    response = anon_client.get("/no-such-page/")

    assert response.status_code == 404
    body = _text(response)
    assert "We could not find that page" in body
    assert "<title>Page not found · " + settings.CLINIC_NAME in body
    assert 'href="/">Go to the home page' in body
    assert 'class="crisis-bar"' in body
    assert "tel:+1" in body
    assert "Back to staff home" not in body


def test_404_for_staff_shows_the_staff_navigation(intake_client: Client):
    response = intake_client.get("/intake/no-such-page/")

    assert response.status_code == 404
    body = _text(response)
    assert 'aria-label="Staff"' in body
    assert f'href="{reverse("intake:patient-list")}"' in body
    assert "Back to staff home" in body
    assert "crisis-bar" not in body


def test_403_for_staff_shows_the_staff_navigation(intake_client: Client):
    response = intake_client.get(reverse("accounts:audit-log"))

    assert response.status_code == 403
    body = _text(response)
    assert "You cannot open this page" in body
    assert "Your role does not include this page" in body
    assert 'aria-label="Staff"' in body
    assert f'href="{reverse("accounts:home")}">Back to staff home' in body


@pytest.mark.django_db
def test_403_for_a_visitor(anon_client: Client):
    response = anon_client.get("/test-errors/denied/")

    assert response.status_code == 403
    assert "You cannot open this page" in _text(response)
    assert "Go to the home page" in _text(response)


@pytest.mark.django_db
def test_400(anon_client: Client):
    response = anon_client.get("/test-errors/bad/")

    assert response.status_code == 400
    assert "This request could not be understood" in _text(response)
    assert "Go to the home page" in _text(response)


def test_405_from_require_post_has_a_body(intake_client: Client):
    response = intake_client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    body = _text(response)
    assert "This page only answers a form" in body
    assert "Back to staff home" in body


@pytest.mark.django_db
def test_500_has_the_site_look_and_a_way_back():
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/boom/")

    assert response.status_code == 500
    body = _text(response)
    assert "Something went wrong on our side" in body
    assert f"Something went wrong · {settings.CLINIC_NAME}" in body
    assert 'href="/">Go to the home page' in body
    assert "tel:+1" in body
    assert "something broke" not in body


def test_500_template_renders_without_database_or_request_context():
    # no django_db mark: any query here would fail the test
    body = loader.get_template("500.html").render()

    assert "Something went wrong on our side" in body
    assert "/static/css/site.css" in body


def test_csrf_failure_says_the_form_expired(intake_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(intake_user)
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 403
    assert "The form had expired" in _text(response)
