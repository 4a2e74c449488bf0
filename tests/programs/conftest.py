import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts cold, so query counts and cache behaviour are deterministic."""
    cache.clear()
    yield
    cache.clear()
