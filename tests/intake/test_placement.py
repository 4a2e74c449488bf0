"""Table-driven tests of the placement policy and the screening bands (pure, no DB)."""

from datetime import date, timedelta

import pytest

from intake.placement import (
    CRITERIA,
    DIMENSIONS,
    PRESCRIBED_EXEMPT,
    SCREENINGS,
    Level,
    PlacementInput,
    band_for,
    count_criteria,
    recommend,
    screening_bands,
    severity_for,
    validate_screenings,
)

CRITERIA_KEYS = [key for key, _ in CRITERIA]
# Criteria other than tolerance/withdrawal, so counts are unaffected by the exemption.
PLAIN_KEYS = [key for key in CRITERIA_KEYS if key not in PRESCRIBED_EXEMPT]
ASSESSED = date(2026, 3, 2)


def met(n: int) -> frozenset[str]:
    return frozenset(CRITERIA_KEYS[:n])


def dims(**ratings) -> dict[str, int | None]:
    base = {key: 0 for key, _ in DIMENSIONS}
    base.update(ratings)
    return base


def make(n=2, *, criteria=None, **kwargs) -> PlacementInput:
    """A complete input: n criteria met (mild by default), every dimension rated 0."""
    kwargs.setdefault("dimensions", dims())
    kwargs.setdefault("criteria_reviewed", True)
    kwargs.setdefault("assessment_date", ASSESSED)
    return PlacementInput(criteria=met(n) if criteria is None else criteria, **kwargs)


def rules(reasons) -> set[str]:
    return {r.rule for r in reasons}


def kinds(rec) -> list[str]:
    return [a.kind for a in rec.alerts]


# --- Catalogue tables ---------------------------------------------------------------


def test_the_eleven_criteria_in_domain_order():
    assert CRITERIA_KEYS == [
        "larger_longer",
        "cut_down",
        "time_spent",
        "craving",
        "obligations",
        "social_problems",
        "activities_given_up",
        "hazardous_use",
        "physical_psychological_harm",
        "tolerance",
        "withdrawal",
    ]
    assert all(label and label[0].isupper() for _, label in CRITERIA)
    assert {"tolerance", "withdrawal"} == PRESCRIBED_EXEMPT


def test_the_six_dimensions():
    assert [key for key, _ in DIMENSIONS] == ["d1", "d2", "d3", "d4", "d5", "d6"]
    assert dict(DIMENSIONS)["d6"] == "Recovery / living environment"


@pytest.mark.parametrize(
    ("level", "code", "label"),
    [
        (Level.NONE, "NONE", "No SUD program indicated (early intervention / referral)"),
        (Level.OP, "OP", "Outpatient (OP)"),
        (Level.IOP, "IOP", "Intensive Outpatient (IOP)"),
        (Level.PHP, "PHP", "Partial Hospitalization (PHP)"),
        (Level.INP, "INP", "Inpatient / Residential"),
    ],
)
def test_level_codes_and_labels(level, code, label):
    assert (level.code, level.label) == (code, label)


def test_levels_are_ordered_by_intensity():
    assert Level.NONE < Level.OP < Level.IOP < Level.PHP < Level.INP


# --- Rules 1 and 2: criteria count and severity ----------------------------------------


@pytest.mark.parametrize(
    ("count", "severity", "level", "rule"),
    [
        (0, "none", Level.NONE, "criteria"),
        (1, "none", Level.NONE, "criteria"),
        (2, "mild", Level.OP, "severity"),
        (3, "mild", Level.OP, "severity"),
        (4, "moderate", Level.IOP, "severity"),
        (5, "moderate", Level.IOP, "severity"),
        (6, "severe", Level.INP, "severity"),
        (11, "severe", Level.INP, "severity"),
    ],
)
def test_criteria_count_sets_severity_and_default(count, severity, level, rule):
    rec = recommend(make(count))

    assert (rec.criteria_count, rec.severity, rec.level) == (count, severity, level)
    assert [(r.rule, r.level, r.deciding) for r in rec.reasons] == [(rule, level, True)]
    assert rec.alerts == ()
    assert rec.missing == ()


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (
            0,
            "No DSM-5 criteria met: fewer than 2, so no substance use disorder program is"
            " indicated; consider early intervention or a referral.",
        ),
        (
            1,
            "1 of 11 DSM-5 criteria met: fewer than 2, so no substance use disorder program"
            " is indicated; consider early intervention or a referral.",
        ),
        (3, "3 of 11 DSM-5 criteria met: mild use disorder, which points to Outpatient (OP)."),
        (
            5,
            "5 of 11 DSM-5 criteria met: moderate use disorder, which points to Intensive"
            " Outpatient (IOP).",
        ),
        (
            6,
            "6 of 11 DSM-5 criteria met: severe use disorder, which points to Inpatient /"
            " Residential.",
        ),
    ],
)
def test_criteria_reason_reads_aloud(count, text):
    assert recommend(make(count)).reasons[0].text == text


@pytest.mark.parametrize(
    ("count", "severity"),
    [(0, "none"), (1, "none"), (2, "mild"), (3, "mild"), (4, "moderate"), (5, "moderate")]
    + [(6, "severe"), (11, "severe")],
)
def test_severity_for(count, severity):
    assert severity_for(count) == severity


def test_severity_for_refuses_a_negative_count():
    with pytest.raises(ValueError):
        severity_for(-1)


@pytest.mark.parametrize(
    ("criteria", "only_as_prescribed", "count", "severity", "level"),
    [
        # tolerance + withdrawal + 2 others
        ({"tolerance", "withdrawal", "craving", "cut_down"}, False, 4, "moderate", Level.IOP),
        ({"tolerance", "withdrawal", "craving", "cut_down"}, True, 2, "mild", Level.OP),
        # only tolerance + withdrawal + 1 other: prescribed use drops below 2
        ({"tolerance", "withdrawal", "craving"}, False, 3, "mild", Level.OP),
        ({"tolerance", "withdrawal", "craving"}, True, 1, "none", Level.NONE),
        ({"tolerance"}, True, 0, "none", Level.NONE),
        # only_as_prescribed changes nothing when neither is ticked
        (set(PLAIN_KEYS[:6]), True, 6, "severe", Level.INP),
        (set(PLAIN_KEYS[:6]), False, 6, "severe", Level.INP),
        # all eleven, prescribed: 9 still count
        (set(CRITERIA_KEYS), True, 9, "severe", Level.INP),
        (set(CRITERIA_KEYS), False, 11, "severe", Level.INP),
    ],
)
def test_tolerance_and_withdrawal_do_not_count_when_taken_as_prescribed(
    criteria, only_as_prescribed, count, severity, level
):
    rec = recommend(make(criteria=frozenset(criteria), only_as_prescribed=only_as_prescribed))

    assert (rec.criteria_count, rec.severity, rec.level) == (count, severity, level)
    exempted = only_as_prescribed and bool(set(criteria) & PRESCRIBED_EXEMPT)
    assert (
        "not counted because the substance is taken only as prescribed" in (rec.reasons[0].text)
    ) is exempted
    assert count_criteria(criteria, only_as_prescribed=only_as_prescribed) == count


def test_unknown_criterion_is_refused():
    with pytest.raises(ValueError, match="Unknown DSM-5 criteria: sneezing"):
        recommend(make(criteria=frozenset({"craving", "sneezing"})))


# --- Rule 4: dimension floors, each dimension at each rating -------------------------

FLOOR_TABLE = [
    # (dimension, rating, floor it sets or None, D4 note expected)
    ("d1", 0, None, False),
    ("d1", 1, None, False),
    ("d1", 2, Level.IOP, False),
    ("d1", 3, Level.INP, False),
    ("d1", 4, Level.INP, False),
    ("d2", 0, None, False),
    ("d2", 1, None, False),
    ("d2", 2, None, False),
    ("d2", 3, Level.INP, False),
    ("d2", 4, Level.INP, False),
    ("d3", 0, None, False),
    ("d3", 1, None, False),
    ("d3", 2, Level.IOP, False),
    ("d3", 3, Level.PHP, False),
    ("d3", 4, Level.INP, False),
    ("d4", 0, None, False),
    ("d4", 1, None, False),
    ("d4", 2, None, False),
    ("d4", 3, None, True),
    ("d4", 4, None, True),
    ("d5", 0, None, False),
    ("d5", 1, None, False),
    ("d5", 2, Level.IOP, False),
    ("d5", 3, Level.PHP, False),
    ("d5", 4, Level.INP, False),
    ("d6", 0, None, False),
    ("d6", 1, None, False),
    ("d6", 2, Level.IOP, False),
    ("d6", 3, Level.INP, False),
    ("d6", 4, Level.INP, False),
]


@pytest.mark.parametrize(("dim", "rating", "floor", "note"), FLOOR_TABLE)
def test_each_dimension_rating_sets_its_floor(dim, rating, floor, note):
    # mild disorder: default OP, so every floor shows in the level
    rec = recommend(make(2, dimensions=dims(**{dim: rating})))

    floors = [r for r in rec.reasons if r.rule.endswith("floor")]
    if floor is None:
        assert floors == []
        assert rec.level == Level.OP
    else:
        assert [(r.rule, r.level, r.deciding) for r in floors] == [
            (f"{dim.upper()} floor", floor, True)
        ]
        assert rec.level == floor
        assert floors[0].text.startswith(f"{dim.upper()} (")
        assert f"rated {rating}: " in floors[0].text
        assert floors[0].text.endswith(f"at least {floor.label}.")
    notes = [r for r in rec.reasons if r.rule == "D4 note"]
    assert len(notes) == int(note)
    if note:
        assert "start with motivational work" in notes[0].text
        assert notes[0].level is None
        assert not notes[0].deciding


@pytest.mark.parametrize(
    ("dim", "rating", "phrase"),
    [
        ("d1", 3, "withdrawal needs medical monitoring"),
        ("d1", 4, "withdrawal needs medical monitoring"),
        ("d3", 4, "imminent danger"),
        ("d6", 3, "no safe home to return to"),
        ("d6", 4, "no safe home to return to"),
    ],
)
def test_floor_reasons_say_why(dim, rating, phrase):
    rec = recommend(make(2, dimensions=dims(**{dim: rating})))
    assert phrase in next(r.text for r in rec.reasons if r.rule == f"{dim.upper()} floor")


@pytest.mark.parametrize(
    "dimensions",
    [
        {"d7": 1},
        {"D1": 1},
        {"d1": 5},
        {"d1": -1},
        {"d1": "2"},
        {"d1": 2.0},
        {"d1": True},
    ],
)
def test_bad_dimension_input_is_refused(dimensions):
    with pytest.raises(ValueError):
        recommend(make(4, dimensions=dims() | dimensions))


# --- Rule 5: several floors, deciding reasons --------------------------------------------


@pytest.mark.parametrize(
    ("count", "ratings", "level", "deciding"),
    [
        # the browser-test scenario: moderate, D6 = 2: default and floor tie at IOP
        (4, {"d6": 2}, Level.IOP, {"severity", "D6 floor"}),
        (2, {"d1": 3, "d6": 4}, Level.INP, {"D1 floor", "D6 floor"}),
        (6, {"d5": 3}, Level.INP, {"severity"}),
        (2, {"d3": 3, "d5": 3}, Level.PHP, {"D3 floor", "D5 floor"}),
        (2, {"d3": 3, "d5": 2}, Level.PHP, {"D3 floor"}),
        (
            2,
            {"d1": 2, "d3": 2, "d5": 2, "d6": 2},
            Level.IOP,
            {"D1 floor", "D3 floor", "D5 floor", "D6 floor"},
        ),
        (4, {"d2": 4, "d3": 3}, Level.INP, {"D2 floor"}),
        (4, {"d4": 4, "d5": 3}, Level.PHP, {"D5 floor"}),
        (
            6,
            {key: 4 for key, _ in DIMENSIONS},
            Level.INP,
            {"severity", "D1 floor", "D2 floor", "D3 floor", "D5 floor", "D6 floor"},
        ),
        (3, {key: 1 for key, _ in DIMENSIONS}, Level.OP, {"severity"}),
    ],
)
def test_most_intensive_rule_wins_and_every_tie_is_marked(count, ratings, level, deciding):
    rec = recommend(make(count, dimensions=dims(**ratings)))

    assert rec.level == level
    assert rules(rec.deciding_reasons) == deciding
    assert all(r.level == level for r in rec.deciding_reasons)
    # every rule that asks for a level is listed, deciding or not
    fired = {f"{k.upper()} floor" for k, v in ratings.items() if v >= 2 and k != "d4"}
    fired -= {"D2 floor"} if ratings.get("d2", 0) < 3 else set()
    assert {r.rule for r in rec.reasons if r.level is not None} == fired | {"severity"}


def test_summary_names_the_level_and_the_deciding_rules():
    rec = recommend(make(4, dimensions=dims(d6=2)))
    assert rec.summary == "Recommended: Intensive Outpatient (IOP). Deciding: severity, D6 floor."
    none = recommend(make(1))
    assert none.summary == (
        "Recommended: No SUD program indicated (early intervention / referral). Deciding: criteria."
    )


# --- Rule 3: step-down --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "level", "applies"),
    [
        (0, Level.IOP, True),
        (1, Level.IOP, True),
        (29, Level.IOP, True),
        (30, Level.IOP, True),
        (31, Level.INP, False),
        (90, Level.INP, False),
        (-1, Level.INP, False),  # care "ends" after the assessment: date to check
        (None, Level.INP, False),
    ],
)
def test_step_down_within_30_days_inclusive(days, level, applies):
    ended = None if days is None else ASSESSED - timedelta(days=days)
    rec = recommend(make(6, step_down_ended_on=ended))  # severe: default INP

    assert rec.level == level
    step = [r for r in rec.reasons if r.rule == "step-down"]
    severity = next(r for r in rec.reasons if r.rule == "severity")
    if applies:
        assert [(r.level, r.deciding) for r in step] == [(Level.IOP, True)]
        assert "instead of Inpatient / Residential" in step[0].text
        assert (severity.level, severity.deciding) == (Level.INP, False)
    else:
        assert severity.deciding
        if days is None:
            assert step == []
        else:  # a note that explains why it did not apply
            assert [(r.level, r.deciding) for r in step] == [(None, False)]


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (
            0,
            "Inpatient or PHP care ended on the day of this assessment (within 30 days): as a"
            " step-down the starting point is Intensive Outpatient (IOP) instead of Inpatient"
            " / Residential.",
        ),
        (1, "Inpatient or PHP care ended 1 day before this assessment (within 30 days)"),
        (30, "Inpatient or PHP care ended 30 days before this assessment (within 30 days)"),
        (
            31,
            "Inpatient or PHP care ended 31 days before this assessment, more than 30, so the"
            " step-down rule does not apply.",
        ),
        (-2, "after this assessment, so the step-down rule was not applied; check the date."),
    ],
)
def test_step_down_reason_reads_aloud(days, text):
    rec = recommend(make(6, step_down_ended_on=ASSESSED - timedelta(days=days)))
    assert text in next(r.text for r in rec.reasons if r.rule == "step-down")


@pytest.mark.parametrize(
    ("count", "days", "level", "deciding"),
    [
        # mild: the step-down raises the default to IOP
        (2, 10, Level.IOP, {"step-down"}),
        (2, 31, Level.OP, {"severity"}),
        # moderate: both point to IOP and both are marked
        (4, 10, Level.IOP, {"severity", "step-down"}),
    ],
)
def test_step_down_makes_the_default_iop_whatever_the_severity(count, days, level, deciding):
    rec = recommend(make(count, step_down_ended_on=ASSESSED - timedelta(days=days)))
    assert rec.level == level
    assert rules(rec.deciding_reasons) == deciding


@pytest.mark.parametrize(
    ("ratings", "level", "deciding"),
    [
        ({"d1": 3}, Level.INP, {"D1 floor"}),  # severity asked INP too, but was replaced
        ({"d3": 3}, Level.PHP, {"D3 floor"}),
        ({"d5": 3, "d6": 3}, Level.INP, {"D6 floor"}),
        ({"d6": 2}, Level.IOP, {"step-down", "D6 floor"}),
        ({"d4": 4}, Level.IOP, {"step-down"}),
    ],
)
def test_floors_still_apply_over_a_step_down(ratings, level, deciding):
    rec = recommend(
        make(6, dimensions=dims(**ratings), step_down_ended_on=ASSESSED - timedelta(days=5))
    )
    assert rec.level == level
    assert rules(rec.deciding_reasons) == deciding


def test_step_down_needs_the_assessment_date():
    rec = recommend(make(6, assessment_date=None, step_down_ended_on=date(2026, 2, 20)))

    assert rec.level is None
    assert rec.missing_keys == ("assessment_date",)
    assert rec.missing == ("assessment date (needed to apply the step-down rule)",)
    assert not rec.deciding_reasons


def test_no_assessment_date_is_fine_without_a_step_down():
    assert recommend(make(6, assessment_date=None)).level == Level.INP


# --- Fewer than 2 criteria while other rules fire ------------------------------------------


@pytest.mark.parametrize(
    ("count", "ratings", "days", "alerts", "review_mentions"),
    [
        (1, {"d3": 4}, None, ["imminent-danger", "review"], ["D3 rated 4"]),
        (0, {"d1": 4}, None, ["review"], ["D1 rated 4"]),
        (1, {"d5": 2, "d6": 3}, None, ["review"], ["D5 rated 2", "D6 rated 3"]),
        (1, {}, 3, ["review"], ["recent inpatient or PHP care"]),
        (1, {"d4": 4}, None, [], []),  # a note is no floor
        (0, {}, None, [], []),
        (1, {}, 45, [], []),
    ],
)
def test_fewer_than_two_criteria_means_no_program_even_when_floors_fire(
    count, ratings, days, alerts, review_mentions
):
    ended = None if days is None else ASSESSED - timedelta(days=days)
    rec = recommend(make(count, dimensions=dims(**ratings), step_down_ended_on=ended))

    assert rec.level == Level.NONE
    assert [(r.rule, r.level) for r in rec.deciding_reasons] == [("criteria", Level.NONE)]
    assert kinds(rec) == alerts
    for reason in rec.reasons:
        if reason.rule.endswith("floor"):
            assert reason.text.endswith("Not applied: fewer than 2 criteria are met.")
            assert not reason.deciding
    if review_mentions:
        review = rec.alerts[-1]
        assert not review.urgent
        for mention in review_mentions:
            assert mention in review.text


# --- Rule 6 and the D3 alert: alerts that change no level ----------------------------------


@pytest.mark.parametrize(
    ("ratings", "screenings", "alerts"),
    [
        ({}, {}, []),
        ({}, {"phq9": 10, "phq9_item9": 0}, []),
        ({}, {"phq9": 10, "phq9_item9": 1}, ["safety"]),
        ({}, {"phq9": 10, "phq9_item9": 3}, ["safety"]),
        ({}, {"phq9_item9": 2}, ["safety"]),  # item 9 asked on its own
        ({"d3": 3}, {}, []),
        ({"d3": 4}, {}, ["imminent-danger"]),
        ({"d1": 2}, {"ciwa": 15}, []),
        ({"d1": 2}, {"ciwa": 16}, ["withdrawal-mismatch"]),
        ({"d1": 0}, {"ciwa": 67}, ["withdrawal-mismatch"]),
        ({"d1": 3}, {"ciwa": 16}, []),
        ({"d1": 4}, {"ciwa": 40}, []),
        ({"d1": 2}, {"cows": 24}, []),
        ({"d1": 2}, {"cows": 25}, ["withdrawal-mismatch"]),
        ({"d1": 1}, {"cows": 48}, ["withdrawal-mismatch"]),
        ({"d1": 3}, {"cows": 25}, []),
        ({"d1": 1}, {"ciwa": 20, "cows": 30}, ["withdrawal-mismatch", "withdrawal-mismatch"]),
        (
            {"d1": 1, "d3": 4},
            {"phq9": 20, "phq9_item9": 2, "ciwa": 18},
            ["safety", "imminent-danger", "withdrawal-mismatch"],
        ),
    ],
)
def test_alerts_fire_at_their_thresholds_and_change_no_level(ratings, screenings, alerts):
    rec = recommend(make(4, dimensions=dims(**ratings), screenings=screenings))
    without = recommend(make(4, dimensions=dims(**ratings)))

    assert kinds(rec) == alerts
    assert rec.level == without.level
    assert rec.reasons == without.reasons
    assert all(a.urgent for a in rec.alerts)


def test_safety_alert_gives_988():
    rec = recommend(make(4, screenings={"phq9": 9, "phq9_item9": 2}))
    assert "same-day safety assessment" in rec.alerts[0].text
    assert "988" in rec.alerts[0].text


def test_imminent_danger_alert_is_same_day():
    rec = recommend(make(4, dimensions=dims(d3=4)))
    assert "same-day safety assessment" in rec.alerts[0].text


def test_withdrawal_mismatch_says_which_ratings_disagree():
    rec = recommend(make(4, dimensions=dims(d1=1), screenings={"cows": 26}))
    assert rec.alerts[0].text.startswith(
        "COWS is 26 (moderately severe opioid withdrawal) but D1 is rated 1: the ratings disagree."
    )


def test_no_withdrawal_mismatch_while_d1_is_unrated():
    rec = recommend(make(4, dimensions=dims(d1=None), screenings={"ciwa": 30}))
    assert rec.alerts == ()
    assert rec.missing_keys == ("d1",)


@pytest.mark.parametrize(
    "screenings", [{"ciwa": 68}, {"cows": -1}, {"phq9_item9": 4}, {"bdi": 3}, {"audit": "7"}]
)
def test_recommend_refuses_bad_screening_totals(screenings):
    with pytest.raises(ValueError):
        recommend(make(4, screenings=screenings))


# --- Missing data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "missing_keys"),
    [
        ({"criteria": frozenset(), "criteria_reviewed": False}, ("criteria",)),
        ({"dimensions": {}}, ("d1", "d2", "d3", "d4", "d5", "d6")),
        ({"dimensions": dims(d2=None, d5=None)}, ("d2", "d5")),
        ({"dimensions": {"d1": 1, "d2": 0, "d3": 0, "d4": 0, "d5": 0}}, ("d6",)),
        (
            {
                "criteria": frozenset(),
                "criteria_reviewed": False,
                "dimensions": dims(d4=None),
                "assessment_date": None,
                "step_down_ended_on": date(2026, 1, 1),
            },
            ("criteria", "d4", "assessment_date"),
        ),
    ],
)
def test_no_level_until_everything_needed_is_entered(kwargs, missing_keys):
    rec = recommend(make(4, **kwargs))

    assert rec.level is None
    assert rec.missing_keys == missing_keys
    assert len(rec.missing) == len(missing_keys)
    assert rec.deciding_reasons == ()
    assert rec.summary.startswith("No recommendation yet: still needed: ")


def test_missing_texts_name_what_to_enter():
    rec = recommend(PlacementInput(dimensions=dims(d3=None)))
    assert rec.missing == (
        "DSM-5 criteria (tick those met, or confirm that none are met)",
        "D3 rating (emotional, behavioral or cognitive conditions)",
    )


def test_ticked_criteria_need_no_confirmation():
    assert recommend(make(4, criteria_reviewed=False)).level == Level.IOP


def test_an_empty_checklist_counts_once_confirmed():
    rec = recommend(make(criteria=frozenset(), criteria_reviewed=True))
    assert (rec.level, rec.missing) == (Level.NONE, ())


def test_partial_input_still_gives_reasons_so_far_and_every_alert():
    rec = recommend(
        PlacementInput(
            criteria=met(5),
            dimensions={"d3": 4, "d6": 2},
            screenings={"phq9_item9": 1},
        )
    )

    assert rec.level is None
    assert rec.missing_keys == ("d1", "d2", "d4", "d5")
    assert (rec.criteria_count, rec.severity) == (5, "moderate")
    assert [r.rule for r in rec.reasons] == ["severity", "D3 floor", "D6 floor"]
    assert kinds(rec) == ["safety", "imminent-danger"]


def test_nothing_entered():
    rec = recommend(PlacementInput())
    assert rec.level is None
    assert rec.reasons == ()
    assert rec.alerts == ()
    assert rec.missing_keys == ("criteria", "d1", "d2", "d3", "d4", "d5", "d6")


# --- Screening bands ------------------------------------------------------------------------

BAND_TABLE = [
    # (screening, total, band label): minimum, maximum and both sides of every cut-off
    ("audit", 0, "low risk"),
    ("audit", 7, "low risk"),
    ("audit", 8, "hazardous"),
    ("audit", 15, "hazardous"),
    ("audit", 16, "harmful"),
    ("audit", 19, "harmful"),
    ("audit", 20, "possible dependence"),
    ("audit", 40, "possible dependence"),
    ("dast10", 0, "no problems reported"),
    ("dast10", 1, "low"),
    ("dast10", 2, "low"),
    ("dast10", 3, "moderate"),
    ("dast10", 5, "moderate"),
    ("dast10", 6, "substantial"),
    ("dast10", 8, "substantial"),
    ("dast10", 9, "severe"),
    ("dast10", 10, "severe"),
    ("phq9", 0, "minimal"),
    ("phq9", 4, "minimal"),
    ("phq9", 5, "mild"),
    ("phq9", 9, "mild"),
    ("phq9", 10, "moderate"),
    ("phq9", 14, "moderate"),
    ("phq9", 15, "moderately severe"),
    ("phq9", 19, "moderately severe"),
    ("phq9", 20, "severe"),
    ("phq9", 27, "severe"),
    ("phq9_item9", 0, "not at all"),
    ("phq9_item9", 1, "several days"),
    ("phq9_item9", 2, "more than half the days"),
    ("phq9_item9", 3, "nearly every day"),
    ("gad7", 0, "minimal"),
    ("gad7", 4, "minimal"),
    ("gad7", 5, "mild"),
    ("gad7", 9, "mild"),
    ("gad7", 10, "moderate"),
    ("gad7", 14, "moderate"),
    ("gad7", 15, "severe"),
    ("gad7", 21, "severe"),
    ("ciwa", 0, "minimal"),
    ("ciwa", 7, "minimal"),
    ("ciwa", 8, "moderate"),
    ("ciwa", 15, "moderate"),
    ("ciwa", 16, "severe"),
    ("ciwa", 67, "severe"),
    ("cows", 0, "no active withdrawal (below the mild range)"),
    ("cows", 4, "no active withdrawal (below the mild range)"),
    ("cows", 5, "mild"),
    ("cows", 12, "mild"),
    ("cows", 13, "moderate"),
    ("cows", 24, "moderate"),
    ("cows", 25, "moderately severe"),
    ("cows", 36, "moderately severe"),
    ("cows", 37, "severe"),
    ("cows", 48, "severe"),
    ("audit_c", 0, "negative"),
    ("audit_c", 2, "negative"),
    ("audit_c", 4, "positive"),
    ("audit_c", 12, "positive"),
]


@pytest.mark.parametrize(("key", "total", "label"), BAND_TABLE)
def test_band_for_each_cut_off(key, total, label):
    assert band_for(key, total).label == label


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("audit", 0, 40),
        ("audit_c", 0, 12),
        ("dast10", 0, 10),
        ("phq9", 0, 27),
        ("phq9_item9", 0, 3),
        ("gad7", 0, 21),
        ("ciwa", 0, 67),
        ("cows", 0, 48),
    ],
)
def test_screening_ranges_and_out_of_range(key, low, high):
    screening = SCREENINGS[key]
    assert (screening.key, screening.low, screening.high) == (key, low, high)
    assert band_for(key, None) is None
    with pytest.raises(ValueError, match=f"run from {low} to {high}, so {low - 1} is out"):
        band_for(key, low - 1)
    with pytest.raises(ValueError, match=f"so {high + 1} is out of range"):
        band_for(key, high + 1)


def test_screening_table_is_complete():
    assert set(SCREENINGS) == {
        "audit",
        "audit_c",
        "dast10",
        "phq9",
        "phq9_item9",
        "gad7",
        "ciwa",
        "cows",
    }


@pytest.mark.parametrize("key", sorted(SCREENINGS))
def test_bands_cover_the_range_without_gaps_or_overlaps(key):
    screening = SCREENINGS[key]
    for bands in [screening.bands, *(b for _, b in screening.sex_bands)]:
        assert bands[0].low == screening.low
        assert bands[-1].high == screening.high
        for before, after in zip(bands, bands[1:], strict=False):
            assert after.low == before.high + 1


@pytest.mark.parametrize(
    ("key", "alerting_from"),
    [
        ("audit", 20),
        ("audit_c", 3),
        ("dast10", 6),
        ("phq9", 15),
        ("phq9_item9", 1),
        ("gad7", 15),
        ("ciwa", 16),
        ("cows", 25),
    ],
)
def test_alert_bands_start_where_attention_is_needed(key, alerting_from):
    assert not band_for(key, alerting_from - 1).alert
    assert band_for(key, alerting_from).alert
    assert band_for(key, SCREENINGS[key].high).alert


@pytest.mark.parametrize("total", ["5", 5.0, True])
def test_band_for_refuses_what_is_not_a_whole_number(total):
    with pytest.raises(ValueError, match="whole number"):
        band_for("audit", total)


def test_band_for_refuses_an_unknown_screening():
    with pytest.raises(ValueError, match="Unknown screening: bdi"):
        band_for("bdi", 3)


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        ("female", 2, False),
        ("female", 3, True),
        ("male", 3, False),
        ("male", 4, True),
        ("F", 3, True),
        ("M", 3, False),
        (" Male ", 4, True),
        # sex not recorded: the lower cut-off, so nobody possibly positive is missed
        (None, 2, False),
        (None, 3, True),
        (None, 4, True),
        ("unknown", 3, True),
        ("intersex", 3, True),
        ("", 2, False),
    ],
)
def test_audit_c_cut_off_by_sex(sex, total, positive):
    band = band_for("audit_c", total, sex=sex)
    assert band.label.startswith("positive") is positive
    assert band.alert is positive


def test_audit_c_says_when_the_lower_cut_off_was_used():
    assert "sex not recorded" in band_for("audit_c", 3).label
    assert band_for("audit_c", 4).label == "positive"
    assert band_for("audit_c", 3, sex="female").label == "positive"


def test_sex_only_matters_for_audit_c():
    assert band_for("audit", 8, sex="female") == band_for("audit", 8, sex="male")


def test_screening_bands_for_what_was_recorded():
    bands = screening_bands({"audit": 9, "phq9": None, "audit_c": 3}, sex="male")
    assert {key: band.label for key, band in bands.items()} == {
        "audit": "hazardous",
        "audit_c": "negative",
    }


@pytest.mark.parametrize(
    ("screenings", "errors"),
    [
        ({}, {}),
        ({"audit": None, "phq9": None, "phq9_item9": None}, {}),
        ({"audit": 40, "cows": 0, "phq9": 10, "phq9_item9": 2}, {}),
        ({"audit": 41}, {"audit": "AUDIT scores run from 0 to 40, so 41 is out of range."}),
        ({"gad7": -1}, {"gad7": "GAD-7 scores run from 0 to 21, so -1 is out of range."}),
        ({"ciwa": "x"}, {"ciwa": "Enter the CIWA-Ar total as a whole number."}),
        ({"bdi": 4}, {"bdi": "Unknown screening: bdi."}),
        # item 9 on its own is kept: a safety answer is never refused
        ({"phq9_item9": 3}, {}),
        ({"phq9": 3, "phq9_item9": 3}, {}),
        (
            {"phq9": 2, "phq9_item9": 3},
            {"phq9_item9": "Item 9 (3) can't be more than the PHQ-9 total (2), which includes it."},
        ),
        (
            {"phq9": 12},
            {
                "phq9_item9": "Record item 9 as well: it is part of the PHQ-9 total and the"
                " safety check depends on it."
            },
        ),
        (
            {"phq9": 12, "phq9_item9": None},
            {
                "phq9_item9": "Record item 9 as well: it is part of the PHQ-9 total and the"
                " safety check depends on it."
            },
        ),
        ({"phq9": 24, "phq9_item9": 0}, {}),
        ({"phq9": 27, "phq9_item9": 3}, {}),
        (
            {"phq9": 26, "phq9_item9": 1},
            {
                "phq9": "A PHQ-9 total of 26 needs item 9 to be at least 2: the other eight"
                " items add up to at most 24."
            },
        ),
        # a range error is reported alone, without cross-checks on top
        (
            {"phq9": 30, "phq9_item9": 1},
            {"phq9": "PHQ-9 scores run from 0 to 27, so 30 is out of range."},
        ),
    ],
)
def test_validate_screenings_messages(screenings, errors):
    assert validate_screenings(screenings) == errors
