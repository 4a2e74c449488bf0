"""The staff home shows each role what it works on."""

from datetime import date, time

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from intake.models import Inquiry
from scheduling import clinictime
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    InquiryFactory,
    RoomFactory,
    UserFactory,
)
from tests.scheduling.conftest import book

pytestmark = pytest.mark.django_db
HOME = "/staff/"


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    response = anon_client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith("/staff/login/")


def test_intake_sees_what_is_waiting(intake_client):
    InquiryFactory.create_batch(2)
    InquiryFactory(status=Inquiry.Status.CONTACTED)
    AssessmentFactory()
    response = intake_client.get(HOME)
    body = response.content.decode()
    assert response.status_code == 200
    panel = response.context["panels"]
    assert [p.title for p in panel] == ["Intake"]
    assert panel[0].context["new"] == 2
    assert panel[0].context["contacted"] == 1
    assert panel[0].context["drafts"] == 1
    assert "New call requests" in body
    assert "The oldest request no one has contacted yet has been waiting" in body
    assert "My day" not in body


def test_a_counselor_sees_today_and_who_is_short_on_hours(counselor_client, counselor, frozen_now):
    # just before midnight: "today" must not turn between the booking and the page
    frozen_now(clinictime.local_to_utc(date(2026, 3, 4), time(23, 59, 50)))
    # named by hand: a drawn name can be part of the page's own text ("Day", "Ho" in "Home")
    admission = AdmissionFactory(
        primary_counselor=counselor,
        patient__legal_first_name="Cordelia",
        patient__legal_last_name="Penhaligon",
    )
    today = clinictime.today()
    book(admission.patient, counselor, RoomFactory(name="Room 7"), today, "10:00")
    response = counselor_client.get(HOME)
    body = response.content.decode()
    titles = [p.title for p in response.context["panels"]]
    # the clinical apps add their panels (notes, outcomes, ...) after the day's
    assert titles[0] == "My day" and "Session notes" in titles and "Intake" not in titles
    assert "Individual counseling" in body
    assert "Room 7" in body
    assert "1 patient on your caseload" in body
    assert "New call requests" not in body
    # the panels never name patients (the plans panel lists record numbers)
    assert admission.patient.legal_last_name not in body


def test_a_counselor_with_a_free_day_is_told_so(counselor_client):
    assert "No sessions today." in counselor_client.get(HOME).content.decode()


def test_the_director_sees_intake_and_oversight(director_client):
    body = director_client.get(HOME).content.decode()
    assert "New call requests" in body
    assert "No staff account is locked." in body
    assert "Audit log" in body
    assert "My day" not in body


def test_staff_without_a_role_are_told_to_ask_for_one():
    client = Client()
    client.force_login(UserFactory(username="newcomer"))
    body = client.get(HOME).content.decode()
    assert "no clinic role yet" in body


def test_counselor_home_query_count_does_not_grow(
    counselor_client, counselor, django_assert_max_num_queries
):
    today = clinictime.today()
    room = RoomFactory()
    for hour in range(8, 13):
        patient = AdmissionFactory(primary_counselor=counselor).patient
        book(patient, counselor, room, today, f"{hour:02d}:00", minutes=45)
    # sign-in and the day's sessions and hours, the session-notes panel (4), progress and
    # screens (5), the discharges whose closing measures are due (1), plans (3), and the
    # first request's session write (3, with its savepoint)
    with django_assert_max_num_queries(26):
        assert counselor_client.get(HOME).status_code == 200


def test_intake_home_query_count_is_fixed(intake_client, django_assert_max_num_queries):
    # sign-in, session, two-factor state and roles, then one query per count
    InquiryFactory.create_batch(5)
    AssessmentFactory.create_batch(3)
    with django_assert_max_num_queries(11):
        assert intake_client.get(HOME).status_code == 200
    InquiryFactory.create_batch(20)
    AssessmentFactory.create_batch(10)
    with django_assert_max_num_queries(11):
        assert intake_client.get(HOME).status_code == 200


def test_the_roles_exist():
    assert Group.objects.filter(name__in=["Intake", "Counselor", "Clinical director"]).count() == 3
