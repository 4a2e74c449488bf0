import os

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _staff(role: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def intake_user(db):
    return _staff(INTAKE, "intake_worker")


@pytest.fixture
def counselor(db):
    return _staff(COUNSELOR, "counselor_one")


@pytest.fixture
def other_counselor(db):
    return _staff(COUNSELOR, "counselor_two")


@pytest.fixture
def director(db):
    return _staff(DIRECTOR, "director")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anon_client() -> Client:
    return Client()


@pytest.fixture
def intake_client(intake_user) -> Client:
    return _client_for(intake_user)


@pytest.fixture
def counselor_client(counselor) -> Client:
    return _client_for(counselor)


@pytest.fixture
def other_counselor_client(other_counselor) -> Client:
    return _client_for(other_counselor)


@pytest.fixture
def director_client(director) -> Client:
    return _client_for(director)
