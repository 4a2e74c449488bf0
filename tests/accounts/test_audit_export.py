"""The audit log in words, and its CSV export: the filtered rows, ISO dates, filters by
POST only, the export audited itself, a fixed number of queries."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse

from accounts.audit import record
from accounts.models import AuditEvent
from tests.factories import AssessmentFactory, PatientFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
PAGE = reverse("accounts:audit-log")
EXPORT = reverse("accounts:audit-log-export")


@pytest.fixture
def patient(db):
    return PatientFactory(legal_first_name="Cordelia", legal_last_name="Penhaligon")


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_says_what_was_opened_in_words(director_client, patient, counselor):
    record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    assessment = AssessmentFactory(patient=patient)
    record(None, Action.PRINT, obj=assessment, patient=patient, user=counselor)
    record(None, Action.LOGIN, user=counselor)

    html = director_client.get(PAGE).content.decode()

    assert f"Viewed the record of patient {patient.mrn}" in html
    assert f"Printed an assessment of patient {patient.mrn}" in html
    assert "Signed in" in html


def test_the_export_has_the_filtered_rows_with_iso_times(
    director_client, patient, counselor, intake_user
):
    mine = record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    record(None, Action.VIEW, obj=patient, patient=patient, user=intake_user)
    record(None, Action.VIEW, patient=PatientFactory(), user=counselor)

    response = director_client.post(EXPORT, {"patient": patient.mrn, "actor": counselor.pk})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    (row,) = _rows(response)
    assert row["staff_username"] == counselor.username
    assert row["what"] == f"Viewed the record of patient {patient.mrn}"
    assert row["patient_mrn"] == patient.mrn
    assert row["patient_id"] == str(patient.uuid)
    assert datetime.fromisoformat(row["at"]) == mine.at.replace(microsecond=0)
    assert row["at"].endswith(("-08:00", "-07:00"))  # clinic time, with its offset
    assert patient.legal_last_name not in response.content.decode()


def test_the_export_is_audited_and_its_url_carries_nothing(
    director_client, director, patient, counselor
):
    record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)

    response = director_client.post(EXPORT, {"patient": patient.mrn, "action": "view"})

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.actor == director
    assert event.patient_uuid == patient.uuid
    assert event.detail == "audit log CSV, 1 entry; filters: one patient, action view"
    assert patient.mrn not in event.detail


def test_a_get_is_refused(director_client):
    assert director_client.get(EXPORT, {"patient": "MRN-000001"}).status_code == 405
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_only_the_director_may_export(intake_client, counselor_client):
    assert intake_client.post(EXPORT).status_code == 403
    assert counselor_client.post(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_bad_filters_are_shown_next_to_the_field_and_nothing_is_exported(director_client):
    response = director_client.post(EXPORT, {"patient": "MRN-999999", "start": "2026-03-10"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "No patient has that MRN or ID." in html
    assert 'value="2026-03-10"' in html  # the rest of what was typed is kept
    assert "data-error-summary" in html
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_a_cell_that_would_run_as_a_formula_is_defused(director_client):
    record(None, Action.LOGIN_FAILED, username='=HYPERLINK("http://x")')

    (row,) = _rows(director_client.post(EXPORT, {"action": "login_failed"}))

    assert row["staff_username"].startswith("'=")


def test_the_export_takes_the_same_queries_for_1_or_40_rows(
    director_client, patient, counselor, django_assert_num_queries
):
    def run() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = director_client.post(EXPORT, {"patient": patient.mrn})
            assert response.status_code == 200
        return len(ctx.captured_queries)

    record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    one_row = run()
    for _ in range(40):
        record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    assert run() == one_row
    # session, user, OTP device, the patient's MRN, the staff list, the rows, the entry
    assert one_row == 7
    with django_assert_num_queries(one_row):
        director_client.post(EXPORT, {"patient": patient.mrn})


def test_the_page_takes_the_same_queries_for_1_or_40_rows(director_client, counselor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patients = [PatientFactory() for _ in range(40)]
    record(None, Action.VIEW, obj=patients[0], patient=patients[0], user=counselor)
    with CaptureQueriesContext(connection) as few:
        director_client.get(PAGE)
    for p in patients[1:]:
        record(None, Action.VIEW, obj=p, patient=p, user=counselor)
    with CaptureQueriesContext(connection) as many:
        director_client.get(PAGE)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) == 7
