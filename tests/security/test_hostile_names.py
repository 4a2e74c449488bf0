"""Hostile input shown back: a patient, an inquiry, notes, a session note, a
track, a room and a staff member named like an attack render as text on every page
they appear on: the escaped form is in the HTML, the raw markup nowhere.

The same world drives the browser check (tests/browser/test_xss.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from intake import services as intake_services
from intake.models import Patient
from scheduling import clinictime
from scheduling import services as scheduling_services
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    ContactAttemptFactory,
    InquiryFactory,
    PatientFactory,
    RoomFactory,
    SubstanceFactory,
    TrackFactory,
    program,
    session_type,
)

XSS = "<script>alert(1)</script>"
SQL = "'; drop table intake_patient; --"
IMG = "<img src=x onerror=alert(2)>"
HOSTILE = (XSS, SQL, IMG)


@dataclass
class Hostile:
    patient: Patient
    other_patient: Patient
    inquiry: object
    closed_inquiry: object
    consent: object
    signed: object
    draft: object
    admission: object
    session: object
    cancelled: object
    track: object


def make_hostile_world(*, counselor, intake_user) -> Hostile:
    """Every free-text field people type, filled with attacks, on records a counselor
    (caseload, sessions) and intake staff can all reach."""
    today = timezone.localdate()
    counselor.first_name, counselor.last_name = IMG, "Okafor"
    counselor.save(update_fields=["first_name", "last_name"])

    inquiry = InquiryFactory(name=f"{XSS} {SQL}", message=IMG, status="contacted")
    ContactAttemptFactory(inquiry=inquiry, note=XSS, by=intake_user)
    closed_inquiry = InquiryFactory(name=SQL)
    intake_services.close_inquiry(inquiry=closed_inquiry, by=intake_user, reason="other", note=XSS)

    patient = PatientFactory(
        legal_first_name=XSS,
        legal_last_name=SQL,
        gender_identity=IMG,
        city=XSS,
        emergency_contact_name=SQL,
        emergency_contact_phone="(213) 555-0155",
        status="in_assessment",
    )
    signed = AssessmentFactory(
        moderate=True,
        patient=patient,
        referral_detail=XSS,
        d1_note=SQL,
        d2_note=IMG,
        created_by=intake_user,
    )
    SubstanceFactory(assessment=signed, substance="other", substance_other=XSS)
    signed = intake_services.complete_assessment(assessment=signed, by=intake_user)
    intake_services.add_addendum(assessment=signed, text=XSS, by=intake_user)
    decision = intake_services.decide_placement(
        assessment=signed, final_level="PHP", reason=IMG, by=intake_user
    )
    admission = AdmissionFactory(
        patient=patient,
        program=program("PHP"),
        primary_counselor=counselor,
        start_date=today - timedelta(days=14),
        decision=decision,
    )
    consent = ConsentFactory(
        patient=patient,
        recipient=XSS,
        purpose=SQL,
        information=IMG,
        signed_on=today - timedelta(days=20),
        covers_assessment=True,
        covers_attendance=True,
    )

    other_patient = PatientFactory(
        legal_first_name="Dana", legal_last_name=XSS, preferred_name=IMG, status="in_assessment"
    )
    draft = AssessmentFactory(
        patient=other_patient, referral_detail=SQL, d3_note=XSS, created_by=intake_user
    )

    room = RoomFactory(name=SQL)
    session = scheduling_services.book_individual_session(
        patient=patient,
        counselor=counselor,
        room=room,
        start=clinictime.local_to_utc(today - timedelta(days=1), time(10, 0)),
        minutes=50,
        session_type=session_type("individual-counseling"),
        by=counselor,
    )
    scheduling_services.mark_all_present(session=session, by=counselor)
    scheduling_services.save_session_notes(session=session, notes=XSS, by=counselor)
    cancelled = scheduling_services.book_individual_session(
        patient=patient,
        counselor=counselor,
        room=room,
        start=clinictime.local_to_utc(today + timedelta(days=2), time(15, 0)),
        minutes=50,
        session_type=session_type("individual-counseling"),
        by=counselor,
    )
    scheduling_services.cancel_session(session=cancelled, reason=SQL, by=counselor)

    monday = clinictime.monday_of(today)
    track = TrackFactory(
        name=XSS,
        program=program("PHP"),
        lead_counselor=counselor,
        room=RoomFactory(name=IMG),
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(13, 0),
        length_minutes=120,
        first_date=monday - timedelta(days=7),
    )
    scheduling_services.enroll_patient(
        track=track, patient=patient, joined=monday - timedelta(days=7), today=today
    )
    scheduling_services.generate_track_sessions(
        track=track, start=monday - timedelta(days=7), end=monday + timedelta(days=7)
    )
    return Hostile(
        patient=patient,
        other_patient=other_patient,
        inquiry=inquiry,
        closed_inquiry=closed_inquiry,
        consent=consent,
        signed=signed,
        draft=draft,
        admission=admission,
        session=session,
        cancelled=cancelled,
        track=track,
    )


def fail_sign_in_as_attacker(times: int = 1, *, username: str = XSS) -> None:
    """Sign-in failures with an attack as the username and as the browser's name: both
    are kept (audit log, lockouts) and shown to the director."""
    client = Client(HTTP_USER_AGENT=IMG)
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"})


def assert_shown_as_text(html: str, where: str, expected=HOSTILE) -> None:
    for raw in HOSTILE:
        assert raw not in html, f"{where}: raw {raw!r} in the page"
    missing = [raw for raw in expected if escape(raw) not in html]
    assert not missing, f"{where}: {missing} not shown (escaped) on the page"


@pytest.fixture
def hostile(counselor, intake_user):
    return make_hostile_world(counselor=counselor, intake_user=intake_user)


def _get(client, url: str, where: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{where}: {response.status_code}"
    return response.content.decode()


def intake_pages(h: Hostile, counselor) -> list[tuple[str, str, tuple]]:
    patient, signed = h.patient, h.signed
    week = reverse("scheduling:week")
    return [
        ("queue", reverse("intake:inquiry-list"), (XSS, SQL)),
        ("queue, all", reverse("intake:inquiry-list") + "?status=all", (XSS, SQL)),
        ("inquiry", reverse("intake:inquiry-detail", args=[h.inquiry.public_id]), HOSTILE),
        (
            "closed inquiry",
            reverse("intake:inquiry-detail", args=[h.closed_inquiry.public_id]),
            (XSS, SQL),
        ),
        ("patient list", reverse("intake:patient-list"), HOSTILE),
        ("patient", reverse("intake:patient-detail", args=[patient.uuid]), (XSS, SQL)),
        (
            "other patient",
            reverse("intake:patient-detail", args=[h.other_patient.uuid]),
            (XSS, IMG),
        ),
        ("edit patient", reverse("intake:edit-patient", args=[patient.uuid]), HOSTILE),
        ("assessment (signed)", reverse("intake:assessment-detail", args=[signed.uuid]), HOSTILE),
        ("assessment (draft)", reverse("intake:assessment-detail", args=[h.draft.uuid]), HOSTILE),
        ("assessment print", reverse("intake:print-assessment", args=[signed.uuid]), HOSTILE),
        ("disclose", reverse("intake:disclose-records", args=[patient.uuid]), (XSS, SQL)),
        (
            "revoke consent",
            reverse("intake:revoke-consent", args=[patient.uuid, h.consent.uuid]),
            (XSS, SQL),
        ),
        (
            "discharge",
            reverse("intake:discharge-patient", args=[patient.uuid, h.admission.pk]),
            (XSS, SQL),
        ),
        (
            "attendance",
            reverse("scheduling:patient-attendance", args=[patient.uuid]),
            (XSS, SQL),
        ),
        (
            "attendance print",
            reverse("scheduling:print-attendance", args=[patient.uuid]),
            (XSS, SQL),
        ),
        ("tracks", reverse("scheduling:track-list"), (XSS, IMG)),
        ("track", reverse("scheduling:track-detail", args=[h.track.pk]), (XSS, SQL, IMG)),
        ("week of the counselor", f"{week}?show=counselor-{counselor.pk}", (XSS, IMG)),
        ("session", reverse("scheduling:session-detail", args=[h.session.pk]), HOSTILE),
        ("cancelled session", reverse("scheduling:session-detail", args=[h.cancelled.pk]), (SQL,)),
        ("book a session", reverse("scheduling:book-individual"), (XSS, SQL, IMG)),
        ("staff home", reverse("accounts:home"), ()),
    ]


@pytest.mark.django_db
def test_intake_staff_pages_show_hostile_text_as_text(hostile, intake_client, counselor):
    for where, url, expected in intake_pages(hostile, counselor):
        assert_shown_as_text(_get(intake_client, url, where), where, expected)


@pytest.mark.django_db
def test_counselor_pages_show_hostile_text_as_text(hostile, counselor_client):
    h = hostile
    pages = [
        ("my week", reverse("scheduling:week"), (XSS,)),
        ("caseload", reverse("scheduling:caseload"), (XSS, SQL)),
        ("roster", reverse("scheduling:session-detail", args=[h.session.pk]), HOSTILE),
        ("patient", reverse("intake:patient-detail", args=[h.patient.uuid]), (XSS, SQL)),
        ("assessment", reverse("intake:assessment-detail", args=[h.signed.uuid]), HOSTILE),
        ("track", reverse("scheduling:track-detail", args=[h.track.pk]), (XSS, SQL)),
        ("staff home", reverse("accounts:home"), ()),
    ]
    for where, url, expected in pages:
        assert_shown_as_text(_get(counselor_client, url, where), where, expected)


@pytest.mark.django_db
def test_director_pages_show_hostile_text_as_text(hostile, director_client, counselor_client):
    # the counselor (named IMG) opens the record: the access lists name them
    _get(counselor_client, reverse("intake:patient-detail", args=[hostile.patient.uuid]), "open")
    fail_sign_in_as_attacker(settings.AXES_FAILURE_LIMIT)
    audit = reverse("accounts:audit-log")
    pages = [
        ("audit log", audit, (XSS, IMG)),
        ("audit log of the patient", f"{audit}?patient={hostile.patient.uuid}", (IMG,)),
        ("locked accounts", reverse("accounts:lockout-list"), (XSS,)),
        ("caseload", reverse("scheduling:caseload"), (XSS, SQL, IMG)),
        ("patient", reverse("intake:patient-detail", args=[hostile.patient.uuid]), HOSTILE),
        ("staff home", reverse("accounts:home"), ()),
    ]
    for where, url, expected in pages:
        assert_shown_as_text(_get(director_client, url, where), where, expected)


@pytest.mark.django_db
def test_a_disclosed_document_shows_hostile_text_as_text(hostile, intake_client):
    response = intake_client.post(
        reverse("intake:disclose-records", args=[hostile.patient.uuid]),
        {
            "consent": hostile.consent.uuid,
            "what": "both",
            "attendance_from": hostile.admission.start_date,
            "attendance_to": timezone.localdate(),
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    for raw in HOSTILE:
        assert raw not in response["Content-Disposition"]
    assert_shown_as_text(response.content.decode(), "disclosure document")


@pytest.mark.django_db
def test_hostile_text_typed_into_forms_comes_back_escaped(hostile, intake_client):
    """What a form echoes (a search term, a refused choice) is escaped too."""
    search = intake_client.post(reverse("intake:patient-list"), {"q": XSS}, follow=True)
    assert_shown_as_text(search.content.decode(), "patient search", (XSS,))
    queue = intake_client.post(reverse("intake:inquiry-list"), {"q": IMG}, follow=True)
    assert_shown_as_text(queue.content.decode(), "inquiry search", (IMG,))
    refused = intake_client.post(
        reverse("intake:log-contact", args=[hostile.inquiry.public_id]),
        {"at": "", "method": XSS, "outcome": IMG, "note": SQL},
    )
    assert refused.status_code == 400
    assert_shown_as_text(refused.content.decode(), "refused contact attempt")
    assert Patient.objects.filter(pk=hostile.patient.pk).exists()  # the table is still there
