"""Time every benchmarked page in-process (django.test.Client), print JSON.

Run by bench/run.py with DATABASE_URL pointing at the benchmark database and
production settings (DEBUG=0). Two modes:

    pages.py measure --requests 30 --warmup 5   timings, query counts, sizes
    pages.py load-targets                       URLs and a session cookie for wrk

A page whose view, URL or data does not exist yet is reported as missing with the
reason; nothing is ever estimated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE  # noqa: E402


class Missing(Exception):
    """The page (its URL, view or the data it shows) does not exist yet."""


@dataclass
class Request:
    url: str
    user: Any = None  # None: anonymous
    method: str = "get"
    data: Callable[[int], dict] | None = None  # POST body for the i-th request
    extra: Callable[[int], dict] = field(default=lambda i: {})
    expect: int = 200
    before: Callable[[int], None] | None = None  # run before the i-th request, untimed
    follow: bool = False  # follow redirects: the timing covers the whole round trip


def _url(names: tuple[str, ...], *args: Any, **kwargs: Any) -> str:
    """The first of `names` that resolves (page owners pick names in parallel)."""
    for name in names:
        try:
            return reverse(name, args=args or None, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    raise Missing(f"no URL named {' or '.join(names)}")


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        raise Missing(f"no model {label}") from None


def _staff(role: str):
    user = get_user_model().objects.filter(is_active=True, groups__name=role).order_by("pk").first()
    if user is None:
        raise Missing(f"no {role} user seeded")
    return user


def _monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def _week_sessions():
    Session = _model("scheduling.Session")
    return Session.objects.in_week(_monday())


def _busiest_counselor():
    """The counselor with the most sessions this week: the heaviest week to draw."""
    SessionCounselor = _model("scheduling.SessionCounselor")
    start, end = _week_bounds()
    row = (
        SessionCounselor.objects.filter(start__lt=end, end__gt=start)
        .values("counselor")
        .annotate(n=Count("id"))
        .order_by("-n", "counselor")
        .first()
    )
    if row is None:
        raise Missing("no sessions seeded this week")
    return get_user_model().objects.get(pk=row["counselor"])


def _week_bounds():
    from scheduling import clinictime

    return clinictime.week_bounds(_monday())


def _iop():
    Program = _model("programs.Program")
    return Program.objects.get(code="IOP")


# --- the pages ------------------------------------------------------------------------


def page_floor() -> Request:
    return Request(url="/healthz")


def page_home() -> Request:
    return Request(url=_url(("programs:home",)))


def page_program_detail() -> Request:
    return Request(url=_url(("programs:program-detail",), slug=_iop().slug))


def page_compare() -> Request:
    return Request(url=_url(("programs:compare",)))


def page_call_request() -> Request:
    url = _url(("public_intake:request-call", "intake:request-call"))

    def body(i: int) -> dict:
        return {
            "name": "Bench Visitor",
            "phone": f"(213) 555-01{i % 100:02d}",
            "email": "",
            "best_time": "any",
            "for_whom": "self",
            "program": "",
            "message": "",
            "consent": "on",
            "website": "",
        }

    # one address per request: the hourly per-address limit is not what is measured
    return Request(
        url=url,
        method="post",
        data=body,
        extra=lambda i: {"REMOTE_ADDR": f"10.9.{i // 250}.{i % 250 + 1}"},
        expect=302,
    )


def page_inquiry_queue() -> Request:
    url = _url(("intake:inquiry-list", "intake:inquiries", "intake:inquiry-queue"))
    if not _model("intake.Inquiry").objects.exists():
        raise Missing("no inquiries seeded")
    return Request(url=url, user=_staff(INTAKE))


def page_patient_search() -> Request:
    url = _url(("intake:patient-list",))
    Patient = _model("intake.Patient")
    patient = Patient.objects.order_by("pk").first()
    if patient is None:
        raise Missing("no patients seeded")
    # a surname prefix, as staff type it; POSTed (search words never go in a URL), then
    # the results shown by the GET the POST redirects to: both are timed, as staff wait
    # for both
    term = patient.legal_last_name[:4]
    return Request(
        url=url, user=_staff(INTAKE), method="post", data=lambda i: {"q": term}, follow=True
    )


def page_planned_discharge() -> Request:
    """The planned-discharge form of the first open admission, as its primary counselor."""
    admission = (
        _model("intake.Admission")
        .objects.filter(end_date__isnull=True)
        .select_related("patient", "primary_counselor")
        .order_by("pk")
        .first()
    )
    if admission is None:
        raise Missing("no open admission seeded")
    url = _url(("intake:plan-discharge",), admission.patient.uuid, admission.pk)
    return Request(url=url, user=admission.primary_counselor)


def page_assessment() -> Request:
    Assessment = _model("intake.Assessment")
    # the same signed assessment at every size (the small demo's first), so that only
    # the amount of data around it changes
    assessment = Assessment.objects.filter(status="completed").order_by("pk").first()
    if assessment is None:
        raise Missing("no signed assessment seeded")
    try:
        url = assessment.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        raise Missing("Assessment has no page yet") from None
    return Request(url=url, user=_staff(INTAKE))


def page_counselor_week() -> Request:
    # a counselor's own week ("My week"), for the counselor with the most sessions
    return Request(url=_url(("scheduling:week",)), user=_busiest_counselor())


def page_program_week() -> Request:
    if not _week_sessions().exists():
        raise Missing("no sessions seeded this week")
    url = _url(("scheduling:week",)) + f"?show=program-{_iop().code}"
    return Request(url=url, user=_staff(INTAKE))


def _after_a_change(build: Callable[[], Request]) -> Callable[[], Request]:
    """The same page, each time as the first view after a schedule change (every kept
    build out of date): what the first viewer after an edit waits for."""

    def built() -> Request:
        from scheduling import feedcache

        req = build()
        req.before = lambda i: feedcache.all_changed()
        return req

    return built


def page_caseload() -> Request:
    # the busiest counselor's own caseload with this week's hours
    return Request(url=_url(("scheduling:caseload",)), user=_busiest_counselor())


def _ical_url_and_user():
    CalendarFeed = _model("scheduling.CalendarFeed")
    feed, _ = CalendarFeed.objects.get_or_create(user=_busiest_counselor())
    url = _url(("scheduling:ical-feed", "scheduling:calendar-feed"), token=feed.token)
    return url, feed.user_id


def page_ical() -> Request:
    """The feed as calendar apps mostly find it: unchanged since it was last built."""
    return Request(url=_ical_url_and_user()[0])


def page_ical_304() -> Request:
    """A calendar app that sends back the ETag it holds."""
    url, _user_id = _ical_url_and_user()
    etag = Client().get(url).get("ETag")
    if not etag:
        raise Missing("the feed sends no ETag yet")
    return Request(url=url, extra=lambda i: {"HTTP_IF_NONE_MATCH": etag}, expect=304)


def page_ical_rebuilt() -> Request:
    """The first request after one of the feed's sessions changed."""
    url, user_id = _ical_url_and_user()
    try:
        from scheduling import feedcache
    except ImportError:
        raise Missing("the feed has no cache yet") from None
    return Request(url=url, before=lambda i: feedcache.counselors_changed([user_id]))


def _longest_stay():
    """The patient in care with the most attendance (12 weeks of it at the clinic size),
    with a signed plan made for them when they have none."""
    Attendee = _model("scheduling.Attendee")
    row = (
        Attendee.objects.filter(patient__admissions__end_date__isnull=True)
        .exclude(attendance="")
        .values("patient")
        .annotate(n=Count("pk"))
        .order_by("-n", "patient")
        .first()
    )
    if row is None:
        raise Missing("no attendance seeded")
    patient = _model("intake.Patient").objects.get(pk=row["patient"])
    try:
        from demo.treatment import ensure_signed_plan
    except ImportError:
        raise Missing("no treatment app yet") from None
    admission = patient.admissions.filter(end_date__isnull=True).first()
    plan = ensure_signed_plan(patient, admission.primary_counselor)
    return patient, plan, admission.primary_counselor


def page_plan() -> Request:
    _patient, plan, counselor = _longest_stay()
    return Request(url=plan.get_absolute_url(), user=counselor)


def page_chart() -> Request:
    patient, _plan, counselor = _longest_stay()
    return Request(url=_url(("treatment:chart",), patient.uuid), user=counselor)


def page_group_note() -> Request:
    """The note page of the largest group already held (12 at the clinic size), as its
    lead counselor: the shared part and one individual part per patient who came."""
    Session = _model("scheduling.Session")
    _model("notes.SessionNote")
    session = (
        Session.objects.scheduled()
        .filter(track__isnull=False, end__lte=timezone.now())
        .annotate(came=Count("attendees", filter=Q(attendees__attendance__in=ATTENDED)))
        .filter(came__lte=12)
        .order_by("-came", "-start")
        .prefetch_related("counselor_links__counselor")
        .first()
    )
    if session is None or not session.came:
        raise Missing("no group session with attendance seeded")
    counselor = session.counselor_links.all()[0].counselor
    return Request(url=_url(("notes:session-note",), pk=session.pk), user=counselor)


ATTENDED = ("present", "late", "left_early")


def page_dashboard() -> Request:
    return Request(url=_url(("outcomes:dashboard",)), user=_staff(DIRECTOR))


def page_patient_progress() -> Request:
    measurement = _model("outcomes.Measurement").objects.order_by("-taken_on", "pk").first()
    if measurement is None:
        raise Missing("no progress measures seeded")
    return Request(
        url=_url(("outcomes:patient-progress",), uuid=measurement.patient.uuid),
        user=_staff(DIRECTOR),
    )


PAGES: list[tuple[str, Callable[[], Request]]] = [
    ("home", page_home),
    ("program detail", page_program_detail),
    ("compare", page_compare),
    ("call-request POST", page_call_request),
    ("inquiry queue", page_inquiry_queue),
    ("patient search", page_patient_search),
    ("assessment page", page_assessment),
    ("planned discharge form", page_planned_discharge),
    ("counselor's week", page_counselor_week),
    ("program's week", page_program_week),
    ("counselor's week (after a change)", _after_a_change(page_counselor_week)),
    ("program's week (after a change)", _after_a_change(page_program_week)),
    ("caseload + weekly hours", page_caseload),
    ("iCal feed (unchanged)", page_ical),
    ("iCal feed (304)", page_ical_304),
    ("iCal feed (rebuilt)", page_ical_rebuilt),
    ("treatment plan", page_plan),
    ("chart timeline (longest stay)", page_chart),
    ("group note (12 patients)", page_group_note),
    ("director's dashboard", page_dashboard),
    ("patient progress", page_patient_progress),
]
FLOOR = ("floor: /healthz", page_floor)


# --- measuring ------------------------------------------------------------------------


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        _satisfy_second_factor(client, user)
    return client


def _satisfy_second_factor(client: Client, user) -> None:
    """Directors may need a verified second factor (django-otp): mark the session so,
    as the test fixtures do. No-op while the project has no OTP device models."""
    if not user.groups.filter(name=DIRECTOR).exists():
        return
    try:
        from django_otp.plugins.otp_static.models import StaticDevice
    except (ImportError, RuntimeError):
        return
    if not apps.is_installed("django_otp.plugins.otp_static"):
        return
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench")
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def _send(client: Client, req: Request, i: int):
    if req.method == "post":
        return client.post(req.url, req.data(i), follow=req.follow, **req.extra(i))
    return client.get(req.url, follow=req.follow, **req.extra(i))


def _body_size(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


PROFILE_DIR: Path | None = None  # --profile: a cProfile of 10 more requests per page


def _profile(name: str, one: Callable[[], Any], prepare: Callable[[], None]) -> None:
    import cProfile

    assert PROFILE_DIR is not None
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    for _ in range(10):
        prepare()  # untimed, as in the timings: a "rebuilt" profile is of rebuilds
        profiler.enable()
        one()
        profiler.disable()
    profiler.dump_stats(PROFILE_DIR / (re.sub(r"[^a-z0-9]+", "-", name.lower()) + ".prof"))


def measure(name: str, build: Callable[[], Request], requests: int, warmup: int) -> dict:
    try:
        req = build()
    except Missing as exc:
        return {"page": name, "status": "missing", "reason": str(exc)}
    client = _client_for(req.user)
    counter = 0

    def prepare() -> None:
        if req.before is not None:
            req.before(counter + 1)

    def one():
        nonlocal counter
        counter += 1
        return _send(client, req, counter)

    prepare()
    response = one()
    if response.status_code != req.expect:
        return {
            "page": name,
            "status": "error",
            "reason": f"HTTP {response.status_code} (expected {req.expect}) for {req.url}",
        }
    for _ in range(warmup):
        prepare()
        one()
    samples, cpu = [], []
    for _ in range(requests):
        prepare()  # untimed
        started, started_cpu = time.perf_counter(), time.process_time()
        response = one()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != req.expect:
            return {"page": name, "status": "error", "reason": f"HTTP {response.status_code}"}
    counts = []
    for _ in range(3):
        prepare()
        with CaptureQueriesContext(connection) as ctx:
            response = one()
        counts.append(len(ctx.captured_queries))
    if PROFILE_DIR:
        _profile(name, one, prepare)
    samples.sort()
    p95_index = max(0, math.ceil(0.95 * len(samples)) - 1)  # nearest rank
    return {
        "page": name,
        "status": "ok",
        "url": req.url if req.method == "get" else f"POST {req.url}",
        "cpu_ms": statistics.median(cpu),
        "n": len(samples),
        "median_ms": statistics.median(samples),
        "p95_ms": samples[p95_index],
        "queries": max(counts),
        "queries_vary": len(set(counts)) > 1,
        "bytes": _body_size(response),
    }


def data_counts() -> dict:
    """How big the seeded clinic is, for the report (absent models are left out)."""
    counts: dict[str, int] = {}
    User = get_user_model()
    counts["staff"] = User.objects.filter(groups__name__in=[INTAKE, COUNSELOR, DIRECTOR]).count()
    queries = {
        "active patients": ("intake.Patient", Q(status="active")),
        "patients": ("intake.Patient", Q()),
        "inquiries": ("intake.Inquiry", Q()),
        "assessments": ("intake.Assessment", Q()),
        "rooms": ("scheduling.Room", Q()),
        "tracks": ("scheduling.Track", Q()),
        "sessions": ("scheduling.Session", Q()),
        "attendees": ("scheduling.Attendee", Q()),
        "audit events": ("accounts.AuditEvent", Q()),
    }
    for label, (model, where) in queries.items():
        try:
            counts[label] = _model(model).objects.filter(where).count()
        except Missing:
            continue
    with contextlib.suppress(Missing):
        counts["sessions this week"] = _week_sessions().count()
    return counts


def cmd_measure(args: argparse.Namespace) -> dict:
    # a database in use, as autovacuum keeps it: planner statistics, visibility map. Left
    # to autovacuum, the vacuum of the freshly seeded tables would run during the timings.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")  # nor a checkpoint of the seeding's writes
    data = data_counts()  # before the pages add audit events and inquiries
    floor = measure(*FLOOR, requests=args.requests, warmup=args.warmup)
    wanted = [w.strip() for w in args.pages.split(",") if w.strip()] if args.pages else []
    pages = [
        measure(name, build, args.requests, args.warmup)
        for name, build in PAGES
        if not wanted or any(w in name for w in wanted)
    ]
    return {"floor": floor, "pages": pages, "data": data}


def cmd_load_targets(args: argparse.Namespace) -> dict:
    """URLs for the load run, and a counselor's session cookie (a real DB session)."""
    from django.conf import settings

    targets: dict[str, Any] = {"static": "/static/css/site.css", "healthz": "/healthz"}
    for key, build in (("home", page_home), ("program", page_program_detail)):
        try:
            targets[key] = build().url
        except Missing as exc:
            targets[key] = {"missing": str(exc)}
    try:
        req = page_counselor_week()
        client = _client_for(req.user)
        targets["counselor's week"] = req.url
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        targets["cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    except Missing as exc:
        targets["counselor's week"] = {"missing": str(exc)}
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--requests", type=int, default=30)
    m.add_argument("--warmup", type=int, default=5)
    m.add_argument("--pages", default="", help="only the pages whose name contains one of these")
    m.add_argument("--profile", type=Path, default=None, help="write a cProfile per page here")
    sub.add_parser("load-targets")
    args = parser.parse_args()
    global PROFILE_DIR
    PROFILE_DIR = getattr(args, "profile", None)
    result = cmd_measure(args) if args.cmd == "measure" else cmd_load_targets(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
