import pytest
from django.core.exceptions import ValidationError

from programs.models import Program
from tests.factories import program

pytestmark = pytest.mark.django_db


def test_published_leaves_out_unpublished_levels():
    php = program("PHP")
    php.is_published = False
    php.save()
    assert list(Program.objects.published().values_list("code", flat=True)) == [
        "OP",
        "IOP",
        "INP",
    ]


def test_with_services_prefetches(django_assert_num_queries):
    with django_assert_num_queries(2):
        levels = list(Program.objects.with_services())
        names = [s.name for level in levels for s in level.services.all()]
    assert "Group therapy" in names


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (3, 5, "3–5 days"),
        (5, 5, "5 days"),
        (1, 1, "1 day"),
        (5, None, "5+ days"),
        (None, 2, "Up to 2 days"),
        (None, None, ""),
    ],
)
def test_days_display(low, high, expected):
    assert Program(min_days_per_week=low, max_days_per_week=high).days_display == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(9, 19, "9–19 hours"), (20, None, "20+ hours"), (None, 8, "Under 9 hours"), (None, None, "")],
)
def test_weekly_hours_display_without_a_note(low, high, expected):
    level = Program(min_weekly_hours=low, max_weekly_hours=high)
    assert level.weekly_hours_display == expected


def test_asam_display_names_the_edition():
    assert program("IOP").asam_display == "ASAM level 2.1 (3rd edition)"


def test_signs_and_week_items_are_one_per_line_without_blanks():
    level = Program(signs_it_fits="one\n\n  two  \n", typical_week="a\r\nb")
    assert level.signs() == ["one", "two"]
    assert level.week_items() == ["a", "b"]


def test_clean_refuses_inverted_ranges_and_eight_day_weeks():
    level = program("IOP")
    level.min_days_per_week, level.max_days_per_week = 5, 3
    level.min_length_weeks, level.max_length_weeks = 12, 6
    with pytest.raises(ValidationError) as excinfo:
        level.clean()
    assert set(excinfo.value.message_dict) == {"max_days_per_week", "max_length_weeks"}
    level = program("IOP")
    level.max_days_per_week = 8
    with pytest.raises(ValidationError):
        level.clean()


def test_absolute_url_uses_the_slug():
    assert program("IOP").get_absolute_url() == "/programs/intensive-outpatient/"
