"""The public catalog pages' fast path (programs/pagecache.py): an anonymous visitor gets
the copy this process rendered at the current catalog version, with every header the
full middleware stack adds, and nobody with something of their own gets it."""

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from programs.catalog import STATE_KEY
from programs.models import Program
from tests.factories import program
from tests.programs.test_http_caching import PAGES

pytestmark = pytest.mark.django_db

FAST_PATH = "programs.pagecache.PublicPageCacheMiddleware"
FULL_STACK = [m for m in settings.MIDDLEWARE if m != FAST_PATH]
# production's HTTPS headers (off with DEBUG on, as in tests)
PRODUCTION_HEADERS = {"SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True}
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
)


def _no_render(*args, **kwargs):
    raise AssertionError("the view rendered the page: the fast path was not taken")


def _answers(url: str, **headers: str) -> tuple[dict[str, str], dict[str, str], bytes, bytes]:
    """The headers and body of the full stack's answer and of the fast path's (a copy
    warmed by a first visitor), to the same request."""
    with override_settings(MIDDLEWARE=FULL_STACK, **PRODUCTION_HEADERS):
        full = Client().get(url, secure=True, headers=headers)
    with override_settings(**PRODUCTION_HEADERS):
        Client().get(url, secure=True)
        fast = Client().get(url, secure=True, headers=headers)
    return dict(full.headers), dict(fast.headers), full.content, fast.content


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_the_copy_has_every_header_and_byte_of_the_full_path(name, args):
    full, fast, full_body, fast_body = _answers(reverse(name, args=args))
    assert fast == full
    assert fast_body == full_body
    for header in SECURITY_HEADERS:
        assert header in fast, header
    assert "nonce-" not in fast["Content-Security-Policy"]


def test_the_304_has_every_header_of_the_full_paths_304():
    url = reverse("programs:home")
    etag = Client().get(url)["ETag"]
    full, fast, full_body, fast_body = _answers(url, if_none_match=etag)
    assert fast == full
    assert fast_body == full_body == b""
    assert "Strict-Transport-Security" in fast and "X-Frame-Options" in fast
    since = Client().get(url, headers={"if-modified-since": fast["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_a_second_visitor_gets_the_copy_without_the_view(monkeypatch, name, args):
    url = reverse(name, args=args)
    first = Client().get(url)
    monkeypatch.setattr("programs.views.render", _no_render)
    second = Client().get(url)
    assert second.status_code == 200
    assert second.content == first.content


def test_the_copy_costs_the_version_query_only(django_assert_num_queries):
    url = program("IOP").get_absolute_url()
    Client().get(url)
    with django_assert_num_queries(1):
        assert Client().get(url).status_code == 200


def test_an_edit_in_the_database_misses_the_copy(monkeypatch):
    """Another server's admin edit reaches this process's copies through the version."""
    url = program("PHP").get_absolute_url()
    Client().get(url)
    Program.objects.filter(code="PHP").update(name="Day Program", updated_at=timezone.now())
    response = Client().get(url)
    assert "Day Program" in response.content.decode()


def test_a_signed_in_user_takes_the_full_path(intake_client):
    url = reverse("programs:home")
    Client().get(url)
    response = intake_client.get(url)
    assert response["Cache-Control"] == "no-store, private"


def test_a_visitor_with_a_message_waiting_sees_it():
    url = reverse("programs:home")
    Client().get(url)
    storage = CookieStorage(HttpRequest())
    client = Client()
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.INFO, "You were signed out after 15 minutes.")]
    )
    response = client.get(url)
    assert "You were signed out after 15 minutes." in response.content.decode()


def test_a_post_is_not_answered_with_the_copy():
    url = reverse("programs:home")
    Client().get(url)
    response = Client(enforce_csrf_checks=True).post(url, {})
    assert response.status_code == 403
    assert "public" not in response.get("Cache-Control", "")


def test_a_host_not_allowed_is_refused_even_with_a_copy():
    url = reverse("programs:home")
    Client().get(url)
    assert Client().get(url, headers={"host": "evil.example"}).status_code == 400


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_still_redirected_to_https():
    url = reverse("programs:home")
    Client().get(url, secure=True)
    response = Client().get(url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


# --- the catalog version kept in the shared cache (CATALOG_VERSION_CACHE) ---------------

in_cache = override_settings(CATALOG_VERSION_CACHE=True)


@in_cache
def test_with_the_version_in_the_cache_a_copy_costs_no_query(django_assert_num_queries):
    url = program("IOP").get_absolute_url()
    Client().get(url)
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response.status_code == 200 and "public" in response["Cache-Control"]


@in_cache
def test_with_the_version_in_the_cache_an_admin_edit_shows_at_once(
    django_capture_on_commit_callbacks,
):
    url = program("PHP").get_absolute_url()
    first = Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        level = program("PHP")
        level.name = "Day Program"
        level.save()
        # read before the edit commits: the old state, which must not stay
        assert "Day Program" not in Client().get(url).content.decode()
    after = Client().get(url, headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert "Day Program" in after.content.decode()


@in_cache
def test_with_the_version_in_the_cache_a_removed_link_or_service_shows_at_once(
    django_capture_on_commit_callbacks,
):
    compare = reverse("programs:compare")
    first, second = program("IOP").services.all()[:2]
    assert first.name in Client().get(compare).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        for level in Program.objects.filter(services=first):
            level.services.remove(first)
    assert first.name not in Client().get(compare).content.decode()
    assert second.name in Client().get(compare).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert second.name not in Client().get(compare).content.decode()


@in_cache
def test_with_the_version_in_the_cache_an_edit_without_signals_shows_once_it_expires():
    url = program("PHP").get_absolute_url()
    Client().get(url)
    Program.objects.filter(code="PHP").update(name="Day Program", updated_at=timezone.now())
    assert "Day Program" not in Client().get(url).content.decode()
    cache.delete(STATE_KEY)  # what VERSION_TIMEOUT does
    assert "Day Program" in Client().get(url).content.decode()
