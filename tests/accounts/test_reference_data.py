"""Rows made by data migrations survive the flush that ends a transactional test."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ALL_ROLES
from programs.models import Program


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_roles_and_catalog():
    assert Group.objects.filter(name__in=ALL_ROLES).count() == len(ALL_ROLES)
    assert Program.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_still_sees_them():
    assert Group.objects.filter(name__in=ALL_ROLES).count() == len(ALL_ROLES)
    assert Program.objects.count() == 4


def test_a_plain_db_test_after_them_sees_them_too(db):
    # pytest-django runs tests that use the db fixture without a marker last
    assert Group.objects.filter(name__in=ALL_ROLES).count() == len(ALL_ROLES)
    assert Program.objects.count() == 4
