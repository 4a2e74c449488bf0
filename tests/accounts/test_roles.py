import pytest
from django.contrib.auth.models import Group

from accounts.roles import ALL_ROLES


@pytest.mark.django_db
def test_migration_creates_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ALL_ROLES)


def test_staff_home_sends_anonymous_visitors_to_login(anon_client):
    response = anon_client.get("/staff/")
    assert response.status_code == 302
    assert response.url.startswith("/staff/login/")


def test_staff_home_shows_intake_work_to_intake(intake_client):
    response = intake_client.get("/staff/")
    assert response.status_code == 200
    assert "Call requests, patient records" in response.content.decode()
    assert "My week" not in response.content.decode()


def test_staff_home_shows_counselor_their_week(counselor_client):
    body = counselor_client.get("/staff/").content.decode()
    assert "My week" in body
    assert "Call requests, patient records" not in body
