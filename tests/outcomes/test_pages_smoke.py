"""Every outcomes page opens for the people allowed and shows what it must."""

from django.urls import reverse

from outcomes import scales, services
from outcomes.models import ScreenOrder
from tests.outcomes.test_scales import bam_answers


def test_the_progress_page_opens(counselor_client, patient, counselor):
    services.record_measurement(
        patient=patient,
        kind=scales.BAM_7,
        taken_on=patient.admissions.get().start_date,
        answers=bam_answers(i11=7, i2=7, i3=7, i8=4),
        by=counselor,
    )
    response = counselor_client.get(reverse("outcomes:patient-progress", args=[patient.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "BAM Risk factors over time" in html
    assert "<title" in html


def test_the_forms_open(counselor_client, patient):
    for kind in scales.ITEMS:
        assert (
            counselor_client.get(
                reverse("outcomes:add-measurement", args=[patient.uuid, kind])
            ).status_code
            == 200
        )
    for name in ("add-medication", "order-screen", "set-sobriety-date"):
        assert (
            counselor_client.get(reverse(f"outcomes:{name}", args=[patient.uuid])).status_code
            == 200
        )


def test_the_dashboard_opens(director_client, patient):
    response = director_client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    for slug in ("census-today", "funnel", "off-track"):
        csv = director_client.get(reverse("outcomes:dashboard-csv", args=[slug]))
        assert csv.status_code == 200


def test_home_week_caseload_and_patient_page(counselor_client, patient, counselor):
    order = ScreenOrder.objects.create(
        patient=patient,
        reason="ad_hoc",
        due_on=patient.admissions.get().start_date,
        panel=["cocaine"],
    )
    assert counselor_client.get(reverse("accounts:home")).status_code == 200
    assert counselor_client.get(reverse("scheduling:week")).status_code == 200
    assert counselor_client.get(reverse("scheduling:caseload")).status_code == 200
    assert (
        counselor_client.get(reverse("intake:patient-detail", args=[patient.uuid])).status_code
        == 200
    )
    assert counselor_client.get(order.get_absolute_url()).status_code == 200
