"""docs/access-matrix.md is the specification: every named URL in the URLconf has a row,
and every role gets exactly what its cell says (see the legend in that file).

A new URL fails `test_every_url_has_a_row` until its row is added; a URL that takes
arguments also needs an entry in SAMPLES below (built from real objects).
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cached_property
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    InquiryFactory,
    RoomFactory,
    SubstanceFactory,
    TrackFactory,
    program,
    session_type,
)

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "access-matrix.md"
ROLES = ("anonymous", "intake", "counselor", "director")
CLIENTS = {
    "anonymous": "anon_client",
    "intake": "intake_client",
    "counselor": "counselor_client",
    "director": "director_client",
}
CELLS = {"public", "login", "allowed", "own", "post", "redirect", "403", "404"}
ADMIN = "admin:*"
LOGIN_URL = reverse("accounts:login")


def read_matrix() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in MATRIX.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = cells[0].strip("`")
        assert name not in rows, f"{name} has two rows in {MATRIX.name}"
        rows[name] = dict(zip(ROLES, cells[1:5], strict=True))
        bad = set(rows[name].values()) - CELLS
        assert not bad, f"{name}: unknown cell value(s) {bad}; use one of {sorted(CELLS)}"
    return rows


def url_names() -> dict[str, str]:
    """Every URL name in the URLconf ("namespace:name"), the admin as one `admin:*`,
    with its route; unnamed routes outside the admin are reported by route."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                if inner == "admin":
                    found[ADMIN] = prefix + str(entry.pattern)
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if entry.name is None:
                    found[f"<unnamed route {route!r}>"] = route
                else:
                    found[f"{namespace}:{entry.name}" if namespace else entry.name] = route

    walk(get_resolver().url_patterns, "/", None)
    return found


MATRIX_ROWS = read_matrix()
URL_NAMES = url_names()


class World:
    """Real objects for URLs that take arguments, made on first use. Everything a
    counselor may see belongs to the `counselor` fixture (their caseload, their session)."""

    def __init__(self, counselor, intake_user):
        self.counselor = counselor
        self.intake_user = intake_user

    @cached_property
    def admission(self):
        return AdmissionFactory(primary_counselor=self.counselor, program=program("IOP"))

    @cached_property
    def patient(self):
        return self.admission.patient

    @cached_property
    def consent(self):
        return ConsentFactory(patient=self.patient)

    @cached_property
    def draft_assessment(self):
        return AssessmentFactory(patient=self.patient, created_by=self.intake_user)

    def _completed_assessment(self):
        from intake import services

        assessment = AssessmentFactory(moderate=True, created_by=self.intake_user)
        SubstanceFactory(assessment=assessment)
        return services.complete_assessment(assessment=assessment, by=self.intake_user)

    @cached_property
    def signed_assessment(self):
        return self._completed_assessment()

    @cached_property
    def decided_patient(self):
        from intake import services

        assessment = self._completed_assessment()
        services.decide_placement(
            assessment=assessment, final_level="IOP", reason="", by=self.intake_user
        )
        return assessment.patient

    @cached_property
    def inquiry(self):
        return InquiryFactory()

    @cached_property
    def booked_inquiry(self):
        return InquiryFactory(status="assessment_booked")  # the state that can convert

    @cached_property
    def session(self):
        from scheduling import clinictime, services

        day = timezone.localdate() + timedelta(days=7)
        return services.book_individual_session(
            patient=self.patient,
            counselor=self.counselor,
            room=RoomFactory(name="Counseling Room 1"),
            start=clinictime.local_to_utc(day, timezone.datetime(2000, 1, 1, 10, 0).time()),
            minutes=50,
            session_type=session_type("individual-counseling"),
            by=self.counselor,
        )

    @cached_property
    def track(self):
        return TrackFactory(lead_counselor=self.counselor, room=RoomFactory(name="Group Room A"))

    @cached_property
    def enrollment(self):
        from scheduling import services

        today = timezone.localdate()
        enrollment, _ = services.enroll_patient(
            track=self.track, patient=self.patient, joined=today, today=today
        )
        return enrollment

    @cached_property
    def progress_note(self):
        from notes.models import ProgressNote, SessionNote

        attendee = self.session.attendees.get()
        session_note = SessionNote.objects.create(
            session=self.session, author=self.counselor, note_format="DAP"
        )
        return ProgressNote.objects.create(
            session_note=session_note,
            attendee=attendee,
            patient=attendee.patient,
            note_format="DAP",
            due_on=self.session.start.date(),
            author=self.counselor,
        )

    @cached_property
    def measurement(self):
        from outcomes import scales, services

        answers = {item.key: 0 for item in scales.PHQ9_ITEMS}
        return services.record_measurement(
            patient=self.patient,
            kind=scales.PHQ9,
            taken_on=timezone.localdate(),
            answers=answers,
            by=self.counselor,
        )

    @cached_property
    def screen(self):
        from outcomes import services

        return services.order_screen(
            patient=self.patient,
            reason="ad_hoc",
            due_on=timezone.localdate(),
            specimen="urine",
            observed=False,
            panel=["cocaine"],
            by=self.counselor,
        )

    @cached_property
    def signed_plan(self):
        """The caseload patient's plan in force (version 1), with a confirmed diagnosis."""
        from tests.treatment.conftest import signed_plan

        self._assess(self.patient)
        return signed_plan(self.patient, self.counselor)

    @cached_property
    def draft_plan(self):
        from treatment import services

        self.signed_plan  # noqa: B018  (the draft is the review of the signed plan)
        return services.start_plan(patient=self.patient, by=self.counselor)

    @cached_property
    def awaiting_patient_plan(self):
        """A plan the counselor has signed, of a second caseload patient."""
        from tests.treatment.conftest import confirm_diagnosis, rows
        from treatment import services

        patient = AdmissionFactory(primary_counselor=self.counselor, program=program("IOP")).patient
        self._assess(patient)
        confirm_diagnosis(patient, self.counselor)
        plan = services.start_plan(patient=patient, by=self.counselor)
        services.save_plan(plan=plan, rows=rows(), by=self.counselor)
        return services.sign_as_counselor(plan=plan, by=self.counselor)

    def _assess(self, patient) -> None:
        from intake import services

        assessment = AssessmentFactory(patient=patient, moderate=True, created_by=self.intake_user)
        SubstanceFactory(assessment=assessment)
        services.complete_assessment(assessment=assessment, by=self.intake_user)

    @cached_property
    def calendar_token(self):
        from scheduling.models import CalendarFeed

        return CalendarFeed.objects.create(user=self.counselor).token


# URL name -> the URL's arguments, from the world. A URL with arguments and no entry
# here fails the walk: add one.
SAMPLES = {
    "programs:program-detail": lambda w: {"slug": "intensive-outpatient"},
    "accounts:password-reset-confirm": lambda w: {
        "uidb64": urlsafe_base64_encode(force_bytes(w.intake_user.pk)),
        "token": default_token_generator.make_token(w.intake_user),
    },
    "intake:inquiry-detail": lambda w: {"public_id": w.inquiry.public_id},
    "intake:log-contact": lambda w: {"public_id": w.inquiry.public_id},
    "intake:book-assessment": lambda w: {"public_id": w.inquiry.public_id},
    "intake:close-inquiry": lambda w: {"public_id": w.inquiry.public_id},
    "intake:reopen-inquiry": lambda w: {"public_id": w.inquiry.public_id},
    "intake:convert-inquiry": lambda w: {"public_id": w.booked_inquiry.public_id},
    "intake:patient-detail": lambda w: {"uuid": w.patient.uuid},
    "intake:edit-patient": lambda w: {"uuid": w.patient.uuid},
    "intake:add-consent": lambda w: {"uuid": w.patient.uuid},
    "intake:revoke-consent": lambda w: {"uuid": w.patient.uuid, "consent_uuid": w.consent.uuid},
    "intake:print-consent": lambda w: {"uuid": w.patient.uuid, "consent_uuid": w.consent.uuid},
    "intake:consent-form-to-sign": lambda w: {"uuid": w.patient.uuid, "kind": "tpo"},
    "intake:disclose-records": lambda w: {"uuid": w.patient.uuid},
    "intake:merge-patient": lambda w: {"uuid": w.patient.uuid},
    "intake:start-assessment": lambda w: {"uuid": w.patient.uuid},
    "intake:admit-patient": lambda w: {"uuid": w.decided_patient.uuid},
    "intake:discharge-patient": lambda w: {"uuid": w.patient.uuid, "admission_id": w.admission.pk},
    "intake:change-level": lambda w: {"uuid": w.patient.uuid, "admission_id": w.admission.pk},
    "intake:plan-discharge": lambda w: {"uuid": w.patient.uuid, "admission_id": w.admission.pk},
    "intake:assessment-detail": lambda w: {"uuid": w.draft_assessment.uuid},
    "intake:add-addendum": lambda w: {"uuid": w.signed_assessment.uuid},
    "intake:print-assessment": lambda w: {"uuid": w.signed_assessment.uuid},
    "intake:decide-placement": lambda w: {"uuid": w.signed_assessment.uuid},
    "intake:amend-decision": lambda w: {"uuid": w.decided_patient.assessments.get().uuid},
    "scheduling:session-detail": lambda w: {"pk": w.session.pk},
    "scheduling:mark-attendance": lambda w: {"pk": w.session.pk},
    "scheduling:mark-all-present": lambda w: {"pk": w.session.pk},
    "scheduling:session-notes": lambda w: {"pk": w.session.pk},
    "scheduling:reschedule-session": lambda w: {"pk": w.session.pk},
    "scheduling:cancel-session": lambda w: {"pk": w.session.pk},
    "scheduling:patient-attendance": lambda w: {"patient_uuid": w.patient.uuid},
    "scheduling:print-attendance": lambda w: {"patient_uuid": w.patient.uuid},
    "scheduling:track-detail": lambda w: {"pk": w.track.pk},
    "scheduling:track-edit": lambda w: {"pk": w.track.pk},
    "scheduling:enroll": lambda w: {"pk": w.track.pk},
    "scheduling:end-enrollment": lambda w: {"pk": w.track.pk, "enrollment_pk": w.enrollment.pk},
    "scheduling:cancel-series": lambda w: {"pk": w.track.pk},
    "scheduling:ical-feed": lambda w: {"token": w.calendar_token},
    "notes:session-note": lambda w: {"pk": w.session.pk},
    "notes:save-shared-part": lambda w: {"pk": w.session.pk},
    "notes:save-part": lambda w: {"pk": w.session.pk, "attendee_pk": w.session.attendees.get().pk},
    "notes:sign-all": lambda w: {"pk": w.session.pk},
    "notes:note-detail": lambda w: {"pk": w.progress_note.pk},
    "notes:add-addendum": lambda w: {"pk": w.progress_note.pk},
    "notes:cosign-note": lambda w: {"pk": w.progress_note.pk},
    "notes:patient-notes": lambda w: {"uuid": w.patient.uuid},
    "notes:counseling-notes": lambda w: {"uuid": w.patient.uuid},
    "outcomes:patient-progress": lambda w: {"uuid": w.patient.uuid},
    "outcomes:add-measurement": lambda w: {"uuid": w.patient.uuid, "kind": "bam7"},
    "outcomes:measurement-detail": lambda w: {"uuid": w.measurement.uuid},
    "outcomes:add-medication": lambda w: {"uuid": w.patient.uuid},
    "outcomes:order-screen": lambda w: {"uuid": w.patient.uuid},
    "outcomes:set-sobriety-date": lambda w: {"uuid": w.patient.uuid},
    "outcomes:screen-detail": lambda w: {"uuid": w.screen.uuid},
    "outcomes:record-collection": lambda w: {"uuid": w.screen.uuid},
    "outcomes:record-results": lambda w: {"uuid": w.screen.uuid},
    "outcomes:dashboard-csv": lambda w: {"table": "census-today"},
    "treatment:diagnosis": lambda w: {"uuid": w.patient.uuid},
    "treatment:plan-list": lambda w: {"uuid": w.patient.uuid},
    "treatment:start-plan": lambda w: {"uuid": w.patient.uuid},
    "treatment:chart": lambda w: {"uuid": w.patient.uuid},
    "treatment:plan-detail": lambda w: {"uuid": w.signed_plan.uuid},
    "treatment:edit-plan": lambda w: {"uuid": w.draft_plan.uuid},
    "treatment:sign-plan": lambda w: {"uuid": w.draft_plan.uuid},
    "treatment:patient-signature": lambda w: {"uuid": w.awaiting_patient_plan.uuid},
    "treatment:print-plan": lambda w: {"uuid": w.signed_plan.uuid},
}
# The admin row is checked on these pages.
ADMIN_URLS = ("admin:index", "admin:accounts_auditevent_changelist", "admin:auth_user_changelist")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture
def world(counselor, intake_user):
    return World(counselor, intake_user)


def urls_for(name: str, world: World) -> list[str]:
    if name == ADMIN:
        return [reverse(admin_name) for admin_name in ADMIN_URLS]
    if name in SAMPLES:
        return [reverse(name, kwargs=SAMPLES[name](world))]
    try:
        return [reverse(name)]
    except NoReverseMatch:
        pytest.fail(
            f"{name} ({URL_NAMES[name]}) takes arguments but has no sample: add an entry "
            f"to SAMPLES in {Path(__file__).name}"
        )


def check_cell(client, url: str, cell: str, who: str) -> None:
    response = client.get(url)
    assert_no_stored_copy(response, url, who)
    status, where = response.status_code, f"{who} GET {url}"
    if cell in {"public", "allowed", "own"}:
        assert status == 200, f"{where}: expected 200 ({cell}), got {status}"
        if response.get("Content-Type", "").startswith("text/html"):
            assert_no_inline_code(response.content.decode(), where)
    elif cell == "post":
        assert status == 405, f"{where}: expected 405 (POST only), got {status}"
    elif cell == "redirect":
        assert status == 302, f"{where}: expected a redirect, got {status}"
        assert not response.url.startswith(LOGIN_URL), f"{where}: sent to sign in"
    elif cell == "login":
        assert status == 302, f"{where}: expected a redirect to sign in, got {status}"
        assert response.url.startswith(f"{LOGIN_URL}?next="), f"{where}: went to {response.url}"
        posted = client.post(url)
        assert posted.status_code == 302, f"{who} POST {url}: got {posted.status_code}"
        assert posted.url.startswith(LOGIN_URL), f"{who} POST {url}: went to {posted.url}"
    else:
        assert status == int(cell), f"{where}: expected {cell}, got {status}"


PUBLIC_APPS = ("programs:", "public_intake:")


def status_ok(response) -> bool:
    return response.status_code in (200, 304)


def assert_no_stored_copy(response, url: str, who: str) -> None:
    """Every staff response, and every response to a signed-in user, forbids browsers and
    proxies to keep a copy (public pages for anonymous visitors set their own caching)."""
    match = response.resolver_match
    if who == "anonymous" and match is not None and match.view_name.startswith(PUBLIC_APPS):
        return
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    if match is not None and match.view_name == "scheduling:ical-feed" and status_ok(response):
        # no patient data, revalidated by its ETag: private, and asked for every time
        assert {"private", "no-cache"} <= directives, f"{who} GET {url}: {directives}"
        return
    assert {"no-store", "private"} <= directives, (
        f"{who} GET {url}: Cache-Control is {response.get('Cache-Control')!r}"
    )


def assert_no_inline_code(html: str, where: str) -> None:
    """The CSP blocks inline script, style and handlers: a page must not depend on them."""
    for label, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("inline style", INLINE_STYLE),
        ("inline event handler", INLINE_HANDLER),
    ):
        found = pattern.search(html)
        assert found is None, f"{where}: {label} {found.group(0)[:80]!r} (blocked by the CSP)"


def test_every_url_has_a_row():
    missing = sorted(set(URL_NAMES) - set(MATRIX_ROWS))
    assert not missing, (
        f"These URLs have no row in docs/access-matrix.md: {missing}. Add one per URL name "
        "saying what anonymous visitors, intake staff, counselors and the clinical director "
        "get (and a sample in SAMPLES if it takes arguments)."
    )


def test_every_row_is_a_url():
    stale = sorted(set(MATRIX_ROWS) - set(URL_NAMES))
    assert not stale, f"docs/access-matrix.md has rows for URLs that no longer exist: {stale}"


def test_every_sample_is_for_a_url():
    assert not set(SAMPLES) - set(URL_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(URL_NAMES) & set(MATRIX_ROWS)))
def test_each_role_gets_what_the_matrix_says(request, world, name):
    row = MATRIX_ROWS[name]
    urls = urls_for(name, world)
    for who in ROLES:
        client = request.getfixturevalue(CLIENTS[who])
        for url in urls:
            check_cell(client, url, row[who], who)


def test_only_public_pages_are_open_to_anonymous_visitors():
    """Sanity of the table itself: staff pages need sign-in."""
    for name, row in MATRIX_ROWS.items():
        if row["anonymous"] in {"public", "redirect", "post"}:
            assert name.split(":")[0] in {"programs", "public_intake", "accounts", "healthz"} or (
                name == "scheduling:ical-feed"
            ), f"{name} is open to anonymous visitors"
