"""The measures' table: every BAM recode step, subscale, band and off-track boundary."""

from datetime import date, timedelta

import pytest

from outcomes import scales
from outcomes.scales import BAM_7, BAM_30, GAD7, PHQ9, Result

D = date(2026, 3, 2)


def bam_answers(**overrides) -> dict[str, int]:
    """A complete BAM with every answer 0 (item 1 'Excellent', item 14 'No')."""
    answers = {item.key: 0 for item in scales.BAM_ITEMS}
    answers.update({key.removeprefix("i"): value for key, value in overrides.items()})
    return answers


@pytest.mark.parametrize(
    ("days", "points"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_the_30_day_recode(days, points):
    assert scales.recode_days(days, BAM_30) == points


@pytest.mark.parametrize(
    ("days", "points"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)]
)
def test_the_clinics_7_day_recode(days, points):
    assert scales.recode_days(days, BAM_7) == points


@pytest.mark.parametrize(("kind", "days"), [(BAM_30, 31), (BAM_7, 8), (BAM_7, -1)])
def test_a_day_count_beyond_the_versions_days_is_refused(kind, days):
    with pytest.raises(ValueError):
        scales.recode_days(days, kind)
    errors = scales.check_answers(kind, bam_answers(i2=days))
    assert "2" in errors


def test_income_yes_is_4_points_no_is_0():
    yes = scales.score(BAM_30, bam_answers(i14=1))
    no = scales.score(BAM_30, bam_answers(i14=0))
    assert yes["protective"] - no["protective"] == 4


@pytest.mark.parametrize("kind", [BAM_30, BAM_7])
def test_every_days_item_is_recoded_into_its_subscale(kind):
    for item in scales.BAM_ITEMS:
        if item.answer != "days" or item.key in scales.DETAIL_ITEMS:
            continue
        top = scales.VERSION_DAYS[kind]
        answers = bam_answers(**{f"i{item.key}": top})
        if item.key == "5":
            answers["4"] = top
        scores = scales.score(kind, answers)
        scale = next(s for s in scales.BAM_SCALES if item.key in s.items)
        base = scales.score(kind, bam_answers(**({"i4": top} if item.key == "5" else {})))
        assert scores[scale.key] - base[scale.key] == 4, item.key


def test_subscales_use_their_items_only():
    answers = bam_answers(
        i1=4,
        i2=30,
        i3=30,
        i4=30,
        i5=30,
        i6=30,
        i8=4,
        i9=4,
        i10=30,
        i11=30,
        i12=4,
        i13=30,
        i14=1,
        i15=4,
        i16=30,
        i17=4,
    )
    for key in scales.DETAIL_ITEMS:
        answers[key] = 30
    assert scales.score(BAM_30, answers) == {"use": 12, "risk": 24, "protective": 24}
    # the detail items and item 17 are not scored
    plain = dict(answers, **dict.fromkeys(scales.DETAIL_ITEMS, 0), **{"17": 0})
    assert scales.score(BAM_30, plain) == {"use": 12, "risk": 24, "protective": 24}


def test_heavy_drinking_days_above_drinking_days_are_refused():
    errors = scales.check_answers(BAM_30, bam_answers(i4=3, i5=4))
    assert errors == {"5": "Heavy-drinking days (4) can't be more than drinking days (3)."}
    assert scales.check_answers(BAM_30, bam_answers(i4=4, i5=4)) == {}


def test_one_drugs_days_above_any_drug_days_are_refused():
    errors = scales.check_answers(BAM_7, bam_answers(i6=2, **{"7c": 3}))
    assert set(errors) == {"7c"}


def test_a_missing_answer_is_refused_and_score_raises():
    answers = bam_answers()
    del answers["9"]
    assert scales.check_answers(BAM_30, answers) == {"9": "Answer this item."}
    with pytest.raises(ValueError):
        scales.score(BAM_30, answers)


@pytest.mark.parametrize(("value", "band"), [(0, "no use"), (1, "use reported")])
def test_use_band(value, band):
    assert scales.band_of(scales.scale_of(BAM_30, "use"), value).label == band


@pytest.mark.parametrize(("value", "band"), [(11, "below the cut-off"), (12, "high")])
def test_risk_band(value, band):
    assert scales.band_of(scales.scale_of(BAM_30, "risk"), value).label == band


@pytest.mark.parametrize(("value", "band"), [(12, "low"), (13, "adequate")])
def test_protective_band(value, band):
    assert scales.band_of(scales.scale_of(BAM_30, "protective"), value).label == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (15, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_are_intakes(total, band):
    assert scales.band_of(scales.PHQ9_SCALE, total).label == band


@pytest.mark.parametrize(
    ("total", "band"), [(4, "minimal"), (5, "mild"), (14, "moderate"), (15, "severe")]
)
def test_gad7_bands_are_intakes(total, band):
    assert scales.band_of(scales.GAD7_SCALE, total).label == band


def test_phq9_and_gad7_answers_are_0_to_3():
    answers = {str(n): 3 for n in range(1, 10)}
    assert scales.score(PHQ9, answers) == {"total": 27}
    assert "1" in scales.check_answers(GAD7, {str(n): 4 if n == 1 else 0 for n in range(1, 8)})


def bam(day: date, use: int = 0, risk: int = 0, protective: int = 20) -> Result:
    return Result(BAM_7, day, {"use": use, "risk": risk, "protective": protective})


def phq9(day: date, total: int, item9: int = 0) -> Result:
    return Result(PHQ9, day, {"total": total}, item9)


def rules(results) -> set[str]:
    return {flag.rule for flag in scales.off_track(results)}


def test_use_above_0_once_is_not_yet_off_track():
    assert rules([bam(D, use=0), bam(D + timedelta(7), use=1)]) == set()


def test_use_above_0_two_measurements_in_a_row_is_off_track():
    flags = scales.off_track([bam(D, use=2), bam(D + timedelta(7), use=1)])
    assert [f.rule for f in flags] == ["use"]
    assert "two measurements in a row (2, then 1)" in flags[0].reason


def test_use_rule_reads_the_latest_two_in_date_order_across_versions():
    monthly = Result(BAM_30, D, {"use": 3, "risk": 0, "protective": 20})
    assert rules([bam(D + timedelta(7), use=1), monthly]) == {"use"}
    assert rules([monthly, bam(D + timedelta(7), use=1), bam(D + timedelta(14))]) == set()


@pytest.mark.parametrize(("risk", "flagged"), [(11, False), (12, True)])
def test_risk_boundary(risk, flagged):
    assert ("risk" in rules([bam(D, risk=risk)])) is flagged


@pytest.mark.parametrize(("protective", "flagged"), [(12, True), (13, False)])
def test_protective_boundary(protective, flagged):
    assert ("protective" in rules([bam(D, protective=protective)])) is flagged


@pytest.mark.parametrize(("rise", "flagged"), [(4, False), (5, True)])
def test_phq9_rise_from_the_first_score(rise, flagged):
    results = [phq9(D, 6), phq9(D + timedelta(28), 3), phq9(D + timedelta(56), 6 + rise)]
    assert ("phq9_rise" in rules(results)) is flagged


@pytest.mark.parametrize(("item9", "flagged"), [(0, False), (1, True)])
def test_phq9_item9_above_0_is_the_safety_alert(item9, flagged):
    flags = scales.off_track([phq9(D, 8, item9)])
    assert (any(f.rule == "safety" and f.urgent for f in flags)) is flagged


def test_every_item_has_wording_and_an_answer_scale():
    for kind, items in scales.ITEMS.items():
        for item in items:
            assert item.wording(scales.VERSION_DAYS.get(kind, 30))
            assert item.answer in {"scale", "days", "yes_no"}
            if item.answer != "days":
                assert item.choices
    assert "past 7 days" in scales.BAM_ITEMS[2].wording(7)
