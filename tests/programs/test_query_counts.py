"""Every public page renders with a small, fixed number of queries, however big the catalog."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from programs.models import Program
from tests.factories import ServiceFactory, program

pytestmark = pytest.mark.django_db

# cold: catalog version + programs + their services; warm: the version only
CATALOG_PAGES = [
    ("programs:home", [], 3),
    ("programs:program-list", [], 3),
    ("programs:compare", [], 3),
    ("programs:program-detail", ["intensive-outpatient"], 3),
    ("programs:what-to-expect", [], 3),
    ("programs:faq", [], 3),
    ("public_intake:request-call", [], 3),
    ("public_intake:request-call-thanks", [], 0),
]


@pytest.mark.parametrize(("name", "args", "cold"), CATALOG_PAGES)
def test_page_queries_are_pinned_cold_and_warm(
    anon_client, django_assert_max_num_queries, name, args, cold
):
    url = reverse(name, args=args)
    with django_assert_max_num_queries(cold):
        assert anon_client.get(url).status_code == 200
    with django_assert_max_num_queries(min(cold, 1)):
        assert anon_client.get(url).status_code == 200


def _grow_catalog():
    """Twenty more services on every level and two more (published) levels."""
    extra = [ServiceFactory() for _ in range(20)]
    for level in Program.objects.all():
        level.services.add(*extra)
    template = program("IOP")
    for n in range(2):
        clone = Program.objects.get(pk=template.pk)
        clone.pk = None
        clone.code = f"X{n}"
        clone.slug = f"extra-level-{n}"
        clone.intensity = 10 + n
        clone.save()
        clone.services.set(extra)


@pytest.mark.parametrize(("name", "args", "cold"), CATALOG_PAGES)
def test_page_queries_do_not_grow_with_the_catalog(
    anon_client, django_assert_max_num_queries, name, args, cold
):
    _grow_catalog()
    cache.clear()
    url = reverse(name, args=args)
    with django_assert_max_num_queries(cold):
        response = anon_client.get(url)
    assert response.status_code == 200
    if name == "programs:compare":
        assert response.content.decode().count('<th scope="col">') == 6


def test_sending_a_call_request_takes_a_fixed_handful(anon_client, django_assert_max_num_queries):
    data = {
        "name": "Dana",
        "phone": "213-555-0142",
        "best_time": "any",
        "for_whom": "self",
        "program": "intensive-outpatient",
        "consent": "on",
    }
    # version + programs + services; lock, rate count, insert, and savepoint bookkeeping
    with django_assert_max_num_queries(8):
        assert anon_client.post(reverse("public_intake:request-call"), data).status_code == 302
