"""Page titles travel (browser history, tab sync, screenshots of a tab bar): they name
the kind of page and the MRN, never the patient's name. Every URL of the URLconf is
opened as the clinical director, with real patients behind its arguments."""

import html
import re

import pytest

from intake.models import Patient
from tests.security.test_access_matrix import ADMIN, MATRIX_ROWS, URL_NAMES, World, urls_for

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PATIENT_ARGS = ("uuid", "patient_uuid", "consent_uuid", "admission_id")


def _names(patient: Patient) -> set[str]:
    return {
        n for n in (patient.legal_first_name, patient.legal_last_name, patient.preferred_name) if n
    }


def _staff_urls(world: World) -> list[str]:
    urls = []
    for name in sorted(set(URL_NAMES) & set(MATRIX_ROWS)):
        if name == ADMIN or MATRIX_ROWS[name]["director"] not in {"allowed", "own"}:
            continue
        urls += urls_for(name, world)
    return urls


def test_no_page_title_names_a_patient(director_client, counselor, intake_user):
    world = World(counselor, intake_user)
    urls = _staff_urls(world)
    names = set().union(*(_names(p) for p in Patient.objects.all()))
    assert len(names) >= 6  # the world's patients exist before the pages are read
    checked = 0
    for url in urls:
        response = director_client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        title = html.unescape(TITLE.search(response.content.decode()).group(1))
        words = set(re.findall(r"[\w'-]+", title))
        assert not words & names, f"{url}: the title {title!r} names a patient"
        checked += 1
    assert checked > 20


def test_patient_pages_are_titled_by_kind_and_mrn(director_client, counselor, intake_user):
    from django.urls import reverse

    world = World(counselor, intake_user)
    patient = world.patient
    pages = {
        reverse("intake:patient-detail", args=[patient.uuid]): "Patient record",
        reverse("scheduling:patient-attendance", args=[patient.uuid]): "Attendance",
        reverse("scheduling:print-attendance", args=[patient.uuid]): "Print: attendance",
        reverse("intake:disclose-records", args=[patient.uuid]): "Disclose records",
    }
    for url, kind in pages.items():
        title = html.unescape(TITLE.search(director_client.get(url).content.decode()).group(1))
        assert title.startswith(f"{kind} · {patient.mrn}"), title
