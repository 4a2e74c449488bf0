"""An off-track flag asks for a plan review (treatment.reviews trigger); a plan version
signed after the flag answers it: the request leaves the caseload, the home pages and the
patient's page, while the flag itself stays until the measures are back on track."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from outcomes import scales, services
from outcomes.models import ProgressStatus
from tests.outcomes.test_scales import bam_answers
from tests.treatment.conftest import in_care, signed_plan
from treatment import reviews

REQUEST = "Progress off track:"


def _two_weeks_of_use(patient, counselor):
    for days_ago in (7, 0):
        services.record_measurement(
            patient=patient,
            kind=scales.BAM_7,
            taken_on=timezone.localdate() - timedelta(days=days_ago),
            answers=bam_answers(i4=2),
            by=counselor,
        )


def _pages(patient, counselor_client, director_client):
    return {
        "caseload": counselor_client.get(reverse("scheduling:caseload")),
        "home": counselor_client.get(reverse("accounts:home")),
        "director's home": director_client.get(reverse("accounts:home")),
        "patient page": counselor_client.get(reverse("intake:patient-detail", args=[patient.uuid])),
    }


def test_a_plan_signed_after_the_flag_ends_the_request(
    counselor, intake_user, counselor_client, director_client
):
    patient = in_care(counselor, intake_user, days_ago=10)
    signed_plan(patient, counselor)
    _two_weeks_of_use(patient, counselor)
    assert ProgressStatus.objects.get(patient=patient).flagged_at is not None
    for name, page in _pages(patient, counselor_client, director_client).items():
        assert REQUEST in page.content.decode(), name

    signed_plan(patient, counselor)  # the review: version 2, signed after the flag

    assert reviews.plan_flags(list(patient.admissions.all())) == []
    for name, page in _pages(patient, counselor_client, director_client).items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert REQUEST not in html, name
    caseload = _pages(patient, counselor_client, director_client)["caseload"].content.decode()
    assert "BAM Use above 0 two measurements in a row" in caseload  # the flag stays


def test_a_flag_raised_after_the_signed_plan_asks_for_a_review(
    counselor, intake_user, counselor_client, director_client
):
    patient = in_care(counselor, intake_user, days_ago=10)
    signed_plan(patient, counselor)
    ProgressStatus.objects.filter(patient=patient).delete()
    _two_weeks_of_use(patient, counselor)
    ProgressStatus.objects.filter(patient=patient).update(
        flagged_at=timezone.now() + timedelta(minutes=1)  # later than the plan's signature
    )
    html = counselor_client.get(reverse("scheduling:caseload")).content.decode()
    assert REQUEST in html
