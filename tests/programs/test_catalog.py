"""programs.catalog: the published catalog, cached under a version read from the database."""

import pytest
from django.db import connection

from programs.catalog import catalog_version, get_catalog
from programs.models import Program, Service
from tests.factories import ServiceFactory, program

pytestmark = pytest.mark.django_db


def test_it_lists_published_levels_by_intensity_with_services():
    catalog = get_catalog()
    assert [p.code for p in catalog] == ["OP", "IOP", "PHP", "INP"]
    assert catalog.get("intensive-outpatient").code == "IOP"
    assert catalog.get("no-such-level") is None
    assert catalog.by_code("PHP").name == "Partial Hospitalization"


def test_neighbours_are_the_published_levels_either_side():
    catalog = get_catalog()
    lower, higher = catalog.neighbours(catalog.by_code("IOP"))
    assert (lower.code, higher.code) == ("OP", "PHP")
    assert catalog.neighbours(catalog.by_code("OP"))[0] is None
    assert catalog.neighbours(catalog.by_code("INP"))[1] is None


def test_neighbours_skip_an_unpublished_level():
    php = program("PHP")
    php.is_published = False
    php.save()
    catalog = get_catalog()
    assert catalog.neighbours(catalog.by_code("IOP"))[1].code == "INP"


def test_comparison_rows_mark_which_level_offers_each_service():
    rows = dict(get_catalog().comparison_rows())
    by_slug = {service.slug: offered for service, offered in rows.items()}
    assert by_slug["withdrawal-management"] == [False, False, True, True]
    assert by_slug["group-therapy"] == [True, True, True, True]
    assert len(by_slug) == 12


def test_a_service_no_published_level_offers_is_not_compared():
    ServiceFactory(name="Equine therapy", slug="equine-therapy")
    assert "Equine therapy" not in [s.name for s in get_catalog().services()]


def test_cold_read_takes_three_queries_and_a_warm_one_takes_one(django_assert_num_queries):
    with django_assert_num_queries(3):
        get_catalog()
    with django_assert_num_queries(1):
        catalog = get_catalog()
    assert len(catalog) == 4


def _edit_program():
    level = program("IOP")
    level.tagline = "Edited"
    level.save()


def _edit_service():
    service = Service.objects.get(slug="group-therapy")
    service.name = "Group sessions"
    service.save()


def _add_link():
    program("OP").services.add(Service.objects.get(slug="psychoeducation"))


def _remove_link():
    program("IOP").services.remove(Service.objects.get(slug="family-therapy"))


def _swap_links():
    # same number of links afterwards: only updated_at can tell
    op = program("OP")
    op.services.remove(Service.objects.get(slug="family-therapy"))
    op.services.add(Service.objects.get(slug="psychoeducation"))


def _clear_from_service_side():
    Service.objects.get(slug="drug-screening").programs.clear()


def _delete_service():
    Service.objects.get(slug="vocational-life-skills").delete()


def _new_service():
    ServiceFactory()


def _unpublish():
    level = program("INP")
    level.is_published = False
    level.save()


@pytest.mark.parametrize(
    "edit",
    [
        _edit_program,
        _edit_service,
        _add_link,
        _remove_link,
        _swap_links,
        _clear_from_service_side,
        _delete_service,
        _new_service,
        _unpublish,
    ],
)
def test_every_kind_of_edit_changes_the_version(edit):
    before = catalog_version()
    edit()
    assert catalog_version() != before


def test_the_version_is_stable_without_edits():
    assert catalog_version() == catalog_version()


def test_an_edit_from_another_process_shows_at_once():
    """No signal runs here: a bare SQL edit, as another worker's save would look."""
    assert get_catalog().by_code("IOP").tagline != "Changed elsewhere"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_program SET tagline = %s, updated_at = clock_timestamp()"
            " WHERE code = 'IOP'",
            ["Changed elsewhere"],
        )
    assert get_catalog().by_code("IOP").tagline == "Changed elsewhere"


def test_a_renamed_service_shows_at_once():
    get_catalog()
    _edit_service()
    names = [s.name for s in get_catalog().by_code("IOP").services.all()]
    assert "Group sessions" in names


def test_unpublishing_removes_the_level_at_once():
    get_catalog()
    _unpublish()
    assert [p.code for p in get_catalog()] == ["OP", "IOP", "PHP"]
    assert Program.objects.filter(code="INP").exists()
