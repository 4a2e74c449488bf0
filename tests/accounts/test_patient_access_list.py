"""templates/accounts/_patient_access.html: who opened a patient's record and when."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

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


def test_it_shows_the_last_twenty_lines_in_one_query(
    counselor, intake_user, django_assert_num_queries
):
    patient = PatientFactory()
    for n in range(30):  # two people taking turns: no line folds
        record(None, Action.VIEW, patient=patient, user=counselor if n % 2 else intake_user)
    with django_assert_num_queries(1):
        html = _render(patient)
    assert html.count("<tr>") == 21


def test_the_query_count_does_not_grow_with_the_history(counselor, django_assert_num_queries):
    patient = PatientFactory()
    for _ in range(300):
        record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    with django_assert_num_queries(1):
        _render(patient)


def _at(event, minutes_ago: int):
    """Audit rows are never updated, so a test makes an old one by inserting it dated."""
    return AuditEvent.objects.create(
        at=timezone.now() - timedelta(minutes=minutes_ago),
        actor=event["user"],
        actor_username=event["user"].username,
        action=event["action"],
        object_type="intake.Patient",
        patient_uuid=event["patient"].uuid,
    )


def test_repeated_views_within_ten_minutes_are_one_line_with_a_count(counselor, intake_user):
    patient = PatientFactory()
    view = {"user": counselor, "action": Action.VIEW, "patient": patient}
    for minutes_ago in (60, 9, 5, 0):
        _at(view, minutes_ago)
    _at({"user": intake_user, "action": Action.VIEW, "patient": patient}, 30)

    html = _render(patient)

    assert html.count("<tr>") == 4  # header; 3 quick views; the intake view; the old view
    assert "3 times" in html
    assert html.count("Viewed the record") == 3
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid).count() == 5  # all kept


def test_views_eleven_minutes_apart_stay_two_lines(counselor):
    patient = PatientFactory()
    view = {"user": counselor, "action": Action.VIEW, "patient": patient}
    _at(view, 11)
    _at(view, 0)

    html = _render(patient)

    assert html.count("<tr>") == 3
    assert " times</span>" not in html


def test_a_change_between_views_is_its_own_line(counselor):
    patient = PatientFactory()
    _at({"user": counselor, "action": Action.VIEW, "patient": patient}, 3)
    _at({"user": counselor, "action": Action.CHANGE, "patient": patient}, 2)
    _at({"user": counselor, "action": Action.VIEW, "patient": patient}, 1)

    assert _render(patient).count("<tr>") == 4


def test_a_record_nobody_opened(db):
    assert "No one has opened this record yet." in _render(PatientFactory())
