import pytest
from django.urls import reverse

from tests.factories import program

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(site_admin_client):
    return site_admin_client


def test_program_changelist_lists_levels_with_their_hours(admin_client):
    response = admin_client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Intensive Outpatient" in html and "9 to 19 hours a week" in html


def test_program_change_form_has_slug_prepopulation_and_a_service_picker(admin_client):
    iop = program("IOP")
    response = admin_client.get(reverse("admin:programs_program_change", args=[iop.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "prepopulated_fields" in html or "data-prepopulated-field" in html
    assert "selectfilter" in html.lower()


def test_service_changelist_counts_the_levels_offering_each(admin_client):
    response = admin_client.get(reverse("admin:programs_service_changelist"))
    assert response.status_code == 200
    rows = {str(s): s._program_count for s in response.context["cl"].result_list}
    assert rows["Group therapy"] == 4
    assert rows["Withdrawal management (detox)"] == 2


def test_the_public_cannot_reach_the_catalog_admin(anon_client):
    response = anon_client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302
