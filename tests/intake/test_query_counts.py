"""Queries per page stay few and do not grow with the data shown.

Each pin is the page's own queries on top of what every signed-in request costs
(session, user, two-factor devices, the idle-timeout stamp), measured on the intake
home redirect, which does nothing else. The pins so hold each page's own work to
account, and survive changes to request-wide middleware.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake import services
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    ConsentFactory,
    InquiryFactory,
    PatientFactory,
    SubstanceFactory,
)

pytestmark = pytest.mark.django_db


def queries(client, url, method="get", data=None, status=200) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status, url
    return len(ctx.captured_queries)


def overhead(client) -> int:
    return queries(client, reverse("intake:home"), status=302)


def grow(patient, completed, intake_user) -> None:
    """More of everything the pages list."""
    for _ in range(12):
        InquiryFactory()
        AdmissionFactory()
        consent = ConsentFactory(patient=patient, covers_assessment=True)
        services.disclose_records(
            patient=patient, consent=consent, what="assessment", by=intake_user
        )
        SubstanceFactory(assessment=AssessmentFactory(patient=patient), is_primary=False)
        services.add_addendum(assessment=completed, text="More detail.", by=intake_user)


@pytest.fixture
def pages(completed, intake_client):
    patient = completed.patient
    draft = AssessmentFactory(moderate=True)
    SubstanceFactory(assessment=draft)
    # an empty page skips its query: both searches for "a" find someone from the start
    # (drawn names may have no "a": "John Smith")
    InquiryFactory(name="Ana Example")
    PatientFactory(legal_first_name="Ana", legal_last_name="Example")
    decide = reverse("intake:decide-placement", args=[completed.uuid])
    # a search is POSTed once; its results page is a GET keyed by an opaque id
    search_url = intake_client.post(reverse("intake:patient-list"), {"q": "a"}).url
    queue_search_url = intake_client.post(reverse("intake:inquiry-list"), {"q": "a"}).url
    # name: (url, method, data, queries beyond the signed-in baseline)
    return {
        "inquiry list": (reverse("intake:inquiry-list"), "get", None, 3),
        "inquiry search": (queue_search_url, "get", None, 3),
        "patient list": (reverse("intake:patient-list"), "get", None, 4),
        "patient search": (search_url, "get", None, 4),
        # ... + 1 for "who opened this record" (accounts/_patient_access.html), + 1 for
        # the disclosures made, + 2 for treatment's section (diagnosis, plan in force),
        # + 1 for the records merged into this one
        "patient page": (patient.get_absolute_url(), "get", None, 11),
        "signed assessment": (completed.get_absolute_url(), "get", None, 6),
        "draft assessment": (draft.get_absolute_url(), "get", None, 5),
        "draft, what is missing": (draft.get_absolute_url() + "?check=1", "get", None, 6),
        "decision form": (decide, "get", None, 4),
    }


def test_query_counts_are_pinned_and_do_not_grow(
    intake_client, intake_user, completed, pages, django_assert_max_num_queries
):
    queries(intake_client, reverse("intake:inquiry-list"))  # warm per-process caches
    base = overhead(intake_client)
    before = {name: queries(intake_client, url, m, d) for name, (url, m, d, _) in pages.items()}
    grow(completed.patient, completed, intake_user)
    for name, (url, method, data, own) in pages.items():
        with django_assert_max_num_queries(base + own, info=name):
            after = queries(intake_client, url, method, data)
        assert after == before[name], name


def test_the_counselor_view_of_a_patient_is_pinned_too(
    counselor_client, caseload_patient, django_assert_max_num_queries
):
    base = overhead(counselor_client)
    for _ in range(5):
        ConsentFactory(patient=caseload_patient)
    # + 2 for treatment's section (diagnosis, plan in force; what is due from both)
    with django_assert_max_num_queries(base + 10):
        queries(counselor_client, caseload_patient.get_absolute_url())


def test_the_patient_list_does_not_grow_with_patients(intake_client, django_assert_max_num_queries):
    base = overhead(intake_client)
    for _ in range(30):
        AdmissionFactory(patient=PatientFactory())
    with django_assert_max_num_queries(base + 4):
        queries(intake_client, reverse("intake:patient-list"))


# the form: the record, the audit row, the merge history; the review adds the other
# record, its audit row and one count for each kind of row pointing at a patient
MERGE_FORM, MERGE_REVIEW = 3, 21


def test_the_merge_pages_do_not_grow_with_the_records(
    director_client, django_assert_max_num_queries
):
    """The form, and its review counting what would move: one count per kind of row that
    points at a patient, however many rows there are."""
    survivor, duplicate = PatientFactory(), PatientFactory()
    url = reverse("intake:merge-patient", args=[survivor.uuid])
    review = {"other_mrn": duplicate.mrn, "reason": "The same person: same name and phone."}
    base = overhead(director_client)
    before = (queries(director_client, url), queries(director_client, url, "post", review))
    for _ in range(5):
        ConsentFactory(patient=duplicate)
        AssessmentFactory(patient=duplicate)
    with django_assert_max_num_queries(base + MERGE_FORM, info="merge form"):
        form = queries(director_client, url)
    with django_assert_max_num_queries(base + MERGE_REVIEW, info="merge review"):
        reviewed = queries(director_client, url, "post", review)
    assert (form, reviewed) == before
