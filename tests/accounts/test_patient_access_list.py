"""templates/accounts/_patient_access.html: who opened a patient's record and when."""

import pytest
from django.template.loader import render_to_string

from accounts.audit import record
from accounts.models import AuditEvent
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def _render(patient):
    return render_to_string("accounts/_patient_access.html", {"patient": patient})


def test_it_lists_who_opened_the_record_newest_first(counselor, intake_user):
    patient = PatientFactory()
    counselor.first_name, counselor.last_name = "Rosa", "Quintero"
    counselor.save()
    record(None, Action.VIEW, obj=patient, patient=patient, user=intake_user)
    record(None, Action.CHANGE, obj=patient, patient=patient, user=counselor)
    record(None, Action.VIEW, patient=PatientFactory(), user=intake_user)  # someone else's

    html = _render(patient)

    assert "Who opened this record" in html
    assert html.index("Rosa Quintero") < html.index(intake_user.get_full_name())
    assert "Changed" in html and "Viewed" in html
    assert html.count("<tr>") == 3  # header + two entries


def test_it_shows_the_last_twenty_in_one_query(counselor, django_assert_num_queries):
    patient = PatientFactory()
    for _ in range(30):
        record(None, Action.VIEW, patient=patient, user=counselor)
    with django_assert_num_queries(1):
        html = _render(patient)
    assert html.count("<tr>") == 21
    assert "The last 20 times" in html


def test_a_record_nobody_opened(db):
    assert "No one has opened this record yet." in _render(PatientFactory())
