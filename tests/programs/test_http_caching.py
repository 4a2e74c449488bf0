"""The public catalog pages are the same for every visitor and HTTP-cacheable."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from programs.models import Program, Service
from tests.factories import program

pytestmark = pytest.mark.django_db

PAGES = [
    ("programs:home", []),
    ("programs:program-list", []),
    ("programs:program-detail", ["intensive-outpatient"]),
    ("programs:compare", []),
    ("programs:faq", []),
    ("programs:what-to-expect", []),
]


def _url(name: str, args: list[str]) -> str:
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_no_cookie_and_no_csrf_token(name, args):
    client = Client(enforce_csrf_checks=True)
    response = client.get(_url(name, args))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_two_visitors_get_the_same_bytes(name, args):
    first = Client().get(_url(name, args))
    second = Client().get(_url(name, args))
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_caching_headers(anon_client, name, args):
    response = anon_client.get(_url(name, args))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60", "s-maxage=300"}
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 18
    latest = max(
        Program.objects.latest("updated_at").updated_at,
        Service.objects.latest("updated_at").updated_at,
    )
    assert response["Last-Modified"] == http_date(int(latest.timestamp()))


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_a_matching_conditional_request_gets_304(anon_client, name, args):
    url = _url(name, args)
    first = anon_client.get(url)
    again = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "public" in again["Cache-Control"]
    since = anon_client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_the_304_costs_one_query(anon_client, django_assert_num_queries):
    url = _url("programs:home", [])
    etag = anon_client.get(url)["ETag"]
    with django_assert_num_queries(1):
        assert anon_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_admin_edit_changes_the_etag_and_shows_at_once(anon_client):
    url = program("PHP").get_absolute_url()
    first = anon_client.get(url)
    level = program("PHP")
    level.name = "Day Program"
    level.save()
    after = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert "Day Program" in after.content.decode()


def test_a_service_edit_changes_the_etag(anon_client):
    url = _url("programs:compare", [])
    first = anon_client.get(url)["ETag"]
    service = program("IOP").services.first()
    service.name = "Renamed service"
    service.save()
    response = anon_client.get(url, HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200 and "Renamed service" in response.content.decode()


def test_a_signed_in_user_gets_no_store_and_no_304(intake_client):
    url = _url("programs:home", [])
    etag = Client().get(url)["ETag"]
    response = intake_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_an_unknown_program_is_not_cached_publicly(anon_client):
    response = anon_client.get(reverse("programs:program-detail", args=["no-such-level"]))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
