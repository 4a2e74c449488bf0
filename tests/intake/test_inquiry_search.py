"""Searching the call requests: the words go in a POST body and the session, never in a
URL, and the results survive Back and reload (a GET addressed by an opaque key)."""

import re

import pytest

from accounts.models import AuditEvent
from tests.factories import InquiryFactory
from tests.intake.conftest import words

pytestmark = pytest.mark.django_db

LIST = "/intake/inquiries/"


def found(client, q, status="open") -> list[str]:
    response = client.post(f"{LIST}?status={status}", {"q": q}, follow=True)
    assert response.status_code == 200
    return [i.name for i in response.context["page"].object_list]


@pytest.fixture
def requests_():
    InquiryFactory(name="Amara Okafor", email="amara@example.com", phone="(213) 555-0142")
    InquiryFactory(name="Wes Lindqvist", email="wes@example.com", phone="(323) 555-0113")


@pytest.mark.parametrize("term", ["Okafor", "amara@example", "2135550142", "555-0142"])
def test_search_finds_by_name_email_or_phone(intake_client, requests_, term):
    assert found(intake_client, term) == ["Amara Okafor"]


def test_results_survive_the_back_button(intake_client, requests_):
    response = intake_client.post(f"{LIST}?status=open", {"q": "Okafor"})
    assert response.status_code == 302
    assert "okafor" not in response.url.lower()
    assert re.fullmatch(r"/intake/inquiries/\?status=open&r=[\w-]+&page=1", response.url)
    again = intake_client.get(response.url)  # Back, or reload: a plain GET
    assert [i.name for i in again.context["page"].object_list] == ["Amara Okafor"]
    assert "1 result for “Okafor”." in words(again)
    assert 'value="Okafor"' in again.content.decode()  # the box still holds the words


def test_the_search_keeps_the_status_filter(intake_client):
    InquiryFactory(name="Amara Okafor", status="closed", closed_reason="duplicate")
    InquiryFactory(name="Amara Okafor-Lee")
    assert found(intake_client, "Okafor", status="closed") == ["Amara Okafor"]
    assert found(intake_client, "Okafor", status="open") == ["Amara Okafor-Lee"]


def test_results_page_by_the_key_and_no_url_holds_the_words(intake_client):
    for n in range(30):
        InquiryFactory(name=f"Garcia Number{n:02d}")
    response = intake_client.post(LIST, {"q": "garcia"}, follow=True)
    assert response.context["page"].paginator.count == 30
    key = response.context["search_key"]
    html = response.content.decode()
    assert f"r={key}&amp;page=2" in html
    second = intake_client.get(LIST, {"status": "open", "r": key, "page": "2"})
    assert len(second.context["page"].object_list) == 5
    urls = [url for url, _ in response.redirect_chain] + re.findall(
        r'(?:href|action)="([^"]*)"', html
    )
    assert urls and not any("garcia" in url.lower() for url in urls)


def test_an_empty_search_goes_back_to_the_whole_queue(intake_client, requests_):
    response = intake_client.post(f"{LIST}?status=all", {"q": "  "})
    assert response.status_code == 302 and response.url == f"{LIST}?status=all"


def test_a_forged_or_expired_key_finds_nothing_and_says_so(intake_client, requests_):
    response = intake_client.get(LIST, {"r": "not-a-key"})
    assert "That search is no longer kept; search again." in words(response)
    assert response.context["query"] == ""


def test_another_staff_members_key_finds_nothing(intake_client, director_client, requests_):
    key = intake_client.post(LIST, {"q": "Okafor"}).url.split("r=")[1].split("&")[0]
    response = director_client.get(LIST, {"r": key})
    assert response.context["query"] == "" and response.context["expired"]


def test_a_too_long_search_is_refused_beside_the_box(intake_client, requests_):
    response = intake_client.post(LIST, {"q": "x" * 101})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert response.context["search"].errors["q"]


def test_the_search_words_are_never_logged(intake_client, requests_):
    intake_client.post(LIST, {"q": "Okafor"}, follow=True)
    assert not any(
        "Okafor" in (event.detail + event.object_repr) for event in AuditEvent.objects.all()
    )
