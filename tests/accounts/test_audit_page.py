"""The clinical director's audit page: filters by patient (MRN or ID, never in a URL as
an MRN), staff member, action and dates; paginated; a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditEvent
from accounts.views import AUDIT_PAGE_SIZE
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
URL = reverse("accounts:audit-log")


@pytest.fixture
def patient(db):
    # named by hand: a drawn name can be part of the page's own text ("Day", "Ho" in "Home")
    return PatientFactory(legal_first_name="Cordelia", legal_last_name="Penhaligon")


@pytest.fixture
def events(patient, counselor, intake_user):
    other = PatientFactory()
    return {
        "counselor_view": record(None, Action.VIEW, obj=patient, patient=patient, user=counselor),
        "intake_change": record(
            None, Action.CHANGE, obj=patient, patient=patient, user=intake_user
        ),
        "other_patient": record(None, Action.VIEW, obj=other, patient=other, user=counselor),
        "login": record(None, Action.LOGIN, user=intake_user),
    }


def _shown(response):
    return {event.pk for event in response.context["page"]}


def test_the_director_sees_every_entry_newest_first(director_client, events):
    response = director_client.get(URL)
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert [e.pk for e in shown] == sorted((e.pk for e in events.values()), reverse=True)
    html = response.content.decode()
    assert "Entries can never be edited or removed" in html


def test_the_patient_column_shows_the_mrn(director_client, events, patient):
    html = director_client.get(URL).content.decode()
    assert patient.mrn in html
    assert patient.legal_last_name not in html  # no names on this page


def test_filtering_by_mrn_posts_then_shows_a_url_with_the_uuid_only(
    director_client, events, patient
):
    response = director_client.post(URL, {"patient": patient.mrn.lower()})

    assert response.status_code == 302
    assert response.url == f"{URL}?patient={patient.uuid}"
    assert patient.mrn not in response.url
    page = director_client.get(response.url)
    assert _shown(page) == {events["counselor_view"].pk, events["intake_change"].pk}
    assert f'value="{patient.mrn}"' in page.content.decode()  # the box shows the MRN again


def test_filtering_by_the_record_id_works_too(director_client, events, patient):
    response = director_client.post(URL, {"patient": str(patient.uuid)})
    assert response.url == f"{URL}?patient={patient.uuid}"


def test_an_mrn_in_the_query_string_is_not_accepted(director_client, events, patient):
    response = director_client.get(URL, {"patient": patient.mrn})
    assert "No patient has that MRN or ID." in response.content.decode()
    assert _shown(response) == set()


def test_an_unknown_patient_is_a_field_error_and_the_rest_is_kept(director_client, events):
    response = director_client.post(URL, {"patient": "MRN-999999", "action": "view"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No patient has that MRN or ID." in html
    assert 'value="MRN-999999"' in html
    assert '<option value="view" selected>' in html


def test_filtering_by_staff_member_and_action(director_client, events, counselor, intake_user):
    response = director_client.post(URL, {"actor": counselor.pk})
    assert response.url == f"{URL}?actor={counselor.pk}"
    assert _shown(director_client.get(response.url)) == {
        events["counselor_view"].pk,
        events["other_patient"].pk,
    }
    logins = director_client.get(URL, {"actor": intake_user.pk, "action": "login"})
    assert _shown(logins) == {events["login"].pk}


def test_filtering_by_dates(director_client, events, counselor):
    # entries are never changed, so an old one is inserted with its time
    old = AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=10), actor=counselor, action=Action.VIEW
    )
    today = timezone.localdate()
    week_ago = (today - timedelta(days=7)).isoformat()
    assert _shown(director_client.get(URL, {"end": week_ago})) == {old.pk}
    recent = _shown(director_client.get(URL, {"start": week_ago, "end": today.isoformat()}))
    assert recent == {event.pk for event in events.values()}


def test_an_end_before_the_start_is_an_error(director_client):
    response = director_client.post(URL, {"start": "2026-03-10", "end": "2026-03-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_pages_of_fifty_with_links_that_keep_the_filters(director_client, counselor, patient):
    for _ in range(AUDIT_PAGE_SIZE + 5):
        record(None, Action.VIEW, obj=patient, patient=patient, user=counselor)
    first = director_client.get(URL, {"actor": counselor.pk})
    assert len(first.context["page"]) == AUDIT_PAGE_SIZE
    html = first.content.decode()
    assert f'href="?actor={counselor.pk}&amp;page=2"' in html
    second = director_client.get(URL, {"actor": counselor.pk, "page": 2})
    assert len(second.context["page"]) == 5


def test_the_query_count_does_not_grow_with_entries(
    director_client, counselor, django_assert_max_num_queries
):
    patients = PatientFactory.create_batch(3)
    for n in range(40):
        record(None, Action.VIEW, patient=patients[n % 3], user=counselor)
    with django_assert_max_num_queries(8) as few:
        director_client.get(URL)
    for _ in range(40):
        record(None, Action.VIEW, patient=PatientFactory(), user=counselor)
    with django_assert_max_num_queries(len(few)):
        director_client.get(URL)


@pytest.mark.parametrize("who", ["intake_client", "counselor_client"])
def test_other_roles_are_refused(request, who):
    client = request.getfixturevalue(who)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"patient": "MRN-000001"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
