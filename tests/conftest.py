import os

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    """Transactional tests (live server, concurrency) flush the database when they end,
    which would take the reference rows made by data migrations (roles, the catalog,
    session types) away from the tests after them: restore them with serialized
    rollback for every such test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


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
