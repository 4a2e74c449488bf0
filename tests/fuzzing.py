"""The hostile-input harness every app's fuzz tests share.

Every form endpoint, as a user allowed to post there, gets random, unicode, huge and
malformed values (hypothesis). Never a 500; invalid input stores nothing; a redirect
after a save means the input was valid (checked again with the view's own form
classes); whatever a redirect leads to still renders. A sweep puts each kind of field
at its edges (year 1 and 9999, huge numbers, 100,000 characters), and a third check
puts a NUL byte (which PostgreSQL refuses in text) into each field in turn, formsets
and hidden fields included: refused with a message, never a 500.

Each example runs in a savepoint that is rolled back, so examples never see each
other's rows, and the client's cookies are put back after it (sign-out, new session).
Examples are derandomized: CI runs the same ones every time.

How an app adds its endpoints: write `tests/<app>/test_fuzz_<app>.py` with

- `ENDPOINTS`: a list of `Endpoint` (a URL name, the client fixture allowed there, a
  valid baseline payload, the view's forms rebuilt for checking, the rows to watch);
- `NOT_FUZZED`: every other URL name of the app and why it is not fuzzed ("no input",
  "POST without fields", ...);
- the three generic tests, parametrized over its endpoints, each calling `run_fuzz`,
  `run_edges` or `run_nul` with the `fuzz_world` fixture (copy them from an existing
  app's file).

Objects the endpoints act on come from `World` (made on first use, before any example
runs); add a `cached_property` there for a new kind of object. `all_endpoints()` and
`all_not_fuzzed()` gather every app's file (each `tests/<app>/test_fuzz_<app>.py`), so
`tests/security/test_fuzz_coverage.py` fails on a URL no app file fuzzes or explains.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote_from_bytes

import pytest
from django import forms as djforms
from django.contrib.auth.models import User
from django.core import mail
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import services as intake_services
from intake.models import Admission, Assessment, Consent, Inquiry, Patient, PlacementDecision
from scheduling import clinictime
from scheduling import services as scheduling_services
from scheduling.models import Room, Session, Track, TrackEnrollment
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

# --- hostile values and the harness -------------------------------------------------------

MAX_EXAMPLES = 20
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is reproducible
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

NUL = "ab\x00cd"
LONG = "x" * 100_000
LONG_UNICODE = "é🧪" * 30_000

# Values chosen to break parsers, databases and templates; hypothesis mixes them with
# random text, numbers and dates.
SPECIALS = [
    "",
    " ",
    "\x00",
    NUL,
    "\x00" * 5,
    "\ud800",  # a lone surrogate: sent as its (invalid) UTF-8 bytes
    "a\udfffb",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "🧪💊🏥",
    "👩‍👩‍👧‍👦",
    "\u200b\u200d\ufeff",
    "Ａｂｃ１２３",  # full-width
    "²³¹⁴⁵⁶",  # digits that str.isdigit() accepts and int() refuses
    "١٢٣٤٥٦",  # Arabic-Indic digits (int() accepts them)
    "①②③",
    LONG,
    LONG_UNICODE,
    "<script>alert(1)</script>",
    "'; drop table intake_patient; --",
    '"><img src=x onerror=alert(1)>',
    "%00",
    "%s%s%s%n",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "-9223372036854775809",
    "9223372036854775808",
    "99999999999999999999999999999999",
    "2147483648",
    "32768",
    "65536",
    "3.5",
    "0x10",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2026-01-01",
    "2026-03-08T02:30",  # skipped by the spring-forward change in Los Angeles
    "2026-11-01T01:30",  # repeated by the fall-back change
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "24:00",
    "23:59:60",
    "25:61",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "MRN-999999999",
    "00000000-0000-0000-0000-000000000000",
]

hostile = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.times().map(lambda t: t.strftime("%H:%M")),
)

Payload = dict[str, list[str]]
M = TypeVar("M", bound=models.Model)

# Values at the edges of each kind of field, tried on every field of that kind by the
# sweep test and favoured by the fuzzer.
DATE_EDGES = ["0001-01-01", "9999-12-31", "2026-02-30"]
DATETIME_EDGES = ["9999-12-31T23:59", "0001-01-01T00:00", "2026-03-08T02:30"]
TIME_EDGES = ["24:00", "23:59", "2:30 PM"]
INT_EDGES = ["-1", "2147483648", "1" + "0" * 40, "²"]


def kind_of(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        return "datetime"
    if re.fullmatch(r"\d{2}:\d{2}", value):
        return "time"
    if re.fullmatch(r"-?\d+", value):
        return "int"
    return "text"


EDGES = {
    "date": DATE_EDGES,
    "datetime": DATETIME_EDGES + DATE_EDGES[:2],
    "time": TIME_EDGES,
    "int": INT_EDGES,
    "text": [],
}
SWEEP = {**EDGES, "text": [LONG]}  # NULs get their own test


def hostile_for(valid: list[str]) -> st.SearchStrategy[str]:
    kind = kind_of(valid[0]) if valid else "text"
    edges = EDGES[kind]
    if not edges:
        return hostile
    return st.one_of(st.sampled_from(edges), hostile)


@st.composite
def payloads(draw: st.DrawFn, baseline: Payload) -> Payload:
    """The valid `baseline` with a few fields broken: replaced by a hostile value, left
    out, or sent several times; now and then every field at once, plus a stray key."""
    keys = list(baseline)
    data = {key: list(values) for key, values in baseline.items()}
    if draw(st.integers(min_value=0, max_value=7)) == 0:
        chosen = keys
    else:
        chosen = draw(st.lists(st.sampled_from(keys), max_size=min(3, len(keys)), unique=True))
    for key in chosen:
        values = hostile_for(baseline[key])
        data[key] = draw(
            st.one_of(
                values.map(lambda value: [value]),
                st.just([]),
                st.lists(values, min_size=2, max_size=3),
            )
        )
    if draw(st.booleans()):
        data[draw(st.sampled_from(["", "id", "pk", "status", "\x00", "csrfmiddlewaretoken"]))] = [
            draw(hostile)
        ]
    return data


def encode(data: Payload) -> str:
    """application/x-www-form-urlencoded, lone surrogates sent as their raw bytes."""
    return "&".join(
        f"{_quote(key)}={_quote(value)}" for key, values in data.items() for value in values
    )


def _quote(text: str) -> str:
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def as_querydict(data: Payload) -> QueryDict:
    """What the view sees in request.POST (or request.GET) for `data`."""
    return QueryDict(encode(data))


# --- endpoints -------------------------------------------------------------------------


@dataclass
class Endpoint:
    """A form-handling URL and how to check it.

    url(world, client) -> the URL (may prepare the client, e.g. a reset link's session).
    baseline(world) -> a valid payload; the run checks it is valid and accepted.
    forms(world, data) -> the bound forms the view validates, rebuilt for checking.
    watch(world) -> querysets (or models) whose rows invalid input must leave alone.
    strict_redirect: the view redirects only after saving valid input.
    writes: a valid baseline changes the watched rows.
    never_redirects: no fuzzed value can be accepted (e.g. a wrong one-time code).
    """

    name: str
    client: str
    url: Callable[[Any, Any], str]
    baseline: Callable[[Any], Payload]
    forms: Callable[[Any, QueryDict], list] | None = None
    watch: Callable[[Any], tuple] = lambda w: ()
    method: str = "post"
    strict_redirect: bool = False
    writes: bool = True
    never_redirects: bool = False
    valid: Callable[[Any, QueryDict], bool] | None = None
    answers_with_page: bool = False  # success is a 200 page (a download), not a redirect
    refusal_message: str = ""  # the view's own message for refused input, if not the form's
    edge_cases: tuple[dict, ...] = ()  # several fields at their edges at once

    def __str__(self) -> str:
        return self.name


def snapshot(endpoint: Endpoint, world: World) -> tuple:
    rows = []
    for target in endpoint.watch(world):
        qs = target if isinstance(target, QuerySet) else target.objects.all()
        rows.append(tuple(tuple(sorted(row.items())) for row in qs.order_by("pk").values()))
    return (tuple(rows), len(getattr(mail, "outbox", [])))


def is_valid(endpoint: Endpoint, world: World, data: QueryDict) -> bool | None:
    """Whether the view's forms accept `data` (None: no forms to ask)."""
    if endpoint.valid is not None:
        return endpoint.valid(world, data)
    if endpoint.forms is None:
        return None
    return all(form.is_valid() for form in endpoint.forms(world, data))


def send(client: Client, endpoint: Endpoint, url: str, data: Payload) -> HttpResponse:
    body = encode(data)
    if endpoint.method == "get":
        return client.get(f"{url}?{body}" if body else url)
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


class _Cookies:
    """Sign-out, sign-in and session key changes must not leak into the next example."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.saved = {key: morsel.value for key, morsel in client.cookies.items()}

    def restore(self) -> None:
        self.client.cookies.clear()
        for key, value in self.saved.items():
            self.client.cookies[key] = value


@dataclass
class Result:
    status: int
    valid: bool | None
    changed: bool
    text: str  # the response, and the page a redirect leads to


def _short(data: Payload) -> str:
    """A payload for a failure message, long values cut."""
    return repr(
        {
            k: [v if len(v) < 80 else f"{v[:20]}...({len(v)} chars)" for v in vs]
            for k, vs in data.items()
        }
    )


def _where(exc: BaseException) -> str:
    """The exception and the project line (not a library's) it came through last."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/.venv/" not in f.filename]
    at = (
        f" at {frames[-1].filename.rsplit('/work/main/', 1)[-1]}:{frames[-1].lineno}"
        if frames
        else ""
    )
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}{at}"


def check_one(endpoint: Endpoint, world: World, client: Client, data: Payload) -> Result:
    """Send `data` inside a savepoint that is rolled back; check no 500, nothing stored
    from invalid input, and that the page a redirect leads to renders."""
    cookies = _Cookies(client)
    try:
        with transaction.atomic():
            url = endpoint.url(world, client)
            qd = as_querydict(data)
            try:
                valid = is_valid(endpoint, world, qd)
            except Exception:  # the form itself crashes: the request below shows where
                valid = None
            before = snapshot(endpoint, world)
            try:
                result = _send_and_check(endpoint, world, client, url, data, valid, before)
            except AssertionError:
                raise
            except Exception as exc:  # what the view raised (the test client re-raises it)
                raise AssertionError(f"{endpoint}: 500, {_where(exc)} for {_short(data)}") from exc
            transaction.set_rollback(True)
    finally:
        cookies.restore()
    return result


def _send_and_check(
    endpoint: Endpoint,
    world: World,
    client: Client,
    url: str,
    data: Payload,
    valid: bool | None,
    before: tuple,
) -> Result:
    response = send(client, endpoint, url, data)
    status = response.status_code
    where = f"{endpoint}: {_short(data)}"
    assert status < 500, f"{status} for {where}"
    changed = before != snapshot(endpoint, world)  # reading back what was stored
    if valid is False:
        assert not changed, f"invalid input changed stored rows; {where}"
    redirected = 300 <= status < 400
    if redirected and endpoint.strict_redirect:
        assert valid is not False, f"redirected (saved) on invalid input; {where}"
    if endpoint.never_redirects:
        assert not redirected, f"accepted a fuzzed value; {where}"
    text = response.content.decode(errors="replace")
    if redirected and response.url.startswith("/"):
        follow = client.get(response.url)
        assert follow.status_code < 500, f"{response.url} after {where}"
        text += follow.content.decode(errors="replace")
    return Result(status, valid, changed, text)


def field_errors(
    endpoint: Endpoint, world: World, data: QueryDict, key: str
) -> tuple[list[str], bool] | None:
    """The messages the view's forms give for `key` (field errors, else the form's or
    formset's own) and whether the field is hidden; None when `key` is no field or a
    tick box (any value there means "on")."""
    if endpoint.forms is None:
        return None
    for item in endpoint.forms(world, data):
        formset = isinstance(item, djforms.BaseFormSet)
        members = [item.management_form, *item.forms] if formset else [item]
        for form in members:
            for name, fld in form.fields.items():
                if form.add_prefix(name) != key:
                    continue
                if isinstance(fld, djforms.BooleanField):
                    return None
                form.is_valid()
                found = list(form.errors.get(name, [])) or list(form.non_field_errors())
                if formset and not found:
                    item.is_valid()
                    found = list(item.non_form_errors())
                return found, fld.widget.is_hidden
    return None


def prepare(endpoint: Endpoint, world: World, client: Client) -> Payload:
    """Make every object the endpoint uses now, outside any savepoint: an object first
    made inside an example would vanish with its rollback."""
    endpoint.url(world, client)
    baseline = endpoint.baseline(world)
    if endpoint.forms is not None:
        endpoint.forms(world, as_querydict(baseline))
    endpoint.watch(world)
    return baseline


def fuzz(endpoint: Endpoint, world: World, client: Client) -> None:
    baseline = prepare(endpoint, world, client)

    @FUZZ_SETTINGS
    @given(data=payloads(baseline))
    def run(data: Payload) -> None:
        check_one(endpoint, world, client, data)

    run()


def check_baseline(endpoint: Endpoint, world: World, client: Client) -> None:
    """The harness means something only if its starting point is accepted."""
    result = check_one(endpoint, world, client, endpoint.baseline(world))
    status, valid, changed = result.status, result.valid, result.changed
    assert valid is not False, f"{endpoint}: the baseline payload is invalid"
    if endpoint.never_redirects or endpoint.method == "get" or endpoint.answers_with_page:
        assert status == 200, f"{endpoint}: baseline answered {status}"
    else:
        assert 300 <= status < 400, f"{endpoint}: baseline answered {status}, not a redirect"
    if endpoint.writes:
        assert changed, f"{endpoint}: the baseline changed nothing"


# --- the world the endpoints act on -------------------------------------------------------


def _local(day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return clinictime.local_to_utc(day, time(hour, minute))


class World:
    """Real objects made on first use (always before the examples run: a savepoint's
    rollback must never take one away)."""

    def __init__(self, intake_user: User, counselor: User, director: User) -> None:
        self.intake_user = intake_user
        self.counselor = counselor
        self.director = director
        self.today = timezone.localdate()

    @cached_property
    def room(self) -> Room:
        return RoomFactory(name="Fuzz Counseling Room")

    @cached_property
    def admission(self) -> Admission:
        return AdmissionFactory(
            primary_counselor=self.counselor,
            program=program("IOP"),
            start_date=self.today - timedelta(days=20),
        )

    @cached_property
    def patient(self) -> Patient:
        return self.admission.patient

    @cached_property
    def second_patient(self) -> Patient:
        return AdmissionFactory(
            primary_counselor=self.counselor,
            program=program("IOP"),
            start_date=self.today - timedelta(days=10),
        ).patient

    @cached_property
    def prospect(self) -> Patient:
        return PatientFactory(status="prospect")

    @cached_property
    def consent(self) -> Consent:
        return ConsentFactory(patient=self.prospect, signed_on=self.today - timedelta(days=30))

    @cached_property
    def patient_consent(self) -> Consent:
        return ConsentFactory(
            patient=self.patient,
            signed_on=self.today - timedelta(days=10),
            covers_assessment=True,
            covers_attendance=True,
        )

    @cached_property
    def inquiry(self) -> Inquiry:
        return InquiryFactory(created_at=timezone.now() - timedelta(days=2))

    @cached_property
    def contacted_inquiry(self) -> Inquiry:
        return InquiryFactory(status="contacted")

    @cached_property
    def booked_inquiry(self) -> Inquiry:
        return InquiryFactory(status="assessment_booked")

    @cached_property
    def closed_inquiry(self) -> Inquiry:
        return InquiryFactory(status="closed", closed_reason="declined", closed_at=timezone.now())

    @cached_property
    def draft(self) -> Assessment:
        assessment = AssessmentFactory(moderate=True, created_by=self.intake_user)
        SubstanceFactory(assessment=assessment)
        return assessment

    def _signed(self) -> Assessment:
        assessment = AssessmentFactory(moderate=True, created_by=self.intake_user)
        SubstanceFactory(assessment=assessment)
        return intake_services.complete_assessment(assessment=assessment, by=self.intake_user)

    @cached_property
    def signed(self) -> Assessment:
        return self._signed()

    @cached_property
    def decided_patient(self) -> Patient:
        assessment = self._signed()
        intake_services.decide_placement(
            assessment=assessment, final_level="IOP", reason="", by=self.intake_user
        )
        return assessment.patient

    @cached_property
    def amendable_decision(self) -> PlacementDecision:
        assessment = self._signed()
        return intake_services.decide_placement(
            assessment=assessment, final_level="IOP", reason="", by=self.intake_user
        )

    def _book(self, day: date, hhmm: str) -> Session:
        return scheduling_services.book_individual_session(
            patient=self.patient,
            counselor=self.counselor,
            room=self.room,
            start=_local(day, hhmm),
            minutes=50,
            session_type=session_type("individual-counseling"),
            by=self.counselor,
        )

    @cached_property
    def past_session(self) -> Session:
        return self._book(self.today - timedelta(days=1), "10:00")

    @cached_property
    def future_session(self) -> Session:
        return self._book(self.today + timedelta(days=7), "10:00")

    @cached_property
    def track(self) -> Track:
        return TrackFactory(
            name="Fuzz Morning Group",
            lead_counselor=self.counselor,
            room=RoomFactory(name="Fuzz Group Room"),
            first_date=self.today - timedelta(days=14),
        )

    @cached_property
    def enrollment(self) -> TrackEnrollment:
        enrollment, _ = scheduling_services.enroll_patient(
            track=self.track,
            patient=self.patient,
            joined=self.today - timedelta(days=7),
            today=self.today,
        )
        return enrollment

    @cached_property
    def spare_room(self) -> Room:
        return RoomFactory(name="Fuzz Spare Room")

    @cached_property
    def noted_session(self):
        """Yesterday's individual session, the patient marked present: a note to write."""
        session = self._book(self.today - timedelta(days=2), "14:00")
        scheduling_services.mark_all_present(session=session, by=self.counselor)
        return session

    @cached_property
    def signed_note(self):
        from notes import services as notes_services

        session = self._book(self.today - timedelta(days=3), "14:00")
        scheduling_services.mark_all_present(session=session, by=self.counselor)
        session_note = notes_services.open_session_note(session=session, by=self.counselor)
        notes_services.save_shared_part(
            session_note=session_note, topic="Coping", group_work="Role play.", by=self.counselor
        )
        (note,) = session_note.progress_notes.all()
        notes_services.save_draft(
            note=note,
            parts={"data": "Calm.", "assessment": "Progressing.", "plan": "Continue."},
            by=self.counselor,
        )
        (note,) = notes_services.sign_notes(notes=[note], by=self.counselor)
        return note

    def _screen(self, *, collected: bool):
        from outcomes import services as outcomes_services

        order = outcomes_services.order_screen(
            patient=self.patient,
            reason="ad_hoc",
            due_on=self.today,
            specimen="urine",
            observed=True,
            panel=["buprenorphine", "cocaine"],
            by=self.counselor,
        )
        if collected:
            outcomes_services.record_collection(
                order=order, collected_at=timezone.now(), refused=False, by=self.counselor
            )
        return order

    @cached_property
    def screen(self):
        """A drug screen ordered for `patient`, not collected yet."""
        return self._screen(collected=False)

    @cached_property
    def collected_screen(self):
        """A drug screen of `patient` collected, waiting for its results."""
        return self._screen(collected=True)


def one(**values) -> Payload:
    return {
        key: value if isinstance(value, list) else [str(value)] for key, value in values.items()
    }


def fresh(obj: M) -> M:
    return type(obj).objects.get(pk=obj.pk)


# --- every app's endpoints ----------------------------------------------------------------

TESTS = Path(__file__).resolve().parent

# URL names outside any app's file: the project's own and Django's admin.
PROJECT_NOT_FUZZED = {
    "healthz": "no input",
    "admin:*": "Django's admin forms (directors only; reference data)",
}

# Checks that find a bug in code owned elsewhere wait here, by endpoint, until it is
# fixed; the check then runs again.
PENDING: dict[str, set[str]] = {}


def fuzz_modules() -> list[Any]:
    """Every app's fuzz file (`tests/<app>/test_fuzz_<app>.py`), imported."""
    return [
        import_module(f"tests.{path.parent.name}.{path.stem}")
        for path in sorted(TESTS.glob("*/test_fuzz_*.py"))
        if path.stem == f"test_fuzz_{path.parent.name}"
    ]


def all_endpoints() -> list[Endpoint]:
    return [endpoint for module in fuzz_modules() for endpoint in module.ENDPOINTS]


def all_not_fuzzed() -> dict[str, str]:
    found = dict(PROJECT_NOT_FUZZED)
    for module in fuzz_modules():
        found.update(module.NOT_FUZZED)
    return found


def checked(kind: str, endpoints: list[Endpoint]) -> list[Endpoint]:
    """`endpoints` whose `kind` check ("fuzz", "edges", "nul") is not pending a fix."""
    return [e for e in endpoints if kind not in PENDING.get(e.name, set())]


def with_forms(endpoints: list[Endpoint]) -> list[Endpoint]:
    """The endpoints the NUL check can judge: those with forms (or a validity rule)."""
    return [e for e in endpoints if e.forms or e.valid]


def run_fuzz(request: pytest.FixtureRequest, world: World, endpoint: Endpoint) -> None:
    client = request.getfixturevalue(endpoint.client)
    prepare(endpoint, world, client)
    check_baseline(endpoint, world, client)
    fuzz(endpoint, world, client)


def run_edges(request: pytest.FixtureRequest, world: World, endpoint: Endpoint) -> None:
    """Fields get the edge values of their kind (dates in year 1 and 9999, huge
    numbers, 100,000 characters): never a 500, nothing stored from what the forms
    refuse. One field per kind of form field is enough: the others of the same form
    and class take the same path."""
    client = request.getfixturevalue(endpoint.client)
    baseline = prepare(endpoint, world, client)
    classes = field_classes(endpoint, world, as_querydict(baseline))
    seen = set()
    for key, valid in baseline.items():
        kind = kind_of(valid[0]) if valid else "text"
        group = (kind, classes.get(key, key))
        if group in seen:
            continue
        seen.add(group)
        for value in SWEEP[kind]:
            check_one(endpoint, world, client, {**baseline, key: [value]})
    for case in endpoint.edge_cases:
        check_one(endpoint, world, client, {**baseline, **one(**case)})


def field_classes(endpoint: Endpoint, world: World, data: QueryDict) -> dict[str, str]:
    """html name -> 'FormClass.FieldClass' for every field of the view's forms."""
    found: dict[str, str] = {}
    for item in endpoint.forms(world, data) if endpoint.forms else []:
        formset = isinstance(item, djforms.BaseFormSet)
        for form in [item.management_form, *item.forms] if formset else [item]:
            for name, fld in form.fields.items():
                found[form.add_prefix(name)] = f"{type(form).__name__}.{type(fld).__name__}"
    return found


def run_nul(request: pytest.FixtureRequest, world: World, endpoint: Endpoint) -> None:
    """A NUL byte in each field in turn: refused, with the field's message on the page."""
    client = request.getfixturevalue(endpoint.client)
    baseline = prepare(endpoint, world, client)
    checked = 0
    for key in baseline:
        data = {**baseline, key: [NUL]}
        found = field_errors(endpoint, world, as_querydict(data), key)
        result = check_one(endpoint, world, client, data)
        if found is None:
            continue  # not a form field (a button), or a tick box: any value means "on"
        checked += 1
        assert result.valid is False, f"{endpoint}: a NUL in {key!r} was accepted"
        assert not result.changed, f"{endpoint}: a NUL in {key!r} changed stored rows"
        errors, hidden = found
        assert errors, f"{endpoint}: no error for the NUL in {key!r}"
        if not hidden:
            page = html.unescape(result.text)
            shown = [endpoint.refusal_message] if endpoint.refusal_message else errors
            assert any(html.unescape(str(e)) in page for e in shown), (
                f"{endpoint}: the page does not show {errors} for {key!r}"
            )
    assert checked, f"{endpoint}: no field was checked"
