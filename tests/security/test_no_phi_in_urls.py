"""Every state-changing request is a POST with CSRF, and no patient detail reaches a URL
or a log line (domain brief, "Privacy").

- A GET (even one carrying a valid payload in its query string) to any action changes
  nothing; a POST without the CSRF token is refused (403) and changes nothing, while
  the same POST with the token goes through.
- Crawling the staff pages of each role around a patient with distinctive details: no
  link, form action or redirect carries the name, MRN, date of birth, phone or e-mail;
  no GET form has a free-text box (its words would land in the URL).
- Request logging (django.request and every other logger) and the audit log never
  carry those details; gunicorn's access log writes paths without query strings (and
  runserver's django.server lines are request lines: clean, since the URLs are).
"""

from __future__ import annotations

import html
import logging
import re
import runpy
from datetime import date, time, timedelta
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from intake import services as intake_services
from scheduling import clinictime
from scheduling import services as scheduling_services
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    InquiryFactory,
    PatientFactory,
    RoomFactory,
    SubstanceFactory,
    TrackFactory,
    program,
    session_type,
)
from tests.fuzzing import Endpoint, World, _Cookies, all_endpoints, all_not_fuzzed, encode, prepare

ENDPOINTS = all_endpoints()


@pytest.fixture
def world(intake_user, counselor, director):
    return World(intake_user, counselor, director)


ROOT = Path(__file__).resolve().parents[2]


def _draft_plan(world):
    """A draft treatment plan of the counselor's, the one the treatment fuzz file uses."""
    from tests.treatment.test_fuzz_treatment import _draft

    return _draft(world)


# --- every action refuses GET and requires CSRF ----------------------------------------

# POST-only actions without fields (the fuzzer has nothing to send them)
FIELDLESS = [
    Endpoint(
        name="accounts:keep-alive",
        client="intake_client",
        url=lambda w, c: reverse("accounts:keep-alive"),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="accounts:two-factor-backup-codes",
        client="director_client",
        url=lambda w, c: reverse("accounts:two-factor-backup-codes"),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="accounts:two-factor-disable",
        client="intake_client",
        url=lambda w, c: reverse("accounts:two-factor-disable"),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="intake:start-assessment",
        client="intake_client",
        url=lambda w, c: reverse("intake:start-assessment", args=[w.prospect.uuid]),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="scheduling:mark-all-present",
        client="counselor_client",
        url=lambda w, c: reverse("scheduling:mark-all-present", args=[w.past_session.pk]),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="scheduling:reset-calendar-feed",
        client="counselor_client",
        url=lambda w, c: reverse("scheduling:reset-calendar-feed"),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="treatment:sign-plan",
        client="counselor_client",
        url=lambda w, c: reverse("treatment:sign-plan", args=[_draft_plan(w).uuid]),
        baseline=lambda w: {},
    ),
    Endpoint(
        name="notes:cosign-note",
        client="director_client",
        url=lambda w, c: reverse("notes:cosign-note", args=[w.signed_note.pk]),
        baseline=lambda w: {},
    ),
]
# What the fuzzer posts to, plus the field-less actions: every POST the app takes.
ACTIONS = [e for e in ENDPOINTS if e.method == "post"] + FIELDLESS
# Public forms protected by an Origin/Referer check instead of a CSRF token.
BY_ORIGIN = {"public_intake:request-call"}
# Staff-only data (sessions and the audit log change on every request, by design).
FINGERPRINTED_APPS = (
    "intake",
    "scheduling",
    "notes",
    "programs",
    "otp_totp",
    "otp_static",
    "axes",
)


def fingerprint() -> dict:
    """Every row of the app's data, the staff accounts and their sign-in devices."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in FINGERPRINTED_APPS or model._meta.label == "auth.User":
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def _token_for(client: Client) -> str:
    """A CSRF token from a page the client can open (every page has the sign-out or
    sign-in form)."""
    for path in (reverse("accounts:home"), reverse("accounts:login")):
        response = client.get(path, follow=True)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
        if found:
            return found.group(1)
    raise AssertionError("no page with a CSRF token")


def _strict_client(client: Client) -> Client:
    strict = Client(enforce_csrf_checks=True)
    for key, morsel in client.cookies.items():
        strict.cookies[key] = morsel.value
    return strict


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ACTIONS, ids=str)
def test_an_action_changes_nothing_on_get(request, world, endpoint):
    client = request.getfixturevalue(endpoint.client)
    prepare(endpoint, world, client)
    cookies = _Cookies(client)
    with transaction.atomic():
        url = endpoint.url(world, client)
        before = fingerprint()
        query = encode(endpoint.baseline(world))
        response = client.get(f"{url}?{query}" if query else url)
        assert response.status_code in (200, 302, 405), response.status_code
        assert fingerprint() == before, f"GET {url} changed stored rows"
        transaction.set_rollback(True)
    cookies.restore()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ACTIONS, ids=str)
def test_an_action_needs_the_csrf_token(request, world, endpoint):
    client = request.getfixturevalue(endpoint.client)
    prepare(endpoint, world, client)
    strict = _strict_client(client)
    with transaction.atomic():
        url = endpoint.url(world, strict)
        body = encode(endpoint.baseline(world))
        before = fingerprint()
        # the call form is checked by origin, not by token (docs/security.md): a forged
        # cross-site post is what a browser sends with another site's Origin
        forged = {"HTTP_ORIGIN": "https://elsewhere.example"} if endpoint.name in BY_ORIGIN else {}
        refused = strict.post(url, body, content_type="application/x-www-form-urlencoded", **forged)
        assert refused.status_code == 403, f"{endpoint}: {refused.status_code} without a token"
        assert fingerprint() == before
        transaction.set_rollback(True)
    with transaction.atomic():
        url = endpoint.url(world, strict)
        token = _token_for(strict)
        body = encode({**endpoint.baseline(world), "csrfmiddlewaretoken": [token]})
        accepted = strict.post(url, body, content_type="application/x-www-form-urlencoded")
        assert accepted.status_code != 403, f"{endpoint}: refused even with the token"
        transaction.set_rollback(True)


def test_every_action_in_the_urlconf_is_checked():
    fieldless = {name for name, why in all_not_fuzzed().items() if why == "POST without fields"}
    assert fieldless == {e.name for e in FIELDLESS}


# --- no patient detail in a URL -------------------------------------------------------


class Zebulon:
    """A patient whose details are unlike anything else in a URL."""

    first, last, preferred = "Zebulon", "Quixotic", "Zeppo"
    dob = date(1977, 7, 17)
    phone = "(213) 555-0199"
    email = "zebulon.quixotic@example.com"

    def __init__(self, patient) -> None:
        self.patient = patient

    @property
    def values(self) -> list[str]:
        """Each detail the way it might be written in a URL (lower case, decoded)."""
        dob = self.dob
        return [
            v.lower()
            for v in (
                self.first,
                self.last,
                self.preferred,
                self.patient.mrn,
                self.patient.mrn.removeprefix("MRN-"),
                dob.isoformat(),
                f"{dob:%m/%d/%Y}",
                f"{dob:%m-%d-%Y}",
                f"{dob:%Y%m%d}",
                "2135550199",
                "555-0199",
                "5550199",
                self.email,
                "zebulon.quixotic",
            )
        ]

    def found_in(self, text: str) -> list[str]:
        plain = unquote_plus(html.unescape(text)).lower()
        digits_only = re.sub(r"\D", "", plain)
        hits = [v for v in self.values if v in plain]
        if "2135550199" in digits_only and "2135550199" not in hits:
            hits.append("phone digits")
        return hits


def make_zebulon(*, counselor, intake_user) -> Zebulon:
    """Zebulon asked for a call, was assessed, admitted to the counselor's caseload, has
    sessions, a group and a consent: every page about a patient has something to show."""
    today = timezone.localdate()
    inquiry = InquiryFactory(
        name=f"{Zebulon.first} {Zebulon.last}",
        phone=Zebulon.phone,
        email=Zebulon.email,
        status="assessment_booked",
    )
    patient = PatientFactory(
        legal_first_name=Zebulon.first,
        legal_last_name=Zebulon.last,
        preferred_name=Zebulon.preferred,
        date_of_birth=Zebulon.dob,
        phone=Zebulon.phone,
        email=Zebulon.email,
        status="in_assessment",
        inquiry=inquiry,
    )
    assessment = AssessmentFactory(moderate=True, patient=patient, created_by=intake_user)
    SubstanceFactory(assessment=assessment)
    assessment = intake_services.complete_assessment(assessment=assessment, by=intake_user)
    decision = intake_services.decide_placement(
        assessment=assessment, final_level="IOP", reason="", by=intake_user
    )
    AdmissionFactory(
        patient=patient,
        program=program("IOP"),
        primary_counselor=counselor,
        start_date=today - timedelta(days=14),
        decision=decision,
    )
    ConsentFactory(
        patient=patient,
        signed_on=today - timedelta(days=10),
        covers_assessment=True,
        covers_attendance=True,
    )
    room = RoomFactory(name="Zeta Room")
    for days, hour in ((-1, 10), (3, 11)):
        scheduling_services.book_individual_session(
            patient=patient,
            counselor=counselor,
            room=room,
            start=clinictime.local_to_utc(today + timedelta(days=days), time(hour, 0)),
            minutes=50,
            session_type=session_type("individual-counseling"),
            by=counselor,
        )
    monday = clinictime.monday_of(today)
    track = TrackFactory(lead_counselor=counselor, first_date=monday - timedelta(days=7))
    scheduling_services.enroll_patient(
        track=track, patient=patient, joined=monday - timedelta(days=7), today=today
    )
    scheduling_services.generate_track_sessions(
        track=track, start=monday - timedelta(days=7), end=monday + timedelta(days=7)
    )
    return Zebulon(patient)


LINK = re.compile(r'\b(?:href|action|src|formaction|data-url|data-href)="([^"]*)"', re.I)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)
TEXT_INPUT = re.compile(
    r'<input\b(?![^>]*type="(?:hidden|submit|button|date|checkbox|radio|number)")[^>]*>'
    r"|<textarea\b[^>]*>",
    re.I,
)
CRAWLED = ("/staff/", "/intake/", "/schedule/")
NOT_CRAWLED = ("/staff/logout/", "/staff/password-reset/")
MAX_PAGES = 120
PER_PATH = 2  # a week links to the next one, and so on: a couple of each is enough


def crawl(client: Client, seeds: list[str], zeb: Zebulon) -> tuple[set[str], list[str]]:
    """GET every staff page reachable from `seeds`; returns the URLs seen and problems
    (a patient detail in a URL, a free-text box in a GET form)."""
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    queue = list(seeds)
    problems: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or per_path.get(path, 0) >= PER_PATH:
            continue
        seen.add(url)
        per_path[path] = per_path.get(path, 0) + 1
        response = client.get(url)
        pages += 1
        if response.status_code in (301, 302):
            location = response["Location"]
            if zeb.found_in(location):
                problems.append(f"redirect {url} -> {location}")
            queue.append(location)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        for link in LINK.findall(page):
            link = html.unescape(link)
            if link.startswith(("tel:", "mailto:")):
                continue  # calls and e-mails the staff member makes: never a request
            if hits := zeb.found_in(link):
                problems.append(f"{url}: link {link!r} carries {hits}")
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith(CRAWLED):
                continue
            if parts.path.startswith(NOT_CRAWLED) or link.endswith(".ics"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for attrs, body in FORM.findall(page):
            method = re.search(r'method="(\w+)"', attrs, re.I)
            if method and method.group(1).lower() == "post":
                continue
            for box in TEXT_INPUT.findall(body):
                problems.append(f"{url}: GET form with a free-text box {box[:80]!r}")
    return seen, problems


@pytest.fixture
def zeb(counselor, intake_user):
    return make_zebulon(counselor=counselor, intake_user=intake_user)


def _seeds(zeb: Zebulon) -> list[str]:
    p = zeb.patient
    return [
        reverse("accounts:home"),
        reverse("intake:patient-detail", args=[p.uuid]),
        reverse("intake:inquiry-detail", args=[p.inquiry.public_id]),
        reverse("scheduling:patient-attendance", args=[p.uuid]),
        reverse("scheduling:week"),
        reverse("scheduling:caseload"),
        reverse("scheduling:track-list"),
        f"{reverse('accounts:audit-log')}?patient={p.uuid}",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["intake_client", "counselor_client", "director_client"])
def test_no_patient_detail_in_any_url_of_the_staff_pages(request, zeb, role):
    client = request.getfixturevalue(role)
    seen, problems = crawl(client, _seeds(zeb), zeb)
    assert len(seen) > 20, f"the crawl only reached {len(seen)} pages"
    assert any(str(zeb.patient.uuid) in url for url in seen)  # it did reach the patient
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_searching_for_a_patient_keeps_the_words_out_of_urls(zeb, intake_client):
    """The search box posts; its result page links nowhere with the words in it."""
    for name in ("intake:patient-list", "intake:inquiry-list"):
        response = intake_client.post(reverse(name), {"q": Zebulon.last}, follow=True)
        assert response.status_code == 200
        for url, _ in response.redirect_chain:
            assert not zeb.found_in(url), url
        page = response.content.decode()
        assert Zebulon.first in page  # found
        for link in LINK.findall(page):
            link = html.unescape(link)
            assert link.startswith(("tel:", "mailto:")) or not zeb.found_in(link), link


# --- no patient detail in a log line ----------------------------------------------------


@pytest.mark.django_db
def test_no_patient_detail_in_log_lines_or_the_audit_log(
    zeb, intake_client, counselor_client, other_counselor_client, caplog
):
    """The requests that make the server log (400, 403, 404) and the ones that write the
    audit log, about Zebulon, with Zebulon's details typed into them."""
    p = zeb.patient
    caplog.set_level(logging.INFO)
    audit_before = AuditEvent.objects.count()
    detail = reverse("intake:patient-detail", args=[p.uuid])
    edit = reverse("intake:edit-patient", args=[p.uuid])
    typed = {
        "legal_first_name": Zebulon.first,
        "legal_last_name": Zebulon.last,
        "date_of_birth": "07/17/1977x",  # refused: the page comes back with a 400
        "phone": Zebulon.phone,
        "email": Zebulon.email,
    }
    assessment = reverse("intake:assessment-detail", args=[p.assessments.get().uuid])
    printed = reverse("intake:print-assessment", args=[p.assessments.get().uuid])
    attendance = reverse("scheduling:patient-attendance", args=[p.uuid])
    requests = [
        (intake_client, "get", detail, None, 200),
        (intake_client, "post", reverse("intake:patient-list"), {"q": Zebulon.last}, 302),
        (intake_client, "post", reverse("intake:patient-list"), {"q": "07/17/1977"}, 302),
        (intake_client, "post", reverse("intake:patient-list"), {"q": Zebulon.phone}, 302),
        (intake_client, "post", reverse("intake:inquiry-list"), {"q": "213-555-0199"}, 302),
        (intake_client, "post", edit, typed, 400),
        (intake_client, "get", assessment, None, 200),
        (intake_client, "get", printed, None, 200),
        (intake_client, "get", reverse("scheduling:print-attendance", args=[p.uuid]), None, 200),
        (counselor_client, "get", detail, None, 200),
        (counselor_client, "get", reverse("intake:patient-list"), None, 403),
        (other_counselor_client, "get", detail, None, 404),
        (other_counselor_client, "get", attendance, None, 404),
    ]
    for client, method, url, data, status in requests:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == status, f"{method} {url}: {response.status_code}"
        if status == 302:  # a search answers with a results page keyed by an opaque id
            assert not zeb.found_in(response.url), response.url
            assert client.get(response.url).status_code == 200

    assert any(r.name == "django.request" for r in caplog.records)  # 4xx were logged
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert not zeb.found_in(text), f"{record.name}: {text[:200]}"
    events = AuditEvent.objects.order_by("pk")[audit_before:]
    assert len(events) >= 8
    for event in events:
        for field in ("detail", "object_repr", "object_id", "object_type", "user_agent"):
            value = getattr(event, field)
            assert not zeb.found_in(value), f"audit {event.action} {field}={value!r}"


def test_gunicorn_access_log_writes_paths_without_query_strings():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    fmt = config["access_log_format"]
    assert "%(U)s" in fmt  # the path
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%({referer}i)s", "%({Referer}i)s"):
        assert atom not in fmt, f"{atom} would write query strings or referring URLs"
