import pytest
from django.contrib.auth.models import Group

from accounts.roles import ALL_ROLES


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_roles():
    assert Group.objects.filter(name__in=ALL_ROLES).count() == len(ALL_ROLES)


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_still_sees_them():
    assert Group.objects.filter(name__in=ALL_ROLES).count() == len(ALL_ROLES)
