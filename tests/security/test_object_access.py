"""Object-level access (docs/security.md "Who sees which patient"): a counselor gets 404
for another counselor's patient on every patient-scoped URL, and for anything else the
matrix marks `own`, so a page never confirms that a patient exists."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.security.test_access_matrix import MATRIX_ROWS, SAMPLES, URL_NAMES, World

pytestmark = pytest.mark.django_db

PATIENT_ROUTE = re.compile(r"patients/<uuid:\w+>/")
PATIENT_SCOPED = sorted(name for name, route in URL_NAMES.items() if PATIENT_ROUTE.search(route))
OWN = sorted(name for name, row in MATRIX_ROWS.items() if row["counselor"] == "own")


@pytest.fixture
def world(counselor, intake_user):
    return World(counselor, intake_user)


def test_the_lists_are_not_empty():
    assert "intake:patient-detail" in PATIENT_SCOPED
    assert "scheduling:patient-attendance" in PATIENT_SCOPED
    assert "scheduling:session-detail" in OWN


@pytest.mark.parametrize("name", PATIENT_SCOPED)
def test_another_counselors_patient_is_not_found(name, world, other_counselor_client):
    url = reverse(name, kwargs=SAMPLES[name](world))
    cell = MATRIX_ROWS[name]["counselor"]
    # an action counselors may use on their own patients ("post") answers GET with 405
    # before looking at the patient, and a POST for someone else's patient with 404
    expected = 404 if cell in {"own", "post"} else 403
    got = other_counselor_client.get(url).status_code
    assert got == (405 if cell == "post" else expected), f"GET {url}: {got}"
    posted = other_counselor_client.post(url).status_code
    assert posted == expected, f"POST {url}: {posted}"
    assert not AuditEvent.objects.filter(patient_uuid=world.patient.uuid).exists()


@pytest.mark.parametrize("name", OWN)
def test_another_counselors_records_are_not_found(name, world, other_counselor_client):
    url = reverse(name, kwargs=SAMPLES[name](world))
    assert other_counselor_client.get(url).status_code == 404
    assert other_counselor_client.post(url).status_code == 404


@pytest.mark.parametrize("name", OWN)
def test_the_counselor_whose_record_it_is_gets_it(name, world, counselor_client):
    url = reverse(name, kwargs=SAMPLES[name](world))
    assert counselor_client.get(url).status_code == 200


@pytest.mark.parametrize("name", PATIENT_SCOPED)
def test_a_made_up_patient_id_is_not_found_even_for_the_director(name, world, director_client):
    kwargs = SAMPLES[name](world)
    key = next(k for k in kwargs if k in {"uuid", "patient_uuid"})
    url = reverse(name, kwargs={**kwargs, key: uuid.uuid4()})
    assert director_client.get(url).status_code in {404, 405}
    assert director_client.post(url).status_code == 404
