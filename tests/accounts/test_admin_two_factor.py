"""Admin users (staff, superusers) must pass two-factor sign-in, like directors."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_without_an_authenticator_is_sent_to_set_one_up():
    client = Client()
    client.force_login(UserFactory(username="new_admin", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))


def test_a_verified_admin_reaches_the_admin(site_admin_client):
    assert site_admin_client.get(reverse("admin:index")).status_code == 200
