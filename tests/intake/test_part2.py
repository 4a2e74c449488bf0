"""42 CFR Part 2: printed assessments and disclosures carry the redisclosure notice, are
audited, and a disclosure needs a consent in force that covers what is sent."""

from __future__ import annotations

import importlib
import re
import threading
import time
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from intake import records, services
from intake.models import Consent, Disclosure, InvalidTransition
from tests.factories import AdmissionFactory, ConsentFactory, SubstanceFactory
from tests.intake.conftest import days_ago, text, today

pytestmark = pytest.mark.django_db

NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2)."
)
D = date


def noon(day: date) -> datetime:
    """Midday in the clinic's time zone on `day` (the disclosure's clinic day)."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def consent_for(patient, **fields) -> Consent:
    defaults = {
        "signed_on": days_ago(40),
        "expires_on": None,
        "expiry_event": "end_of_treatment",
        "covers_assessment": True,
        "covers_attendance": True,
    }
    return ConsentFactory(patient=patient, **{**defaults, **fields})


def print_url(assessment) -> str:
    return reverse("intake:print-assessment", args=[assessment.uuid])


def disclose_url(patient) -> str:
    return reverse("intake:disclose-records", args=[patient.uuid])


def post_data(consent, what="assessment", start="", end="") -> dict:
    return {
        "consent": str(consent.uuid),
        "what": what,
        "attendance_from": start,
        "attendance_to": end,
    }


def nothing_disclosed(patient) -> bool:
    return (
        not Disclosure.objects.filter(patient=patient).exists()
        and not AuditEvent.objects.filter(action="export", patient_uuid=patient.uuid).exists()
    )


# --- printing an assessment -----------------------------------------------------------------


def test_a_signed_assessment_prints_between_two_notices(intake_client, completed):
    response = intake_client.get(print_url(completed))
    assert response.status_code == 200
    page = text(response)
    assert page.count(NOTICE) == 2
    assert page.index(NOTICE) < page.index("ASAM dimensions") < page.rindex(NOTICE)
    assert "Signed and locked on" in page and "DRAFT" not in page
    assert completed.patient.mrn in page and "Intensive Outpatient" in page
    assert "data-print-button" in page and "js/print.js" in page
    event = AuditEvent.objects.get(action="print", patient_uuid=completed.patient.uuid)
    assert event.object_id == str(completed.uuid) and event.detail == "assessment"


def test_a_draft_prints_clearly_marked_as_a_draft(intake_client, moderate_draft):
    page = text(intake_client.get(print_url(moderate_draft)))
    assert "Intake assessment: DRAFT" in page
    assert page.count("Draft, not signed") == 2  # top and bottom
    assert "DRAFT: not signed." in page
    assert page.count(NOTICE) == 2
    assert AuditEvent.objects.filter(
        action="print", patient_uuid=moderate_draft.patient.uuid
    ).exists()


def test_the_director_prints_too(director_client, completed):
    assert director_client.get(print_url(completed)).status_code == 200


def test_a_counselor_may_not_print_an_assessment_even_of_their_own_patient(
    counselor_client, counselor, intake_user
):
    patient = AdmissionFactory(primary_counselor=counselor).patient
    assessment = services.complete_assessment(
        assessment=SubstanceFactory(
            assessment__patient=patient, assessment__moderate=True
        ).assessment,
        by=intake_user,
    )
    assert counselor_client.get(print_url(assessment)).status_code == 403
    assert not AuditEvent.objects.filter(action="print").exists()


def test_anonymous_visitors_are_sent_to_sign_in(anon_client, completed):
    response = anon_client.get(print_url(completed))
    assert response.status_code == 302 and "/login/" in response.url


# --- the disclose page ------------------------------------------------------------------------


def test_only_consents_in_force_today_are_offered(intake_client, completed):
    patient = completed.patient
    active = consent_for(patient, recipient="Dr. Lena Ortiz, Eastside Family Clinic")
    revoked = consent_for(patient, recipient="County probation office", revoked_on=days_ago(3))
    expired = consent_for(
        patient, recipient="Acme Employer EAP", expires_on=days_ago(5), expiry_event=""
    )
    response = intake_client.get(disclose_url(patient))
    assert response.status_code == 200
    page = text(response)
    assert f'value="{active.uuid}"' in page
    assert f'value="{revoked.uuid}"' not in page and f'value="{expired.uuid}"' not in page
    greyed = page[page.index("Consents not in force today") :]
    assert "County probation office" in greyed
    assert f"Revoked on {days_ago(3):%b} {days_ago(3).day}, {days_ago(3):%Y}." in greyed
    assert "Acme Employer EAP" in greyed and "Expired after" in greyed
    assert "Dr. Lena Ortiz" not in greyed
    assert AuditEvent.objects.filter(
        action="view", patient_uuid=patient.uuid, detail="disclosure form"
    ).exists()


def test_without_a_consent_in_force_there_is_no_form(intake_client, patient):
    consent_for(patient, revoked_on=days_ago(1))
    page = text(intake_client.get(disclose_url(patient)))
    assert "No consent is in force today, so nothing can be disclosed." in page
    assert 'name="what"' not in page


def test_without_a_signed_assessment_only_attendance_is_offered(intake_client, moderate_draft):
    patient = moderate_draft.patient
    consent = consent_for(patient)
    page = text(intake_client.get(disclose_url(patient)))
    assert 'value="attendance"' in page and 'value="assessment"' not in page
    response = intake_client.post(disclose_url(patient), post_data(consent, "assessment"))
    assert response.status_code == 400
    assert nothing_disclosed(patient)


def test_disclosing_downloads_the_document_and_records_it(intake_client, intake_user, completed):
    patient = completed.patient
    consent = consent_for(
        patient,
        recipient="Dr. Lena Ortiz, Eastside Family Clinic",
        purpose="Coordinate medical care",
        information="My intake assessment and my attendance",
    )
    start, end = days_ago(30).isoformat(), today().isoformat()
    response = intake_client.post(disclose_url(patient), post_data(consent, "both", start, end))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="disclosure-')
    assert patient.legal_last_name not in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    document = text(response)
    assert document.count(NOTICE) == 2
    assert document.index(NOTICE) < document.index("Intake assessment of") < document.rindex(NOTICE)
    assert "Attendance, " in document  # the attendance section (scheduling renders it)
    # 2.32(b): the consent's scope goes with the records
    assert "My intake assessment and my attendance" in document
    assert "Dr. Lena Ortiz, Eastside Family Clinic" in document
    assert patient.legal_name in document and patient.mrn in document

    disclosure = Disclosure.objects.get(patient=patient)
    assert disclosure.consent == consent and disclosure.assessment == completed
    assert disclosure.what == "both" and disclosure.by == intake_user
    assert (disclosure.attendance_from, disclosure.attendance_to) == (days_ago(30), today())
    assert disclosure.recipient == consent.recipient and disclosure.purpose == consent.purpose
    event = AuditEvent.objects.get(action="export", patient_uuid=patient.uuid)
    assert event.object_id == str(disclosure.uuid)
    assert patient.legal_last_name not in event.detail

    listed = text(intake_client.get(patient.get_absolute_url()))
    disclosures = listed[listed.index('id="disclosures-heading"') :]
    assert "Dr. Lena Ortiz, Eastside Family Clinic" in disclosures
    assert "Intake assessment and attendance records" in disclosures
    assert intake_user.get_full_name() in disclosures


def test_the_recipient_is_kept_as_it_read_when_the_records_left(intake_user, completed):
    consent = consent_for(completed.patient, recipient="Eastside Family Clinic")
    disclosure = services.disclose_records(
        patient=completed.patient, consent=consent, what="assessment", by=intake_user
    )
    Consent.objects.filter(pk=consent.pk).update(recipient="Someone else")
    disclosure.refresh_from_db()
    assert disclosure.recipient == "Eastside Family Clinic"
    with pytest.raises(ProtectedError):
        consent.delete()


# --- refusals -------------------------------------------------------------------------------

REVOKED_ON = D(2026, 3, 10)


@pytest.mark.parametrize(
    "day, allowed",
    [
        (REVOKED_ON - timedelta(days=1), True),
        (REVOKED_ON, False),  # honoured from its date
        (REVOKED_ON + timedelta(days=1), False),
        (REVOKED_ON + timedelta(days=200), False),
    ],
)
def test_a_revoked_consent_refuses_from_its_revocation_date(intake_user, patient, day, allowed):
    consent = consent_for(
        patient, signed_on=D(2026, 2, 1), revoked_on=REVOKED_ON, covers_assessment=False
    )

    def disclose():
        return services.disclose_records(
            patient=patient,
            consent=consent,
            what="attendance",
            attendance_from=D(2026, 2, 1),
            attendance_to=D(2026, 3, 1),
            by=intake_user,
            at=noon(day),
        )

    if allowed:
        assert disclose().disclosed_at == noon(day)
    else:
        with pytest.raises(InvalidTransition, match="can't be used: revoked on Mar 10, 2026"):
            disclose()
        assert nothing_disclosed(patient)


def test_disclosures_made_before_the_revocation_stay_listed(intake_client, intake_user, patient):
    consent = consent_for(patient, covers_assessment=False, recipient="County probation office")
    services.disclose_records(
        patient=patient,
        consent=consent,
        what="attendance",
        attendance_from=days_ago(20),
        attendance_to=days_ago(3),
        by=intake_user,
        at=noon(days_ago(2)),
    )
    services.revoke_consent(
        consent=consent, on=days_ago(1), reason="Patient withdrew it in writing.", by=intake_user
    )

    response = intake_client.post(
        disclose_url(patient), post_data(consent, "attendance", days_ago(5), days_ago(1))
    )
    assert response.status_code == 400
    assert "This consent can't be used: revoked on" in text(response)
    assert Disclosure.objects.filter(patient=patient).count() == 1

    page = text(intake_client.get(patient.get_absolute_url()))
    listed = page[page.index('id="disclosures-heading"') :]
    assert "County probation office" in listed
    assert "revocation date" not in listed  # made before it


def test_a_back_dated_revocation_flags_what_was_sent_after_its_date(
    intake_client, intake_user, patient
):
    consent = consent_for(patient, covers_assessment=False)
    services.disclose_records(
        patient=patient,
        consent=consent,
        what="attendance",
        attendance_from=days_ago(20),
        attendance_to=days_ago(3),
        by=intake_user,
        at=noon(days_ago(2)),
    )
    # the patient revoked in writing 5 days ago; the clinic recorded it only today
    services.revoke_consent(
        consent=consent, on=days_ago(5), reason="Patient withdrew it in writing.", by=intake_user
    )
    page = text(intake_client.get(patient.get_absolute_url()))
    assert "On or after the consent's revocation date" in page


def test_an_expired_consent_is_refused(intake_client, intake_user, completed):
    patient = completed.patient
    consent = consent_for(patient, expires_on=days_ago(1), expiry_event="")
    response = intake_client.post(disclose_url(patient), post_data(consent, "assessment"))
    assert response.status_code == 400
    assert "This consent can't be used: expired after" in text(response)
    with pytest.raises(InvalidTransition, match="expired after"):
        services.disclose_records(
            patient=patient, consent=consent, what="assessment", by=intake_user
        )
    assert nothing_disclosed(patient)


def test_a_consent_until_end_of_treatment_is_refused_after_discharge(intake_user, patient):
    admission = AdmissionFactory(patient=patient, start_date=days_ago(60))
    admission.discharge(on=days_ago(2), reason="completed")
    consent = consent_for(patient, signed_on=days_ago(50))
    with pytest.raises(InvalidTransition, match="expired when treatment ended"):
        services.disclose_records(
            patient=patient,
            consent=consent,
            what="attendance",
            attendance_from=days_ago(50),
            attendance_to=days_ago(2),
            by=intake_user,
        )
    assert nothing_disclosed(patient)


def test_a_consent_not_covering_the_assessment_refuses_it(intake_client, intake_user, completed):
    patient = completed.patient
    consent = consent_for(
        patient, covers_assessment=False, information="Attendance and completion only"
    )
    response = intake_client.post(disclose_url(patient), post_data(consent, "both"))
    assert response.status_code == 400
    page = text(response)
    assert "This consent does not cover the intake assessment" in page
    assert "“Attendance and completion only”" in page
    assert re.search(r'value="both"[^>]*checked', page)  # the choice is kept
    with pytest.raises(InvalidTransition, match="does not cover the intake assessment"):
        services.disclose_records(
            patient=patient, consent=consent, what="assessment", by=intake_user
        )
    assert nothing_disclosed(patient)


def test_a_consent_covering_nothing_the_app_sends_refuses_everything(intake_user, patient):
    consent = consent_for(patient, covers_assessment=False, covers_attendance=False)
    with pytest.raises(InvalidTransition, match="allows none of the records the app can send"):
        services.disclose_records(
            patient=patient,
            consent=consent,
            what="attendance",
            attendance_from=days_ago(9),
            attendance_to=days_ago(1),
            by=intake_user,
        )


def test_another_patients_consent_is_refused(intake_client, intake_user, completed, patient):
    theirs = consent_for(patient)
    response = intake_client.post(disclose_url(completed.patient), post_data(theirs))
    assert response.status_code == 400
    assert "Choose one of the consents listed." in text(response)
    with pytest.raises(InvalidTransition):
        services.disclose_records(
            patient=completed.patient, consent=theirs, what="assessment", by=intake_user
        )
    assert not Disclosure.objects.exists()


# the dates below are made when the tests are collected; the test runs on that same day
COLLECTED_ON = today()


@pytest.mark.parametrize(
    "start, end, field_message",
    [
        ("", "", "Give the first and last day of attendance to send."),
        (days_ago(3), days_ago(5), "The first day comes after the last one."),
        (days_ago(3), today() + timedelta(days=1), "Attendance can only be sent up to today."),
        ("not a date", days_ago(1), "Enter a valid date."),
    ],
)
def test_a_bad_attendance_period_is_refused(
    intake_client, patient, start, end, field_message, frozen_now
):
    noon = datetime.combine(COLLECTED_ON, datetime.min.time()) + timedelta(hours=12)
    frozen_now(timezone.make_aware(noon))
    consent = consent_for(patient)
    response = intake_client.post(
        disclose_url(patient), post_data(consent, "attendance", start, end)
    )
    assert response.status_code == 400
    page = text(response)
    assert field_message in page
    for typed in (start, end):
        if typed:
            assert f'value="{typed}"' in page  # what was typed stays
    assert nothing_disclosed(patient)


def test_counselors_may_not_disclose(counselor_client, counselor):
    patient = AdmissionFactory(primary_counselor=counselor).patient
    consent = consent_for(patient)
    assert counselor_client.get(disclose_url(patient)).status_code == 403
    response = counselor_client.post(
        disclose_url(patient), post_data(consent, "attendance", days_ago(5), days_ago(1))
    )
    assert response.status_code == 403
    assert nothing_disclosed(patient)


def test_a_document_that_fails_to_render_leaves_nothing_recorded(
    intake_client, completed, monkeypatch
):
    consent = consent_for(completed.patient)

    def broken(disclosure, request=None):
        raise InvalidTransition("The document could not be made; nothing was sent.")

    monkeypatch.setattr(records, "disclosure_document", broken)
    response = intake_client.post(disclose_url(completed.patient), post_data(consent))
    assert response.status_code == 400
    assert "The document could not be made" in text(response)
    assert nothing_disclosed(completed.patient)


@pytest.mark.django_db(transaction=True)
def test_a_revocation_saved_while_a_disclosure_waits_refuses_it(intake_user, monkeypatch):
    """The revocation holds the consent's row lock; the disclosure waits for it, then
    reads the revoked consent (without select_for_update it would read the old row and
    send the records)."""
    consent = consent_for(AdmissionFactory().patient, covers_assessment=False)
    patient = consent.patient
    holding = threading.Event()
    original = Consent.revoke

    def slow_revoke(self, *, on, reason=""):
        holding.set()
        time.sleep(0.6)
        original(self, on=on, reason=reason)

    monkeypatch.setattr(Consent, "revoke", slow_revoke)
    errors: list[Exception] = []

    def revoke():
        try:
            services.revoke_consent(
                consent=consent,
                on=today(),
                reason="Patient withdrew it in writing.",
                by=intake_user,
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=revoke)
    thread.start()
    assert holding.wait(timeout=10)
    started = time.monotonic()
    with pytest.raises(InvalidTransition, match="revoked on"):
        services.disclose_records(
            patient=patient,
            consent=consent,
            what="attendance",
            attendance_from=days_ago(7),
            attendance_to=today(),
            by=intake_user,
        )
    waited = time.monotonic() - started
    thread.join(timeout=10)
    assert not errors
    assert waited > 0.3, "the disclosure did not wait for the revocation's lock"
    assert not Disclosure.objects.exists()


# --- consent scope ----------------------------------------------------------------------------


def test_the_consent_form_records_which_records_it_covers(intake_client, patient):
    data = {
        "recipient": "Superior Court probation office (fictional)",
        "purpose": "Report attendance to the court",
        "information": "Attendance and completion only",
        "covers_attendance": "on",
        "signed_on": days_ago(1).isoformat(),
        "expires_on": "",
        "expiry_event": "end_of_treatment",
        "expiry_event_detail": "",
    }
    page = text(intake_client.get(reverse("intake:add-consent", args=[patient.uuid])))
    assert "Records the app may send under it" in page
    response = intake_client.post(reverse("intake:add-consent", args=[patient.uuid]), data)
    assert response.status_code == 302
    consent = patient.consents.get()
    assert consent.covers_attendance and not consent.covers_assessment


scope_from_words = importlib.import_module(
    "intake.migrations.0004_part2_disclosures"
).scope_from_words


@pytest.mark.parametrize(
    "words, expected",
    [
        ("Attendance and completion only", (False, True)),
        ("Attendance, diagnosis and medications", (False, True)),
        ("Intake assessment and treatment plan", (True, False)),
        ("Evaluation results and attendance", (True, True)),
        ("All records of my treatment", (True, True)),
        ("The whole record", (True, True)),
        ("Diagnosis and medications", (False, False)),
        ("Everything except my assessment", (False, False)),
        ("Attendance but not the assessment", (False, False)),
    ],
)
def test_consents_recorded_before_the_boxes_are_read_cautiously(words, expected):
    assert scope_from_words(words) == expected


# --- links and query counts -----------------------------------------------------------------


def test_the_patient_page_links_to_attendance_printing_and_disclosure(
    intake_client, counselor_client, counselor, completed
):
    patient = completed.patient
    page = intake_client.get(patient.get_absolute_url()).content.decode()
    assert reverse("scheduling:patient-attendance", args=[patient.uuid]) in page
    assert reverse("scheduling:print-attendance", args=[patient.uuid]) in page
    assert reverse("intake:print-assessment", args=[completed.uuid]) in page
    assert reverse("intake:disclose-records", args=[patient.uuid]) in page

    own = AdmissionFactory(primary_counselor=counselor).patient
    page = counselor_client.get(own.get_absolute_url()).content.decode()
    assert reverse("scheduling:print-attendance", args=[own.uuid]) in page
    assert reverse("intake:disclose-records", args=[own.uuid]) not in page
    assert 'id="disclosures-heading"' not in page


def _queries(client, url, method="get", data=None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    return response.status_code, len(ctx.captured_queries)


def _baseline(client) -> int:
    """What every signed-in request costs (tests/intake/test_query_counts.py)."""
    return _queries(client, reverse("intake:home"))[1]


def test_print_and_disclose_pages_have_pinned_query_counts(
    intake_client, intake_user, completed, django_assert_max_num_queries
):
    patient = completed.patient
    consent = consent_for(patient)
    # queries beyond the signed-in baseline; each page also checks the user's roles
    pages = {
        # assessment (+ patient), audit, substances, addenda, decision, the diagnosis
        # (treatment's fact in the patient block)
        "print assessment": (print_url(completed), "get", None, 7),
        # patient, admissions, consents, latest signed assessment, audit
        "disclose page": (disclose_url(patient), "get", None, 6),
        # the same 5 reads, the chosen consent, 2 savepoints, the consent locked, the
        # latest signed assessment again (inside the lock), disclosure, audit, release;
        # the document: substances, addenda, decision, admission, attendance; release
        "disclose": (
            disclose_url(patient),
            "post",
            post_data(consent, "both", days_ago(30), today()),
            19,
        ),
    }
    _queries(intake_client, print_url(completed))  # warm per-process caches
    base = _baseline(intake_client)
    before = {}
    for name, (url, method, data, own) in pages.items():
        with django_assert_max_num_queries(base + own, info=name):
            status, before[name] = _queries(intake_client, url, method, data)
        assert status == 200, name
    for n in range(10):
        services.add_addendum(assessment=completed, text=f"Addendum {n}.", by=intake_user)
        SubstanceFactory(assessment=completed, is_primary=False)
        consent_for(patient, revoked_on=days_ago(1))
        consent_for(patient)
    for name, (url, method, data, _) in pages.items():
        status, after = _queries(intake_client, url, method, data)
        assert status == 200 and after == before[name], name
