"""/healthz: what a load balancer probes. No login, no session, no audit, one query."""

from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client

from accounts.models import AuditEvent
from tests.servers import RedisServer, free_port, redis_caches

pytestmark = pytest.mark.django_db


def test_it_answers_ok_without_login(anon_client: Client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = anon_client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_it_sets_no_cookie_and_stores_no_session_or_audit(anon_client: Client):
    response = anon_client.get("/healthz")

    assert response.cookies == {}
    assert not Session.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_answers_the_same_to_staff(counselor_client: Client):
    response = counselor_client.get("/healthz")

    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


def test_it_reports_503_when_the_database_fails(anon_client: Client, caplog):
    broken = mock.Mock(side_effect=OperationalError("could not connect to postgres://secret@db"))
    with mock.patch("iop.health.connection.cursor", broken):
        response = anon_client.get("/healthz")

    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert "OperationalError" in caplog.text
    assert "secret" not in caplog.text


def test_it_refuses_post(anon_client: Client):
    response = anon_client.post("/healthz")

    assert response.status_code == 405


# --- the shared cache (CACHE_URL) ---------------------------------------------------------


def _redis_cache(settings, url: str) -> None:
    settings.CACHE_URL = url
    settings.CACHES = redis_caches(url)


def test_it_reports_503_when_the_shared_cache_is_down(anon_client: Client, settings, caplog):
    _redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    response = anon_client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"cache unavailable\n"
    assert "healthz: cache check failed (ConnectionError)" in caplog.text


def test_it_answers_ok_with_the_shared_cache_up(anon_client: Client, settings, tmp_path):
    redis = RedisServer(tmp_path)
    try:
        _redis_cache(settings, redis.url)

        response = anon_client.get("/healthz")
    finally:
        redis.stop()

    assert response.status_code == 200
    assert response.content == b"ok"
