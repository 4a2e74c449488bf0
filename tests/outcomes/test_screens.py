"""Drug screens: expected positives come from prescriptions on the collection day;
collection before results, each once; refusal is a result of its own; audit events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from outcomes import services
from outcomes.models import ScreenOrder, ScreenResult
from scheduling import clinictime


def _order(patient, counselor, panel=("buprenorphine", "cocaine")):
    return services.order_screen(
        patient=patient,
        reason="ad_hoc",
        due_on=clinictime.today(),
        specimen="urine",
        observed=True,
        panel=list(panel),
        by=counselor,
    )


def _medication(patient, counselor, **kwargs):
    today = clinictime.today()
    values = {
        "name": "Buprenorphine-naloxone",
        "purpose": "Opioid use disorder",
        "prescriber": "Dr. Reyes",
        "tests_as": "buprenorphine",
        "start_date": today - timedelta(30),
        "end_date": None,
    }
    values.update(kwargs)
    return services.add_medication(patient=patient, by=counselor, **values)


def test_a_prescribed_positive_is_expected_and_another_is_not(patient, counselor):
    _medication(patient, counselor)
    order = _order(patient, counselor)
    services.record_collection(
        order=order, collected_at=timezone.now(), refused=False, by=counselor
    )
    services.record_results(
        order=order, outcomes={"buprenorphine": "positive", "cocaine": "positive"}, by=counselor
    )
    results = {r.substance: r for r in ScreenResult.objects.filter(order=order)}
    assert results["buprenorphine"].expected is True
    assert results["cocaine"].expected is False
    assert results["cocaine"].is_unexpected_positive


def test_a_medication_that_ended_before_the_collection_does_not_explain_it(patient, counselor):
    today = clinictime.today()
    _medication(patient, counselor, start_date=today - timedelta(60), end_date=today - timedelta(1))
    order = _order(patient, counselor, panel=("buprenorphine",))
    services.record_collection(
        order=order, collected_at=timezone.now(), refused=False, by=counselor
    )
    services.record_results(order=order, outcomes={"buprenorphine": "positive"}, by=counselor)
    assert ScreenResult.objects.get(order=order).expected is False


def test_results_need_a_collection_and_come_once(patient, counselor):
    order = _order(patient, counselor)
    with pytest.raises(services.Refused):
        services.record_results(
            order=order, outcomes={"buprenorphine": "negative", "cocaine": "negative"}, by=counselor
        )
    services.record_collection(
        order=order, collected_at=timezone.now(), refused=False, by=counselor
    )
    with pytest.raises(services.Refused) as missing:
        services.record_results(order=order, outcomes={"cocaine": "negative"}, by=counselor)
    assert "result_buprenorphine" in missing.value.errors
    services.record_results(
        order=order, outcomes={"buprenorphine": "negative", "cocaine": "negative"}, by=counselor
    )
    with pytest.raises(services.Refused):
        services.record_results(
            order=order, outcomes={"buprenorphine": "negative", "cocaine": "negative"}, by=counselor
        )
    assert ScreenResult.objects.filter(order=order).count() == 2


def test_a_refusal_is_recorded_and_ends_the_screen(counselor_client, patient, counselor):
    order = _order(patient, counselor)
    response = counselor_client.post(
        reverse("outcomes:record-collection", args=[order.uuid]),
        {"outcome": "refused", "collected_at": "2026-01-05T10:00"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.refused and order.collected_at is None and order.status == "refused"
    page = counselor_client.get(order.get_absolute_url()).content.decode()
    assert "Refused" in page
    assert "Record the collection" not in page


def test_random_orders_are_the_apps_and_staff_cannot_order_one(patient, counselor):
    with pytest.raises(services.Refused):
        services.order_screen(
            patient=patient,
            reason="random",
            due_on=clinictime.today(),
            specimen="urine",
            observed=False,
            panel=["cocaine"],
            by=counselor,
        )
    assert not ScreenOrder.objects.exists()


def test_expected_results_are_shown_plainly_and_unexpected_on_the_counselors_home(
    counselor_client, patient, counselor
):
    _medication(patient, counselor)
    order = _order(patient, counselor)
    services.record_collection(
        order=order, collected_at=timezone.now(), refused=False, by=counselor
    )
    services.record_results(
        order=order, outcomes={"buprenorphine": "positive", "cocaine": "positive"}, by=counselor
    )
    page = counselor_client.get(order.get_absolute_url()).content.decode()
    assert "Expected: a prescribed medication" in page
    assert "Unexpected: not explained by a prescribed medication" in page
    assert "text-danger" not in page and "alert-danger" not in page
    home = counselor_client.get(reverse("accounts:home")).content.decode()
    assert "Unexpected positives" in home and f"{patient.mrn}</a>: Cocaine" in home


def test_views_and_changes_are_audited(counselor_client, patient, counselor):
    order = _order(patient, counselor)
    counselor_client.get(order.get_absolute_url())
    counselor_client.get(reverse("outcomes:patient-progress", args=[patient.uuid]))
    events = AuditEvent.objects.filter(patient_uuid=patient.uuid)
    assert events.filter(action="create", object_type="outcomes.ScreenOrder").count() == 1
    assert events.filter(action="view").count() == 2
