"""A database outage answers the styled 503 page (accounts/outage.py), never a 500:
with DEBUG off (the 500 handler) and on (the middleware), on public and staff pages,
logged on django.request with its traceback, and nothing half-saved."""

import logging

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.urls import reverse

from accounts.outage import RETRY_AFTER_SECONDS, unavailable_response
from intake.models import Patient
from iop.logfilters import DatabaseOutageFilter
from tests.intake.test_patients import VALID
from tests.servers import free_port, redis_caches

DOWN = 'connection to server on socket "/tmp/.s.PGSQL.5432" failed: No such file'


def _down(*args, **kwargs):
    raise OperationalError(DOWN)


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def _assert_the_outage_page(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "We&#x27;ll be back shortly" in body or "We'll be back shortly" in body
    assert 'href="tel:988"' in body
    assert "1-800-662-4357" in body
    assert settings.CLINIC_PHONE in body
    assert "Traceback" not in body and "OperationalError" not in body
    return body


def test_the_page_renders_without_the_database():
    # no django_db mark: any query here would fail the test
    body = _assert_the_outage_page(unavailable_response())
    assert 'class="crisis-bar"' in body
    assert "/static/css/site.css" in body


@pytest.mark.django_db
def test_a_public_page_answers_503_when_the_database_is_down(debug, anon_client, monkeypatch):
    monkeypatch.setattr("programs.http.catalog_state", _down)
    anon_client.raise_request_exception = False

    _assert_the_outage_page(anon_client.get(reverse("programs:home")))


@pytest.mark.django_db
def test_a_staff_page_answers_503_when_the_database_is_down(debug, intake_client, monkeypatch):
    monkeypatch.setattr("accounts.home.panels_for", _down)
    intake_client.raise_request_exception = False

    _assert_the_outage_page(intake_client.get(reverse("accounts:home")))


@pytest.fixture
def failing_catalog(anon_client, monkeypatch, settings):
    """`failing_catalog(exc)`: the public pages' first query raises `exc`, DEBUG off."""
    settings.DEBUG = False
    anon_client.raise_request_exception = False

    def install(exc: Exception):
        def fail(*args, **kwargs):
            raise exc

        monkeypatch.setattr("programs.http.catalog_state", fail)
        return anon_client

    return install


@pytest.mark.django_db
def test_a_lost_connection_counts_too(failing_catalog):
    client = failing_catalog(InterfaceError("connection already closed"))

    _assert_the_outage_page(client.get(reverse("programs:faq")))


@pytest.mark.django_db
def test_the_failure_is_logged_on_django_request_with_its_traceback(
    anon_client, monkeypatch, settings, caplog
):
    settings.DEBUG = False
    # earlier tests' failures must not count as the same outage (the filter keeps a window)
    for found in logging.getLogger("django.request").filters:
        if isinstance(found, DatabaseOutageFilter):
            monkeypatch.setattr(found, "_window_start", None)
    monkeypatch.setattr("programs.http.catalog_state", _down)
    anon_client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        anon_client.get(reverse("programs:home"))

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and record.exc_info[0] is OperationalError
    assert record.status_code == 503


@pytest.mark.django_db
def test_other_errors_keep_the_500_page(failing_catalog):
    client = failing_catalog(ValueError("a bug, not an outage"))

    response = client.get(reverse("programs:home"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_a_change_cut_off_by_the_outage_saves_nothing(intake_client, monkeypatch, debug):
    # the database goes away after the patient row is written, before its audit event
    monkeypatch.setattr("intake.services.patients._record", _down)
    intake_client.raise_request_exception = False

    response = intake_client.post(reverse("intake:create-patient"), VALID)

    _assert_the_outage_page(response)
    assert not Patient.objects.exists()


@pytest.fixture
def cache_down(settings):
    """The shared cache (CACHE_URL) points at a loopback port nothing listens on."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHE_URL = url
    settings.CACHES = redis_caches(url)


@pytest.mark.django_db
def test_a_public_page_answers_503_when_the_shared_cache_is_down(debug, anon_client, cache_down):
    anon_client.raise_request_exception = False

    _assert_the_outage_page(anon_client.get(reverse("programs:home")))


@pytest.mark.django_db
def test_a_staff_page_that_needs_the_shared_cache_answers_503_when_it_is_down(
    debug, counselor_client, cache_down, settings
):
    settings.SCHEDULE_CACHE = True  # the week grid is kept in the cache
    counselor_client.raise_request_exception = False

    _assert_the_outage_page(counselor_client.get(reverse("scheduling:week")))


@pytest.mark.django_db
def test_a_staff_page_that_does_not_need_the_cache_still_answers(intake_client, cache_down):
    response = intake_client.get(reverse("intake:patient-list"))

    assert response.status_code == 200
    assert "Patients" in response.content.decode()
