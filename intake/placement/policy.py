"""The clinic's placement policy applied to one assessment's inputs: the input and
output types, and one function per rule in the policy's order (domain.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from intake.placement.criteria import (
    _SEVERITY_DEFAULT,
    PRESCRIBED_EXEMPT,
    count_criteria,
    severity_for,
)
from intake.placement.dimensions import (
    _DIMENSION_LABELS,
    _FLOORS,
    DIMENSIONS,
    RATING_MAX,
    RATING_MIN,
    STEP_DOWN_DAYS,
)
from intake.placement.levels import Level
from intake.placement.screenings import (
    _D1_MEDICAL,
    _ITEM9_ALERT_FROM,
    _WITHDRAWAL_ALERT_FROM,
    SCREENINGS,
    _whole_number,
    band_for,
)


@dataclass(frozen=True)
class PlacementInput:
    # DSM-5 criteria met in the last 12 months, by key from CRITERIA
    criteria: frozenset[str] = frozenset()
    # substance taken only as prescribed under medical supervision: tolerance and
    # withdrawal then do not count
    only_as_prescribed: bool = False
    # ASAM dimension ratings 0-4 by key "d1".."d6"; None = not rated yet
    dimensions: dict[str, int | None] = field(default_factory=dict)
    assessment_date: date | None = None
    # date INP or PHP care ended, when referred as a step-down
    step_down_ended_on: date | None = None
    # screening totals by key from SCREENINGS; None = not done
    screenings: dict[str, int | None] = field(default_factory=dict)
    sex: str | None = None  # "female" / "male" for AUDIT-C
    # the assessor has gone through the criteria checklist: an empty `criteria` then
    # means "none met" rather than "not filled in yet"
    criteria_reviewed: bool = False


@dataclass(frozen=True)
class Reason:
    text: str
    rule: str  # e.g. "severity", "step-down", "D3 floor"
    level: Level | None = None  # the level this rule asks for (None for notes)
    deciding: bool = False


@dataclass(frozen=True)
class Alert:
    kind: str  # "safety", "withdrawal-mismatch", "imminent-danger", "review"
    text: str
    urgent: bool = True


@dataclass(frozen=True)
class Recommendation:
    level: Level | None  # None while too little is entered to recommend
    criteria_count: int
    severity: str  # "none", "mild", "moderate", "severe"
    reasons: tuple[Reason, ...]
    alerts: tuple[Alert, ...]
    missing: tuple[str, ...]  # what still has to be entered before a level can be given
    missing_keys: tuple[str, ...] = ()  # "criteria", "d1".."d6", "assessment_date"

    @property
    def deciding_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.deciding)

    @property
    def summary(self) -> str:
        if self.level is None:
            return "No recommendation yet: still needed: " + "; ".join(self.missing) + "."
        rules = ", ".join(r.rule for r in self.deciding_reasons)
        return f"Recommended: {self.level.label}. Deciding: {rules}."


# --- The policy ---------------------------------------------------------------------------


@dataclass
class _Draft:
    """A reason under construction; `in_effect` = it can set the final level."""

    text: str
    rule: str
    level: Level | None
    in_effect: bool


def _check_dimensions(dimensions: Mapping[str, int | None]) -> dict[str, int | None]:
    unknown = set(dimensions) - set(_DIMENSION_LABELS)
    if unknown:
        raise ValueError(f"Unknown ASAM dimensions: {', '.join(sorted(unknown))}.")
    for key, rating in dimensions.items():
        if rating is None:
            continue
        if not _whole_number(rating) or not RATING_MIN <= rating <= RATING_MAX:
            raise ValueError(
                f"{key.upper()} is rated {RATING_MIN} to {RATING_MAX}; got {rating!r}."
            )
    return {key: dimensions.get(key) for key, _ in DIMENSIONS}


def _dimension_name(key: str) -> str:
    return f"{key.upper()} ({_DIMENSION_LABELS[key].lower()})"


def _criteria_text(count: int, severity: str, exempted: bool) -> str:
    if exempted:
        counted = f"{count} of 11 DSM-5 criteria count"
        counted += (
            " (tolerance and withdrawal are not counted because the substance is taken"
            " only as prescribed)"
        )
    elif count == 0:
        counted = "No DSM-5 criteria met"
    else:
        counted = f"{count} of 11 DSM-5 criteria met"
    if severity == "none":
        return (
            f"{counted}: fewer than 2, so no substance use disorder program is indicated;"
            " consider early intervention or a referral."
        )
    return (
        f"{counted}: {severity} use disorder, which points to {_SEVERITY_DEFAULT[severity].label}."
    )


def _floor_text(key: str, rating: int, level: Level, why: str) -> str:
    because = f"{why}, so " if why else ""
    return f"{_dimension_name(key)} rated {rating}: {because}at least {level.label}."


def recommend(inp: PlacementInput) -> Recommendation:
    """Apply the clinic's placement policy (domain.md) to one assessment's inputs, rule
    by rule in the policy's order."""
    case = _Case.of(inp)
    _rule_no_disorder(case)  # 1
    _rule_severity_default(case)  # 2
    _rule_step_down(case)  # 3
    _rule_dimension_floors(case)  # 4
    level = _rule_most_intensive(case)  # 5
    _rule_alerts(case)  # 6
    return Recommendation(
        level=level,
        criteria_count=case.count,
        severity=case.severity,
        reasons=tuple(
            Reason(
                text=d.text,
                rule=d.rule,
                level=d.level,
                deciding=level is not None and d.in_effect and d.level == level,
            )
            for d in case.drafts
        ),
        alerts=tuple(case.alerts),
        missing=tuple(text for _, text in case.missing),
        missing_keys=tuple(key for key, _ in case.missing),
    )


@dataclass
class _Case:
    """One assessment's inputs, checked, and what the rules have found so far."""

    inp: PlacementInput
    criteria: frozenset[str]
    count: int
    severity: str
    ratings: dict[str, int | None]
    criteria_known: bool  # criteria ticked, or confirmed as none
    missing: list[tuple[str, str]] = field(default_factory=list)  # (key, what to enter)
    drafts: list[_Draft] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    severity_draft: _Draft | None = None
    step_down_applies: bool = False
    unapplied_floors: list[str] = field(default_factory=list)  # floors a no-SUD case ignores

    @classmethod
    def of(cls, inp: PlacementInput) -> _Case:
        """Check the inputs (ValueError on a rating or a screening out of range) and
        note what still has to be entered."""
        criteria = frozenset(inp.criteria)
        count = count_criteria(criteria, only_as_prescribed=inp.only_as_prescribed)
        ratings = _check_dimensions(inp.dimensions)
        for key, total in inp.screenings.items():
            band_for(key, total, sex=inp.sex)  # range and key check only
        case = cls(
            inp=inp,
            criteria=criteria,
            count=count,
            severity=severity_for(count),
            ratings=ratings,
            criteria_known=bool(criteria) or inp.criteria_reviewed,
        )
        if not case.criteria_known:
            case.missing.append(
                ("criteria", "DSM-5 criteria (tick those met, or confirm that none are met)")
            )
        for key, label in DIMENSIONS:
            if ratings[key] is None:
                case.missing.append((key, f"{key.upper()} rating ({label.lower()})"))
        return case

    @property
    def no_sud(self) -> bool:
        """Fewer than 2 criteria, known to be so: no program is indicated."""
        return self.criteria_known and self.severity == "none"

    @property
    def exempted(self) -> bool:
        """Tolerance or withdrawal ticked but not counted (taken only as prescribed)."""
        return self.inp.only_as_prescribed and bool(self.criteria & PRESCRIBED_EXEMPT)


def _rule_no_disorder(case: _Case) -> None:
    """Rule 1: fewer than 2 DSM-5 criteria, no SUD program is indicated."""
    if case.no_sud:
        text = _criteria_text(case.count, case.severity, case.exempted)
        case.drafts.append(_Draft(text, "criteria", Level.NONE, True))


def _rule_severity_default(case: _Case) -> None:
    """Rule 2: the default level from the severity (mild OP, moderate IOP, severe INP)."""
    if case.criteria_known and not case.no_sud:
        case.severity_draft = _Draft(
            _criteria_text(case.count, case.severity, case.exempted),
            "severity",
            _SEVERITY_DEFAULT[case.severity],
            True,
        )
        case.drafts.append(case.severity_draft)


def _rule_step_down(case: _Case) -> None:
    """Rule 3: leaving INP or PHP in the last 30 days makes IOP the default instead."""
    ended_on, assessed_on = case.inp.step_down_ended_on, case.inp.assessment_date
    if ended_on is None:
        return
    if assessed_on is None:
        case.missing.append(
            ("assessment_date", "assessment date (needed to apply the step-down rule)")
        )
        return
    days = (assessed_on - ended_on).days
    if days < 0:
        text = (
            f"Inpatient or PHP care is recorded as ending on {ended_on.isoformat()}, after"
            " this assessment, so the step-down rule was not applied; check the date."
        )
        case.drafts.append(_Draft(text, "step-down", None, False))
        return
    if days > STEP_DOWN_DAYS:
        text = (
            f"Inpatient or PHP care ended {days} days before this assessment,"
            f" more than {STEP_DOWN_DAYS}, so the step-down rule does not apply."
        )
        case.drafts.append(_Draft(text, "step-down", None, False))
        return
    case.step_down_applies = True
    if days == 0:
        when = "on the day of this assessment"
    else:
        when = f"{days} day{'s' if days > 1 else ''} before this assessment"
    text = (
        f"Inpatient or PHP care ended {when} (within {STEP_DOWN_DAYS} days):"
        f" {_step_down_outcome(case)}"
    )
    case.drafts.append(_Draft(text, "step-down", Level.IOP, not case.no_sud))


def _step_down_outcome(case: _Case) -> str:
    """What the step-down does to the default; it takes the severity's place when the
    two differ."""
    severity_draft = case.severity_draft
    if case.no_sud:
        return (
            f"as a step-down it would point to {Level.IOP.label}, but with fewer"
            " than 2 criteria no program is indicated."
        )
    if severity_draft is None:
        return f"as a step-down the starting point is {Level.IOP.label}."
    if severity_draft.level == Level.IOP:
        return (
            f"as a step-down the starting point is {Level.IOP.label},"
            " the same level the severity points to."
        )
    assert severity_draft.level is not None
    severity_draft.in_effect = False
    return (
        f"as a step-down the starting point is {Level.IOP.label} instead of"
        f" {severity_draft.level.label}."
    )


def _rule_dimension_floors(case: _Case) -> None:
    """Rule 4: each dimension's rating sets a floor (D4 adds a note instead)."""
    for key, _ in DIMENSIONS:
        rating = case.ratings[key]
        if rating is None:
            continue
        if key == "d4" and rating >= 3:
            text = (
                f"{_dimension_name(key)} rated {rating}: start with motivational work."
                " This changes no level."
            )
            case.drafts.append(_Draft(text, "D4 note", None, False))
        floor = _FLOORS[key].get(rating)
        if floor is None:
            continue
        level, why = floor
        text = _floor_text(key, rating, level, why)
        if case.no_sud:
            text += " Not applied: fewer than 2 criteria are met."
            case.unapplied_floors.append(f"{key.upper()} rated {rating}")
        case.drafts.append(_Draft(text, f"{key.upper()} floor", level, not case.no_sud))


def _rule_most_intensive(case: _Case) -> Level | None:
    """Rule 5: the most intensive of the default and every floor (None while something
    is still missing)."""
    if case.missing:
        return None
    return max(d.level for d in case.drafts if d.in_effect and d.level is not None)


def _rule_alerts(case: _Case) -> None:
    """Rule 6: alerts that change no level (with rule 4's same-day alert for D3 = 4)."""
    _alert_self_harm(case)
    _alert_imminent_danger(case)
    _alert_withdrawal_mismatch(case)
    _alert_review(case)


def _alert_self_harm(case: _Case) -> None:
    item9 = case.inp.screenings.get("phq9_item9")
    if item9 is not None and item9 >= _ITEM9_ALERT_FROM:
        case.alerts.append(
            Alert(
                "safety",
                f"PHQ-9 item 9 (thoughts of being better off dead or of self-harm) scored"
                f" {item9}: do a same-day safety assessment before the patient leaves. Give"
                " the 988 Suicide & Crisis Lifeline (call or text 988); if there is"
                " immediate danger, call 911.",
            )
        )


def _alert_imminent_danger(case: _Case) -> None:
    if case.ratings["d3"] == RATING_MAX:
        case.alerts.append(
            Alert(
                "imminent-danger",
                f"{_dimension_name('d3')} rated 4, imminent danger: arrange a same-day"
                " safety assessment before the patient leaves. 988 Suicide & Crisis"
                " Lifeline: call or text 988.",
            )
        )


def _alert_withdrawal_mismatch(case: _Case) -> None:
    """CIWA-Ar or COWS in their severe range while D1 is rated below 3."""
    d1 = case.ratings["d1"]
    if d1 is None or d1 >= _D1_MEDICAL:
        return
    for key, threshold in _WITHDRAWAL_ALERT_FROM.items():
        total = case.inp.screenings.get(key)
        if total is None or total < threshold:
            continue
        screening = SCREENINGS[key]
        band = band_for(key, total)
        assert band is not None
        case.alerts.append(
            Alert(
                "withdrawal-mismatch",
                f"{screening.name} is {total} ({band.label} {screening.measures})"
                f" but D1 is rated {d1}: the ratings disagree. Re-check D1; a rating"
                " of 3 or 4 would call for medically monitored care.",
            )
        )


def _alert_review(case: _Case) -> None:
    """No SUD by the criteria, while floors or a recent step-down point to more care."""
    if not case.no_sud or not (case.unapplied_floors or case.step_down_applies):
        return
    pointers = list(case.unapplied_floors)
    if case.step_down_applies:
        pointers.append("recent inpatient or PHP care")
    case.alerts.append(
        Alert(
            "review",
            "Fewer than 2 DSM-5 criteria are met, but these point to more care: "
            + "; ".join(pointers)
            + ". Check the criteria and the ratings; if they stand, refer for the care"
            " needed (medical or mental-health).",
            urgent=False,
        )
    )
