"""The security pages answer with a small, fixed number of queries."""

import pytest
from django.urls import reverse

from accounts import two_factor

pytestmark = pytest.mark.django_db

# session + user + (director) their device + roles, then the page's own
PAGES = [
    ("intake_client", "accounts:two-factor", 6),
    ("director_client", "accounts:two-factor", 7),
    ("intake_client", "accounts:two-factor-setup", 5),
    ("director_client", "accounts:two-factor-setup", 6),
    ("director_client", "accounts:lockout-list", 6),
    ("anon_client", "accounts:login", 0),
]


@pytest.mark.parametrize(("client_name", "url_name", "most"), PAGES)
def test_page_queries_are_pinned(
    request, django_assert_max_num_queries, client_name, url_name, most
):
    client = request.getfixturevalue(client_name)
    client.get(reverse("accounts:home"))  # the first request of a session settles it
    with django_assert_max_num_queries(most):
        assert client.get(reverse(url_name)).status_code == 200


def test_backup_codes_are_listed_in_one_query(
    director, director_client, django_assert_max_num_queries
):
    two_factor.make_backup_codes(user=director)
    with django_assert_max_num_queries(7):
        response = director_client.get(reverse("accounts:two-factor"))
    assert len(response.context["backup_codes"]) == 10
