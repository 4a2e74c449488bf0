import pytest
from django.contrib.auth.models import Group

from accounts.roles import ALL_ROLES


@pytest.mark.django_db
def test_migration_creates_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ALL_ROLES)
