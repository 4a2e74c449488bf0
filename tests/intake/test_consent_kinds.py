"""The three consent kinds of the 2024 Part 2 rule, each allowing and refusing exactly
what it should, through the page and through the service; the printable forms; the
copy of the consent that goes with a disclosure; the migration of older consents."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from intake import services
from intake.models import (
    AT_PATIENT_REQUEST,
    HIPAA_REDISCLOSURE_STATEMENT,
    TPO_PURPOSE,
    TPO_RECIPIENTS,
    Consent,
    InvalidTransition,
    RecordKind,
)
from intake.models.consents import REFUSAL_STATEMENTS
from tests.factories import ConsentFactory, PatientFactory
from tests.intake.conftest import days_ago, text, today

pytestmark = pytest.mark.django_db

ASSESSMENT, ATTENDANCE, NOTES = (
    RecordKind.ASSESSMENT,
    RecordKind.ATTENDANCE,
    RecordKind.COUNSELING_NOTES,
)
NOTICE = "This record which has been disclosed to you is protected by Federal confidentiality"


def add_url(patient) -> str:
    return reverse("intake:add-consent", args=[patient.uuid])


def _post(client, patient, **fields):
    data = {
        "kind": "recipient",
        "recipient": "",
        "purpose": "",
        "information": "My attendance dates and hours",
        "signed_on": days_ago(1).isoformat(),
        "expires_on": "",
        "expiry_event": "end_of_treatment",
        "expiry_event_detail": "",
        **fields,
    }
    return client.post(add_url(patient), {k: v for k, v in data.items() if v is not None})


def _consent(patient=None, **fields) -> Consent:
    defaults = {"signed_on": days_ago(30), "expiry_event": "end_of_treatment"}
    return ConsentFactory(patient=patient or PatientFactory(), **{**defaults, **fields})


# --- TPO -----------------------------------------------------------------------------------


def test_a_tpo_consent_fills_in_its_purpose_recipients_and_statements(intake_client):
    patient = PatientFactory()
    response = _post(
        intake_client,
        patient,
        kind="tpo",
        expiry_event="none",
        covers_assessment="on",
        covers_attendance="on",
    )
    assert response.status_code == 302
    consent = patient.consents.get()
    assert consent.kind == Consent.Kind.TPO
    assert consent.purpose == TPO_PURPOSE
    assert (consent.recipient, consent.recipient_is_class) == (TPO_RECIPIENTS, True)
    assert consent.refusal_statement == REFUSAL_STATEMENTS["tpo"]
    assert consent.expiry_display == "until revoked in writing"
    assert consent.redisclosure_statement == HIPAA_REDISCLOSURE_STATEMENT
    page = text(intake_client.get(patient.get_absolute_url()))
    assert "Treatment, payment and health care operations (TPO)" in page


def test_a_tpo_consent_allows_what_it_covers_until_revoked_in_writing(intake_user):
    consent = _consent(kind="tpo", purpose=TPO_PURPOSE, expiry_event="none", covers_assessment=True)
    far = today().replace(year=today().year + 5)
    assert consent.allows(ASSESSMENT) and consent.allows(ASSESSMENT, on=far)  # never expires
    assert not consent.allows(ATTENDANCE)  # not ticked
    assert not consent.allows(NOTES)  # never the counseling notes
    services.revoke_consent(consent=consent, on=today(), by=intake_user)
    consent.refresh_from_db()
    assert consent.allows(ASSESSMENT, on=days_ago(1))  # honoured from its date only
    assert not consent.allows(ASSESSMENT, on=today())
    assert not consent.allows(ASSESSMENT, on=far)


# --- to a recipient ------------------------------------------------------------------------


def test_the_purpose_may_be_at_the_request_of_the_patient(intake_client):
    patient = PatientFactory()
    response = _post(
        intake_client,
        patient,
        recipient="My treating providers",
        recipient_is_class="on",
        at_patient_request="on",
        covers_attendance="on",
    )
    assert response.status_code == 302
    consent = patient.consents.get()
    assert consent.purpose == AT_PATIENT_REQUEST and consent.recipient_is_class
    assert consent.refusal_statement == REFUSAL_STATEMENTS["recipient"]
    assert consent.allows(ATTENDANCE) and not consent.allows(ASSESSMENT)
    assert not consent.allows(NOTES)


def test_a_recipient_consent_needs_a_purpose_and_an_end(intake_client, intake_user):
    patient = PatientFactory()
    no_purpose = _post(intake_client, patient, recipient="Dr. Ortiz")
    assert no_purpose.status_code == 400
    assert "tick “At the request of the patient”" in text(no_purpose)
    forever = _post(
        intake_client, patient, recipient="Dr. Ortiz", purpose="Care", expiry_event="none"
    )
    assert forever.status_code == 400
    assert "Only a TPO consent may run until revoked" in text(forever)
    assert 'value="Dr. Ortiz"' in text(forever)  # what was typed is kept
    assert not patient.consents.exists()
    # and through the service
    unsaved = Consent(
        recipient="Dr. Ortiz",
        purpose="Care",
        information="x",
        signed_on=today(),
        expiry_event="none",
    )
    with pytest.raises(ValidationError) as refused:
        services.add_consent(consent=unsaved, patient=patient, by=intake_user)
    assert "expiry_event" in refused.value.message_dict
    assert not patient.consents.exists()


# --- SUD counseling notes ------------------------------------------------------------------


def test_a_counseling_notes_consent_lets_out_those_notes_and_nothing_else(intake_client):
    patient = PatientFactory()
    mixed = _post(
        intake_client,
        patient,
        kind="counseling_notes",
        recipient="Dr. Ortiz",
        purpose="Care",
        information="Notes of March 2026",
        covers_assessment="on",
    )
    assert mixed.status_code == 400
    assert "covers those notes only" in text(mixed)
    assert not patient.consents.exists()
    ok = _post(
        intake_client,
        patient,
        kind="counseling_notes",
        recipient="Dr. Ortiz",
        purpose="Care",
        information="Notes of March 2026",
    )
    assert ok.status_code == 302
    consent = patient.consents.get()
    assert consent.covered_kinds == {NOTES}
    assert consent.allows(NOTES)
    assert not consent.allows(ASSESSMENT) and not consent.allows(ATTENDANCE)
    assert "covers those notes only" not in consent.disclosure_refusal(kinds=[NOTES], on=today())
    refusal = consent.disclosure_refusal(kinds=[ATTENDANCE], on=today())
    assert refusal.startswith(
        "A consent for SUD counseling notes lets out those notes and nothing else"
    )


def test_the_database_refuses_a_counseling_notes_consent_covering_more(intake_user):
    consent = _consent(kind="counseling_notes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(covers_attendance=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(expiry_event="none")


def test_no_other_consent_lets_out_counseling_notes():
    for kind in ("tpo", "recipient"):
        consent = _consent(kind=kind, covers_assessment=True, covers_attendance=True)
        assert not consent.allows(NOTES)
        assert "only under a consent of their own" in consent.disclosure_refusal(
            kinds=[NOTES], on=today()
        )


def test_disclosing_attendance_under_a_counseling_notes_consent_is_refused(intake_user):
    consent = _consent(kind="counseling_notes")
    with pytest.raises(InvalidTransition, match="lets out those notes and nothing else"):
        services.disclose_records(
            patient=consent.patient,
            consent=consent,
            what="attendance",
            by=intake_user,
            attendance_from=days_ago(10),
            attendance_to=today(),
        )
    assert not consent.disclosures.exists()


# --- printable forms and the copy that goes with a disclosure ------------------------------


@pytest.mark.parametrize("kind", ["tpo", "recipient", "counseling_notes"])
def test_each_kind_has_a_form_to_print_and_sign(intake_client, kind):
    patient = PatientFactory()
    response = intake_client.get(reverse("intake:consent-form-to-sign", args=[patient.uuid, kind]))
    assert response.status_code == 200
    page = text(response)
    assert patient.legal_name in page
    assert "Signature of the patient" in page and "Date signed" in page
    assert "revoke this consent at any time, in writing" in page
    assert REFUSAL_STATEMENTS[kind] in page
    assert (HIPAA_REDISCLOSURE_STATEMENT in page) is (kind == "tpo")
    assert (TPO_RECIPIENTS in page) is (kind == "tpo")
    event = AuditEvent.objects.get(action="print", patient_uuid=patient.uuid)
    assert event.detail == f"consent form: {kind}"


def test_an_unknown_kind_of_form_is_404_and_counselors_get_none(intake_client, counselor_client):
    patient = PatientFactory()
    assert (
        intake_client.get(
            reverse("intake:consent-form-to-sign", args=[patient.uuid, "general"])
        ).status_code
        == 404
    )
    assert (
        counselor_client.get(
            reverse("intake:consent-form-to-sign", args=[patient.uuid, "tpo"])
        ).status_code
        == 403
    )


def test_a_recorded_consent_prints_with_every_element(intake_client):
    consent = _consent(
        kind="tpo",
        purpose=TPO_PURPOSE,
        recipient=TPO_RECIPIENTS,
        recipient_is_class=True,
        expiry_event="none",
        covers_assessment=True,
        refusal_statement=REFUSAL_STATEMENTS["tpo"],
    )
    url = reverse("intake:print-consent", args=[consent.patient.uuid, consent.uuid])
    page = text(intake_client.get(url))
    for element in (
        TPO_RECIPIENTS,
        TPO_PURPOSE,
        consent.information,
        "until revoked in writing",
        HIPAA_REDISCLOSURE_STATEMENT,
        REFUSAL_STATEMENTS["tpo"],
    ):
        assert element in page


def test_a_disclosure_carries_the_notice_and_a_copy_of_the_consent(intake_client, completed):
    patient = completed.patient
    consent = _consent(
        patient,
        kind="tpo",
        purpose=TPO_PURPOSE,
        recipient=TPO_RECIPIENTS,
        recipient_is_class=True,
        expiry_event="none",
        covers_assessment=True,
        refusal_statement=REFUSAL_STATEMENTS["tpo"],
    )
    response = intake_client.post(
        reverse("intake:disclose-records", args=[patient.uuid]),
        {"consent": str(consent.uuid), "what": "assessment"},
    )
    assert response.status_code == 200
    document = text(response)
    assert document.count(NOTICE) == 2
    copy = document[document.index("A copy of the consent") :]
    for element in (
        "Treatment, payment and health care operations (TPO)",
        TPO_RECIPIENTS,
        "(a class of recipients)",
        TPO_PURPOSE,
        consent.information,
        HIPAA_REDISCLOSURE_STATEMENT,
        "revoke this consent at any time, in writing",
    ):
        assert element in copy


# --- consents recorded before kinds existed ------------------------------------------------


def test_older_consents_become_named_recipient_consents_unchanged():
    migration = __import__("intake.migrations.0006_consent_kinds", fromlist=["x"])
    older = [_consent(covers_assessment=True), _consent(expires_on=days_ago(-90))]
    before = list(Consent.objects.order_by("pk").values())
    with connection.cursor() as cursor:  # the column as it was before the migration
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before the ALTER
        cursor.execute("ALTER TABLE intake_consent ALTER COLUMN kind DROP NOT NULL")
        cursor.execute("UPDATE intake_consent SET kind = NULL")
    assert migration.existing_consents_name_a_recipient(apps, None) == len(older)
    after = list(Consent.objects.order_by("pk").values())
    assert [row["kind"] for row in after] == ["recipient", "recipient"]
    assert after == before  # every other element exactly as it was


def test_other_apps_ask_may_disclose_with_the_kinds_registered_by_their_owners(monkeypatch):
    from intake import records

    assert {ASSESSMENT, ATTENDANCE} <= records.registered_kinds()  # intake, scheduling
    tpo = _consent(kind="tpo", purpose=TPO_PURPOSE, expiry_event="none", covers_attendance=True)
    notes = _consent(kind="counseling_notes")
    assert records.may_disclose(tpo, ATTENDANCE)
    assert not records.may_disclose(tpo, ASSESSMENT)
    # an unregistered kind never leaves, whatever the consent
    monkeypatch.delitem(records._renderers, NOTES)
    assert not records.may_disclose(notes, NOTES)
    monkeypatch.undo()
    assert NOTES in records.registered_kinds()  # the notes app registers its kind
    assert records.may_disclose(notes, NOTES)
    assert not records.may_disclose(tpo, NOTES)
