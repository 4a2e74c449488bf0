"""Call requests: the queue, the status flow and converting to a patient."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from intake import services
from intake.models import ContactAttempt, Inquiry, InvalidTransition, Patient
from tests.factories import ContactAttemptFactory, InquiryFactory
from tests.intake.conftest import text

pytestmark = pytest.mark.django_db

LIST = "/intake/inquiries/"


def hours_ago(n: int):
    return timezone.now() - timedelta(hours=n)


def test_the_queue_shows_new_first_then_the_longest_waiting(intake_client):
    contacted_old = InquiryFactory(
        name="Contacted Old", status="contacted", created_at=hours_ago(90)
    )
    new_recent = InquiryFactory(name="New Recent", created_at=hours_ago(1))
    new_old = InquiryFactory(name="New Old", created_at=hours_ago(50))
    InquiryFactory(name="Closed One", status="closed", closed_reason="duplicate")
    response = intake_client.get(LIST)
    names = [i.name for i in response.context["page"].object_list]
    assert names == [new_old.name, new_recent.name, contacted_old.name]
    html = text(response)
    assert "2 days, 2 hours" in html  # how long "New Old" has waited
    assert "Closed One" not in html


def test_the_queue_filters_by_status(intake_client):
    InquiryFactory(name="Still New")
    InquiryFactory(name="Was Closed", status="closed", closed_reason="duplicate")
    html = intake_client.get(LIST + "?status=closed").content.decode()
    assert "Was Closed" in html and "Still New" not in html
    html = intake_client.get(LIST + "?status=all").content.decode()
    assert "Was Closed" in html and "Still New" in html


def test_a_contact_attempt_is_logged_and_moves_a_new_inquiry_on(intake_client, intake_user):
    inquiry = InquiryFactory(created_at=timezone.now() - timedelta(hours=1))
    at = timezone.localtime() - timedelta(minutes=5)
    response = intake_client.post(
        reverse("intake:log-contact", args=[inquiry.public_id]),
        {
            "at": at.strftime("%Y-%m-%dT%H:%M"),
            "method": "voicemail",
            "outcome": "left_message",
            "note": "Left our number only.",
        },
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED
    attempt = ContactAttempt.objects.get()
    assert (attempt.method, attempt.outcome, attempt.by) == (
        "voicemail",
        "left_message",
        intake_user,
    )
    html = intake_client.get(inquiry.get_absolute_url()).content.decode()
    assert "Left our number only." in html and "Voicemail" in html


def test_a_contact_attempt_in_the_future_is_refused(intake_client):
    inquiry = InquiryFactory()
    later = timezone.localtime() + timedelta(hours=2)
    response = intake_client.post(
        reverse("intake:log-contact", args=[inquiry.public_id]),
        {"at": later.strftime("%Y-%m-%dT%H:%M"), "method": "phone", "outcome": "reached"},
    )
    assert response.status_code == 400
    assert "can't be in the future" in text(response)
    assert not ContactAttempt.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


def test_illegal_transitions_are_refused_with_a_reason(intake_user):
    inquiry = InquiryFactory()
    with pytest.raises(InvalidTransition, match="Log a contact attempt first"):
        inquiry.book_assessment(at=timezone.now())
    inquiry.log_contact(
        at=timezone.now(), method="phone", outcome="reached", note="", by=intake_user
    )
    inquiry.close(reason="declined")
    with pytest.raises(InvalidTransition, match="can no longer be added"):
        inquiry.log_contact(
            at=timezone.now(), method="phone", outcome="reached", note="", by=intake_user
        )
    with pytest.raises(InvalidTransition):
        inquiry.close(reason="duplicate")
    with pytest.raises(InvalidTransition, match="Reopen it first"):
        inquiry.mark_converted()


def test_closing_needs_a_reason(intake_client):
    inquiry = InquiryFactory()
    url = reverse("intake:close-inquiry", args=[inquiry.public_id])
    response = intake_client.post(url, {"reason": "", "note": ""})
    assert response.status_code == 400
    response = intake_client.post(url, {"reason": "other", "note": ""})
    assert response.status_code == 400
    assert "Say why" in text(response)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
    response = intake_client.post(url, {"reason": "referred", "note": "Closer to home."})
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.closed_reason) == ("closed", "referred")


def test_booking_in_the_past_is_refused(intake_client):
    inquiry = InquiryFactory(status="contacted")
    response = intake_client.post(
        reverse("intake:book-assessment", args=[inquiry.public_id]),
        {"assessment_at": (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 400
    inquiry.refresh_from_db()
    assert inquiry.status == "contacted"


@pytest.fixture
def booked():
    return InquiryFactory(
        name="Hana Sato",
        phone="(323) 555-0114",
        email="hana@example.com",
        status=Inquiry.Status.ASSESSMENT_BOOKED,
    )


def test_converting_opens_a_prefilled_patient_form(intake_client, booked):
    response = intake_client.get(reverse("intake:convert-inquiry", args=[booked.public_id]))
    form = response.context["form"]
    assert form["legal_first_name"].value() == "Hana"
    assert form["legal_last_name"].value() == "Sato"
    assert form["phone"].value() == "(323) 555-0114"
    assert form["email"].value() == "hana@example.com"


def test_converting_creates_the_patient_and_links_both(intake_client, intake_user, booked):
    response = intake_client.post(
        reverse("intake:convert-inquiry", args=[booked.public_id]),
        {
            "legal_first_name": "Hana",
            "legal_last_name": "Sato",
            "date_of_birth": "1990-05-01",
            "sex_assigned_at_birth": "female",
            "phone": "323 555 0114",
            "email": "hana@example.com",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302 and response.url == patient.get_absolute_url()
    booked.refresh_from_db()
    assert booked.status == Inquiry.Status.CONVERTED
    assert patient.inquiry == booked
    assert patient.created_by == intake_user
    assert patient.phone == "(323) 555-0114"
    assert AuditEvent.objects.filter(action="create", patient_uuid=patient.uuid).exists()


def test_a_bad_patient_form_leaves_the_inquiry_unconverted(intake_client, booked):
    response = intake_client.post(
        reverse("intake:convert-inquiry", args=[booked.public_id]),
        {"legal_first_name": "Hana", "legal_last_name": "Sato", "date_of_birth": "2099-01-01"},
    )
    assert response.status_code == 400
    assert not Patient.objects.exists()
    booked.refresh_from_db()
    assert booked.status == Inquiry.Status.ASSESSMENT_BOOKED


def test_a_new_inquiry_opens_a_patient_without_inventing_a_booking(intake_client):
    inquiry = InquiryFactory()
    response = intake_client.get(reverse("intake:convert-inquiry", args=[inquiry.public_id]))
    assert response.status_code == 200
    assert "Create patient record" in text(response)
    inquiry.refresh_from_db()
    assert inquiry.assessment_at is None


# --- The wait ends at the first contact ----------------------------------------------


def test_a_contacted_request_shows_how_long_it_waited_not_how_long_since(intake_client):
    contacted = InquiryFactory(name="Reached Once", status="contacted", created_at=hours_ago(50))
    ContactAttemptFactory(inquiry=contacted, at=hours_ago(47))
    ContactAttemptFactory(inquiry=contacted, at=hours_ago(2))
    InquiryFactory(name="Never Called", created_at=hours_ago(5))
    response = intake_client.get(LIST)
    rows = {i.name: i for i in response.context["page"].object_list}
    assert rows["Reached Once"].first_contact_at == contacted.contact_attempts.last().at
    assert rows["Never Called"].first_contact_at is None
    html = text(response)
    assert "waited 3 hours before first contact" in html
    assert "waiting 5 hours" in html
    assert "2 days" not in html  # the contacted one's wait stopped at the first attempt
    detail = text(intake_client.get(contacted.get_absolute_url()))
    assert "waited 3 hours before first contact" in detail


def test_the_oldest_waiting_figure_counts_only_requests_without_contact(intake_client):
    contacted = InquiryFactory(status="contacted", created_at=hours_ago(90))
    ContactAttemptFactory(inquiry=contacted, at=hours_ago(89))
    InquiryFactory(status="closed", closed_reason="duplicate", created_at=hours_ago(80))
    waiting = InquiryFactory(created_at=hours_ago(6))
    panel = intake_client.get("/staff/").context["panels"][0]
    assert panel.context["oldest_waiting"] == waiting.created_at


# --- Reopening a closed request ------------------------------------------------------

REASON = "They called back and want to talk after all."


def _closed(**kwargs) -> Inquiry:
    return InquiryFactory(
        status="closed", closed_reason="unreachable", closed_at=timezone.now(), **kwargs
    )


def test_a_closed_request_is_reopened_with_a_reason_through_the_page(intake_client):
    inquiry = _closed()
    page = text(intake_client.get(inquiry.get_absolute_url()))
    assert "Reopen the request" in page
    url = reverse("intake:reopen-inquiry", args=[inquiry.public_id])
    response = intake_client.post(url, {"reason": REASON})
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.closed_reason, inquiry.reopen_reason) == ("new", "", REASON)
    event = AuditEvent.objects.filter(detail__startswith="inquiry reopened").get()
    assert REASON in event.detail and "Could not reach them" in event.detail
    page = text(intake_client.get(inquiry.get_absolute_url()))
    assert "Reopened" in page and REASON in page
    assert "Reopen the request" not in page


def test_a_reopened_request_with_contacts_goes_back_to_contacted(intake_user):
    inquiry = _closed(created_at=hours_ago(5))
    ContactAttemptFactory(inquiry=inquiry, at=hours_ago(4))
    services.reopen_inquiry(inquiry=inquiry, reason=REASON, by=intake_user)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CONTACTED


@pytest.mark.parametrize("reason", ["", "n/a", "test test", "12345678901234"])
def test_a_placeholder_reason_is_refused_through_the_page(intake_client, reason):
    inquiry = _closed()
    url = reverse("intake:reopen-inquiry", args=[inquiry.public_id])
    response = intake_client.post(url, {"reason": reason})
    assert response.status_code == 400
    assert 'id="error_1_id_reason"' in response.content.decode() or "invalid-feedback" in (
        response.content.decode()
    )
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED
    assert not AuditEvent.objects.filter(detail__startswith="inquiry reopened").exists()


def test_a_placeholder_reason_is_refused_by_the_service(intake_user):
    inquiry = _closed()
    with pytest.raises(InvalidTransition, match="placeholder"):
        services.reopen_inquiry(inquiry=inquiry, reason="testing test testing", by=intake_user)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED


def test_an_open_request_cannot_be_reopened(intake_client, intake_user):
    inquiry = InquiryFactory()
    with pytest.raises(InvalidTransition, match="Only a closed request"):
        services.reopen_inquiry(inquiry=inquiry, reason=REASON, by=intake_user)
    url = reverse("intake:reopen-inquiry", args=[inquiry.public_id])
    response = intake_client.post(url, {"reason": REASON}, follow=True)
    assert "Only a closed request can be reopened." in text(response)
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW and inquiry.reopened_at is None
    assert not AuditEvent.objects.filter(detail__startswith="inquiry reopened").exists()


def test_a_counselor_cannot_reopen(counselor_client):
    inquiry = _closed()
    url = reverse("intake:reopen-inquiry", args=[inquiry.public_id])
    assert counselor_client.post(url, {"reason": REASON}).status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.CLOSED


def test_the_director_can_reopen(director_client):
    inquiry = _closed()
    url = reverse("intake:reopen-inquiry", args=[inquiry.public_id])
    assert director_client.post(url, {"reason": REASON}).status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
