"""Request a confidential call: bad input refused with a message and nothing stored."""

import logging
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from intake.models import Inquiry
from intake.public_forms import (
    CONTACT_REQUIRED,
    EMAIL_INVALID,
    PHONE_INVALID,
    hash_source,
    normalize_us_phone,
)
from tests.factories import InquiryFactory, program

pytestmark = pytest.mark.django_db

URL = reverse("public_intake:request-call")
GOOD = {
    "name": "Jordan Reyes",
    "phone": "213.555.0147",
    "email": "jordan@example.com",
    "best_time": "evening",
    "for_whom": "other",
    "caller_relation": "Sister",
    "patient_first_name": "Luis",
    "program": "intensive-outpatient",
    "message": "Asking for my brother. Evenings are best.",
    "consent": "on",
    "website": "",
}


def _post(client, remote_addr="203.0.113.7", **changes):
    data = {**GOOD, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(URL, data, REMOTE_ADDR=remote_addr)


def test_good_input_stores_exactly_one_new_inquiry(anon_client):
    response = _post(anon_client)
    assert response.status_code == 302
    assert response["Location"] == reverse("public_intake:request-call-thanks")
    inquiry = Inquiry.objects.get()
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.name == "Jordan Reyes"
    assert inquiry.phone == "(213) 555-0147"
    assert inquiry.email == "jordan@example.com"
    assert inquiry.best_time == Inquiry.BestTime.EVENING
    assert inquiry.for_whom == Inquiry.ForWhom.OTHER
    assert (inquiry.caller_relation, inquiry.patient_first_name) == ("Sister", "Luis")
    assert inquiry.program == program("IOP")
    assert inquiry.message == "Asking for my brother. Evenings are best."
    assert inquiry.consent_to_contact is True
    assert inquiry.source_hash == hash_source("203.0.113.7")
    assert "203.0.113.7" not in inquiry.source_hash


def test_phone_alone_or_email_alone_is_enough(anon_client):
    assert _post(anon_client, email=None).status_code == 302
    assert _post(anon_client, phone="", program="").status_code == 302
    phone_only, email_only = Inquiry.objects.order_by("created_at")
    assert phone_only.email == "" and phone_only.phone == "(213) 555-0147"
    assert email_only.phone == "" and email_only.program is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "", "email": ""}, "phone", CONTACT_REQUIRED),
        ({"email": "jordan@example"}, "email", EMAIL_INVALID),
        ({"email": "not an address"}, "email", EMAIL_INVALID),
        ({"phone": "555-0147"}, "phone", PHONE_INVALID),
        ({"phone": "(213) 555-01AB"}, "phone", PHONE_INVALID),
        ({"phone": "+44 20 7946 0958"}, "phone", PHONE_INVALID),
        ({"consent": None}, "consent", "Please tick the box to say we may contact you."),
        ({"name": "  "}, "name", "Please tell us what to call you (a first name is fine)."),
        (
            {"message": "x" * 1001},
            "message",
            "Please keep your message to 1,000 characters or fewer (it has 1001).",
        ),
        ({"program": "no-such-level"}, "program", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(
    anon_client, changes, field, message
):
    response = _post(anon_client, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert any(error.startswith(message) for error in form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}"' in html and 'aria-invalid="true"' in html
    assert message.split(" (")[0] in html
    assert 'id="call-request-problems"' in html and "autofocus" in html
    assert Inquiry.objects.count() == 0


def test_what_was_typed_is_kept_on_error(anon_client):
    response = _post(anon_client, email="jordan@example", message="Please call after six.")
    html = response.content.decode()
    assert 'value="Jordan Reyes"' in html
    assert 'value="jordan@example"' in html
    assert 'value="213.555.0147"' in html
    assert "Please call after six.</textarea>" in html
    assert '<option value="evening" selected>' in html
    assert '<option value="intensive-outpatient" selected>' in html
    assert 'value="other"  id="id_for_whom_1" required checked>' in html
    consent_input = html.split('name="consent"')[1].split(">")[0]
    assert "checked" in consent_input


def test_a_filled_honeypot_shows_an_error_and_stores_nothing(anon_client):
    response = _post(anon_client, website="https://spam.example")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Our spam check stopped this request" in html
    assert "(213) 555-0100" in html
    assert Inquiry.objects.count() == 0
    # the trap comes back empty, so a person whose browser filled it can simply resend
    assert "spam.example" not in html
    assert 'value="Jordan Reyes"' in html


def test_the_honeypot_is_hidden_from_everyone_and_not_focusable(anon_client):
    html = anon_client.get(URL).content.decode()
    trap = html.split('class="hp-field"')[1].split("</div>")[0]
    assert trap.startswith(" hidden>")
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def test_the_rate_limit_refuses_with_the_clinic_phone_and_crisis_lines(anon_client, settings):
    settings.CALL_REQUESTS_PER_HOUR = 2
    assert _post(anon_client).status_code == 302
    assert _post(anon_client).status_code == 302
    response = _post(anon_client)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "could not take another one just now" in html
    assert "(213) 555-0100" in html and "988" in html and "1-800-662-4357" in html
    assert 'value="Jordan Reyes"' in html
    assert Inquiry.objects.count() == 2
    # another address is not affected
    assert _post(anon_client, remote_addr="198.51.100.20").status_code == 302
    assert Inquiry.objects.count() == 3


def test_requests_older_than_an_hour_do_not_count(anon_client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.CALL_REQUESTS_PER_HOUR = 1
    InquiryFactory(
        source_hash=hash_source("203.0.113.7"),
        created_at=timezone.now() - timedelta(minutes=61),
    )
    assert _post(anon_client).status_code == 302
    assert _post(anon_client).status_code == 429
    assert Inquiry.objects.count() == 2


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(anon_client, settings):
    settings.CALL_REQUESTS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    first = anon_client.post(URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    second = anon_client.post(URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.2")
    spoofed = anon_client.post(
        URL, GOOD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1"
    )
    assert (first.status_code, second.status_code, spoofed.status_code) == (302, 302, 429)
    assert Inquiry.objects.get(source_hash=hash_source("192.0.2.1"))


def test_the_page_preselects_a_program_from_the_link(anon_client):
    html = anon_client.get(URL, {"program": "partial-hospitalization"}).content.decode()
    assert '<option value="partial-hospitalization" selected>' in html
    html = anon_client.get(URL, {"program": "<script>"}).content.decode()
    assert '<option value="" selected>Not sure yet</option>' in html


def test_an_empty_post_is_answered_with_the_errors(anon_client):
    response = anon_client.post(URL, {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "name",
        "phone",
        "consent",
        "best_time",
        "for_whom",
    }
    assert Inquiry.objects.count() == 0


def test_the_form_works_without_a_csrf_token_from_this_site():
    """The embedded form has no token; Django's CSRF check does not apply to it."""
    client = Client(enforce_csrf_checks=True)
    html = client.get(program("IOP").get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html
    response = client.post(URL, GOOD, REMOTE_ADDR="192.0.2.50", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_REFERER": "https://evil.example/form.html"},
    ],
    ids=["other-site", "null", "other-scheme", "referer-only"],
)
def test_a_cross_origin_post_is_refused_and_stores_nothing(anon_client, headers):
    response = anon_client.post(URL, GOOD, REMOTE_ADDR="192.0.2.51", **headers)
    assert response.status_code == 403
    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/programs/intensive-outpatient/"},
        {},
    ],
    ids=["origin", "referer", "neither"],
)
def test_a_same_origin_post_is_accepted(anon_client, headers):
    response = anon_client.post(URL, GOOD, REMOTE_ADDR="192.0.2.52", **headers)
    assert response.status_code == 302
    assert Inquiry.objects.count() == 1


def test_a_trusted_origin_is_accepted(anon_client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.clinic.example"]
    response = anon_client.post(
        URL, GOOD, REMOTE_ADDR="192.0.2.53", HTTP_ORIGIN="https://www.clinic.example"
    )
    assert response.status_code == 302


def test_the_cached_form_follows_catalog_edits(anon_client):
    anon_client.get(URL)
    level = program("PHP")
    level.name = "Day Program"
    level.save()
    html = anon_client.get(URL).content.decode()
    assert '<option value="partial-hospitalization">Day Program</option>' in html


def test_nothing_typed_reaches_the_logs(anon_client, caplog):
    caplog.set_level(logging.DEBUG)
    _post(anon_client)
    _post(anon_client, email="jordan@example")
    for secret in ("Jordan", "555-0147", "jordan@example", "brother"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2135550147", "(213) 555-0147"),
        ("(213) 555-0147", "(213) 555-0147"),
        ("213.555.0147", "(213) 555-0147"),
        ("+1 213 555 0147", "(213) 555-0147"),
        ("1-213-555-0147", "(213) 555-0147"),
        (" 213 / 555-0147 ", "(213) 555-0147"),
    ],
)
def test_us_phone_numbers_are_normalised(raw, expected):
    assert normalize_us_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "555-0147", "113 555 0147", "213 155 0147", "21355501470", "+44 20 7946 0958", "call me"],
)
def test_other_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_us_phone(raw)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_cannot_both_slip_under_the_limit(settings):
    """Both requests wait on the per-address lock; the first in takes the last place."""
    settings.CALL_REQUESTS_PER_HOUR = 1
    statuses = []

    def send():
        try:
            response = Client().post(URL, {**GOOD, "program": ""}, REMOTE_ADDR="203.0.113.9")
            statuses.append(response.status_code)
        finally:
            connection.close()

    with transaction.atomic(), connection.cursor() as cursor:
        # hold the lock so both requests are inside the view, waiting, before either counts
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [hash_source("203.0.113.9")])
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(statuses) == [302, 429]
    assert Inquiry.objects.count() == 1
