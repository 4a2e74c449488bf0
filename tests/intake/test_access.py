"""Who reaches which intake page: intake staff and the clinical director; counselors
only their own caseload's records, read-only; anonymous visitors go to sign in."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import AssessmentFactory, InquiryFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(completed):
    patient = completed.patient
    inquiry = InquiryFactory()
    return [
        reverse("intake:inquiry-list"),
        reverse("intake:inquiry-detail", args=[inquiry.public_id]),
        reverse("intake:patient-list"),
        reverse("intake:create-patient"),
        reverse("intake:edit-patient", args=[patient.uuid]),
        reverse("intake:add-consent", args=[patient.uuid]),
        reverse("intake:decide-placement", args=[completed.uuid]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(anon_client, urls, completed):
    for url in [*urls, reverse("intake:patient-detail", args=[completed.patient.uuid])]:
        response = anon_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_counselors_are_refused_intake_pages(counselor_client, urls):
    for url in urls:
        assert counselor_client.get(url).status_code == 403, url


def test_counselors_cannot_post_to_intake_actions(counselor_client, caseload_patient):
    response = counselor_client.post(
        reverse("intake:start-assessment", args=[caseload_patient.uuid])
    )
    assert response.status_code == 403
    assert not caseload_patient.assessments.exists()


@pytest.mark.parametrize("client_name", ["intake_client", "director_client"])
def test_intake_staff_and_the_director_reach_every_page(request, client_name, urls):
    client = request.getfixturevalue(client_name)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_counselor_reads_a_caseload_patient_without_edit_actions(
    counselor_client, caseload_patient
):
    response = counselor_client.get(caseload_patient.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert caseload_patient.mrn in html
    assert "Edit record" not in html
    assert "Start assessment" not in html
    assert AuditEvent.objects.filter(
        action="view", patient_uuid=caseload_patient.uuid, actor_username="counselor_one"
    ).exists()


def test_a_counselor_gets_404_for_a_patient_not_theirs(
    counselor_client, other_counselor_client, caseload_patient
):
    stranger = PatientFactory()
    assert counselor_client.get(stranger.get_absolute_url()).status_code == 404
    assert other_counselor_client.get(caseload_patient.get_absolute_url()).status_code == 404


def test_a_counselor_reads_a_caseload_assessment_but_cannot_change_it(
    counselor_client, caseload_patient
):
    assessment = AssessmentFactory(patient=caseload_patient)
    url = reverse("intake:assessment-detail", args=[assessment.uuid])
    response = counselor_client.get(url)
    assert response.status_code == 200
    assert "data-autosave" not in response.content.decode()
    assert counselor_client.post(url, {"save_draft": "1", "gad7": "3"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.gad7 is None


def test_a_counselor_gets_404_for_an_assessment_not_on_their_caseload(counselor_client, completed):
    url = reverse("intake:assessment-detail", args=[completed.uuid])
    assert counselor_client.get(url).status_code == 404


def test_the_staff_nav_shows_intake_entries_to_intake_staff_only(intake_client, counselor_client):
    home = reverse("accounts:home")
    assert "Call requests" in intake_client.get(home).content.decode()
    html = counselor_client.get(home).content.decode()
    assert reverse("intake:inquiry-list") not in html
    assert reverse("intake:patient-list") not in html
