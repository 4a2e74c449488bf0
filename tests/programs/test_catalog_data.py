"""The data migration: a fresh database already holds the full catalog of domain.md."""

import pytest

from programs.models import Program, Service
from tests.factories import program

pytestmark = pytest.mark.django_db


def test_it_has_the_four_levels_in_order_of_intensity():
    codes = list(Program.objects.values_list("code", flat=True))
    assert codes == ["OP", "IOP", "PHP", "INP"]
    assert list(Program.objects.values_list("intensity", flat=True)) == [1, 2, 3, 4]


def test_every_level_is_published_with_the_asam_edition_stored():
    for level in Program.objects.all():
        assert level.is_published
        assert level.asam_edition == "3rd"
        assert level.summary and level.who_it_is_for and level.setting
        assert len(level.signs()) >= 3
        assert len(level.week_items()) >= 3


@pytest.mark.parametrize(
    ("code", "asam", "hours", "days", "weeks"),
    [
        ("OP", "1", (None, 8), (1, 2), (12, 26)),
        ("IOP", "2.1", (9, 19), (3, 5), (6, 12)),
        ("PHP", "2.5", (20, None), (5, 5), (2, 6)),
        ("INP", "3.1-4", (None, None), (7, 7), (1, 6)),
    ],
)
def test_each_level_matches_the_domain_facts(code, asam, hours, days, weeks):
    level = program(code)
    assert level.asam_level == asam
    assert (level.min_weekly_hours, level.max_weekly_hours) == hours
    assert (level.min_days_per_week, level.max_days_per_week) == days
    assert (level.min_length_weeks, level.max_length_weeks) == weeks


def test_hours_read_as_domain_md_states_them():
    assert program("OP").weekly_hours_display == "Under 9 hours a week (under 6 for teens)"
    assert program("IOP").weekly_hours_display == "9 to 19 hours a week (6 to 19 for teens)"
    assert program("PHP").weekly_hours_display == "20 or more hours a week"
    assert program("INP").weekly_hours_display == "24-hour care"


def test_iop_copy_covers_its_three_uses_safe_home_and_court_orders():
    text = program("IOP").who_it_is_for.lower()
    assert "first placement" in text
    assert "step down" in text and "step up" in text and "relapse" in text
    assert "safe place to live" in text
    assert "court" in text and "treatment is the same" in text
    assert "safe" in program("PHP").who_it_is_for.lower()


def test_sessions_are_mornings_or_evenings_about_three_hours():
    iop = program("IOP")
    assert "3 hours" in iop.setting and "morning" in iop.setting and "evening" in iop.setting


def test_all_twelve_services_exist_and_each_level_offers_some():
    assert Service.objects.count() == 12
    offered = {p.code: {s.slug for s in p.services.all()} for p in Program.objects.all()}
    assert "group-therapy" in offered["IOP"]
    assert "withdrawal-management" in offered["INP"]
    assert "withdrawal-management" not in offered["OP"]
    assert offered["OP"] < offered["IOP"] <= offered["PHP"] == offered["INP"]
    assert "medication-management" in offered["OP"]


def test_step_notes_exist_where_a_neighbour_exists():
    assert not program("OP").step_down_note and program("OP").step_up_note
    assert program("IOP").step_down_note and program("IOP").step_up_note
    assert program("PHP").step_down_note and program("PHP").step_up_note
    assert program("INP").step_down_note and not program("INP").step_up_note
