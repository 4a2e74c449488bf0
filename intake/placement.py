"""Level-of-care decision support: the clinic's placement policy (shared/domain.md).

Pure: no ORM, no request, standard library only. Inputs are plain values taken
from an assessment; the output is the recommended level, every reason in plain
language (the deciding rule(s) marked) and the alerts. The clinician decides;
this only recommends.

Screening band cut-offs live in SCREENINGS, the one table of them in the code.

API (stable; other modules depend on it):

    Level                      IntEnum NONE < OP < IOP < PHP < INP; Level.code -> "OP"...,
                               Level.label -> plain-language name
    CRITERIA                   ordered tuple of (key, plain-language label), the 11 DSM-5 criteria
    PRESCRIBED_EXEMPT          {"tolerance", "withdrawal"}
    DIMENSIONS                 ordered tuple of (key "d1".."d6", label)
    SCREENINGS                 {"audit": Screening(...), "audit_c", "dast10", "phq9",
                                "phq9_item9", "gad7", "ciwa", "cows"}
    band_for(key, total, *, sex=None) -> Band | None
    PlacementInput             frozen dataclass (see below)
    Reason, Alert              frozen dataclasses (see below)
    Recommendation             frozen dataclass (see below)
    recommend(inp) -> Recommendation
    RATING_MIN, RATING_MAX     0 and 4, the range of an ASAM dimension rating
    STEP_DOWN_DAYS             30 (see "Step-down" below)
    PlacementInput.criteria_reviewed   bool, default False (see "Missing" below)
    Screening.measures         what the instrument screens for, e.g. "alcohol use"
    Screening.sex_bands        AUDIT-C only: (("female", bands), ("male", bands))
    Screening.bands_for_sex(sex) -> tuple[Band, ...]
    Recommendation.missing_keys  the keys behind `missing`: "criteria", "d1".."d6",
                               "assessment_date" (same order as `missing`)
    Recommendation.summary     "Recommended: <label>. Deciding: <rules>." or what is missing
    count_criteria(criteria, *, only_as_prescribed=False) -> int   (ValueError: unknown key)
    severity_for(count) -> "none" | "mild" | "moderate" | "severe"
    screening_bands(screenings, *, sex=None) -> {key: Band} for the totals recorded
    validate_screenings(screenings) -> {key: message}; empty when all is well

Bad input: recommend(), band_for(), count_criteria() and screening_bands() raise
ValueError for an unknown key (criterion, dimension, screening), a dimension rating
outside 0-4, a screening total outside its range, or a value that is not a whole
number. Forms should catch these first (validate_screenings gives the messages).
Cross-field checks (PHQ-9 item 9 against the total) live only in
validate_screenings: recommend() never refuses a draft for them.

Decisions the domain brief leaves open, made here:

- Sex for AUDIT-C: "female"/"f"/"woman" and "male"/"m"/"man" (any case) pick that
  cut-off (3+ for women, 4+ for men). Anything else ("intersex", "unknown", None)
  uses the lower cut-off, 3, so nobody who might be positive is missed; a total of
  exactly 3 is then labelled as positive at the women's cut-off, sex not recorded.
- PHQ-9 item 9 is recorded on its own; its band is the answer to the item
  ("not at all" ... "nearly every day"). validate_screenings accepts item 9
  without a PHQ-9 total (a safety question asked on its own must never be
  refused), but asks for item 9 whenever a PHQ-9 total is given, because the
  safety alert depends on it. It also rejects item 9 above the total, and a total
  the other eight items (at most 3 each, 24 in all) cannot reach with that item 9.
- Band.alert marks bands staff should not overlook: AUDIT possible dependence,
  AUDIT-C positive, DAST-10 substantial and severe, PHQ-9 moderately severe and
  severe, PHQ-9 item 9 above 0, GAD-7 severe, CIWA-Ar severe (16+), COWS
  moderately severe and severe (25+).
- Step-down: applies when the assessment date minus the date inpatient/PHP care
  ended is 0 to 30 days, both ends included (ended the same day: 0; ended 30 days
  earlier: applies; 31: does not). It makes the default IOP whatever the severity
  (mild included, so the patient keeps continuity); floors still apply on top.
  An end date after the assessment date, or more than 30 days before it, is shown
  as a note (level None) and changes nothing. An end date without an assessment
  date is "missing".
- Fewer than 2 criteria (rule 1) wins over everything: the level is Level.NONE even
  when a dimension floor fires or a step-down date is recent. Those rules are
  still listed as reasons (with the level they would ask for, never deciding), an
  "imminent-danger" alert for D3 = 4 is still raised, and a non-urgent "review"
  alert says the ratings point to more care than the criteria support, so the
  clinician checks both and refers for the care needed (medical, mental health).
- Deciding reasons: once a level is given, every rule in effect whose level equals
  the final level is marked deciding, so ties mark all of them (D1 = 3 and D6 = 4
  both deciding for INP; severity moderate and D5 = 2 both deciding for IOP). The
  severity rule is not in effect when a step-down replaced it with a different
  level (severe + step-down + D1 = 3 gives INP decided by D1 alone). For Level.NONE
  the "criteria" reason alone is deciding. Notes (level None) never decide.
- Withdrawal mismatch: raised only when D1 is actually rated 0, 1 or 2 (an unrated
  D1 is reported under `missing` instead); one alert per instrument.
- Missing: `level` is None exactly when `missing` is not empty. Needed: the
  criteria (at least one ticked, or criteria_reviewed=True to confirm that an empty
  checklist really means none met), all six dimensions rated, and the assessment
  date when a step-down end date is given. Screenings are optional. While
  something is missing, the reasons found so far are still returned (none marked
  deciding) and every alert the entered data supports is raised.

Reason.rule values: "criteria" (rule 1), "severity" (rule 2), "step-down" (rule 3),
"D1 floor" .. "D6 floor" (rule 4), "D4 note"; reasons come in that order (D4 note
between D3 and D5). Alert.kind values, in the order raised: "safety" (PHQ-9 item 9),
"imminent-danger" (D3 = 4), "withdrawal-mismatch" (CIWA-Ar, then COWS), "review";
all urgent except "review".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum


class Level(IntEnum):
    NONE = 0  # fewer than 2 criteria: no SUD program indicated
    OP = 1
    IOP = 2
    PHP = 3
    INP = 4

    @property
    def code(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.NONE: "No SUD program indicated (early intervention / referral)",
    Level.OP: "Outpatient (OP)",
    Level.IOP: "Intensive Outpatient (IOP)",
    Level.PHP: "Partial Hospitalization (PHP)",
    Level.INP: "Inpatient / Residential",
}


# --- DSM-5 criteria ---------------------------------------------------------------

CRITERIA: tuple[tuple[str, str], ...] = (
    ("larger_longer", "Used more, or for longer, than intended"),
    ("cut_down", "Wanted to cut down or tried and failed"),
    ("time_spent", "Much time spent getting, using or recovering"),
    ("craving", "Craving or strong urges to use"),
    ("obligations", "Failing major obligations at work, school or home"),
    ("social_problems", "Kept using despite social or relationship problems"),
    ("activities_given_up", "Gave up or cut back important activities"),
    ("hazardous_use", "Used in physically hazardous situations"),
    (
        "physical_psychological_harm",
        "Kept using despite physical or psychological harm",
    ),
    ("tolerance", "Tolerance"),
    ("withdrawal", "Withdrawal"),
)
_CRITERIA_KEYS = frozenset(key for key, _ in CRITERIA)

# Not counted when the substance is taken only as prescribed under medical supervision.
PRESCRIBED_EXEMPT = frozenset({"tolerance", "withdrawal"})

_SEVERITY_DEFAULT = {"mild": Level.OP, "moderate": Level.IOP, "severe": Level.INP}


def count_criteria(criteria: Iterable[str], *, only_as_prescribed: bool = False) -> int:
    """How many of the ticked criteria count (tolerance/withdrawal exempt when prescribed)."""
    ticked = frozenset(criteria)
    unknown = ticked - _CRITERIA_KEYS
    if unknown:
        raise ValueError(f"Unknown DSM-5 criteria: {', '.join(sorted(unknown))}.")
    if only_as_prescribed:
        ticked -= PRESCRIBED_EXEMPT
    return len(ticked)


def severity_for(count: int) -> str:
    """DSM-5 severity from the number of criteria that count."""
    if count < 0:
        raise ValueError("A criteria count cannot be negative.")
    if count <= 1:
        return "none"
    if count <= 3:
        return "mild"
    if count <= 5:
        return "moderate"
    return "severe"


# --- ASAM dimensions ---------------------------------------------------------------

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("d1", "Acute intoxication / withdrawal potential"),
    ("d2", "Biomedical conditions"),
    ("d3", "Emotional, behavioral or cognitive conditions"),
    ("d4", "Readiness to change"),
    ("d5", "Relapse / continued use potential"),
    ("d6", "Recovery / living environment"),
)
_DIMENSION_LABELS = dict(DIMENSIONS)
RATING_MIN = 0
RATING_MAX = 4

# The floor each rating sets, with why (plain language). Ratings not listed set none.
_FLOORS: dict[str, dict[int, tuple[Level, str]]] = {
    "d1": {
        2: (Level.IOP, ""),
        3: (Level.INP, "withdrawal needs medical monitoring"),
        4: (Level.INP, "withdrawal needs medical monitoring"),
    },
    "d2": {
        3: (Level.INP, "medical conditions need 24-hour care"),
        4: (Level.INP, "medical conditions need 24-hour care"),
    },
    "d3": {
        2: (Level.IOP, ""),
        3: (Level.PHP, ""),
        4: (Level.INP, "imminent danger"),
    },
    "d4": {},
    "d5": {
        2: (Level.IOP, ""),
        3: (Level.PHP, ""),
        4: (Level.INP, ""),
    },
    "d6": {
        2: (Level.IOP, ""),
        3: (Level.INP, "no safe home to return to (IOP and PHP need one)"),
        4: (Level.INP, "no safe home to return to (IOP and PHP need one)"),
    },
}

STEP_DOWN_DAYS = 30


# --- Screenings ---------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int
    alert: bool = False  # the band calls for attention (e.g. severe)


@dataclass(frozen=True)
class Screening:
    key: str
    name: str
    low: int
    high: int
    bands: tuple[Band, ...] = ()
    measures: str = ""
    # sex-specific bands (AUDIT-C): (("female", bands), ("male", bands)); `bands`
    # then holds the ones used when sex is not recorded
    sex_bands: tuple[tuple[str, tuple[Band, ...]], ...] = ()

    def bands_for_sex(self, sex: str | None) -> tuple[Band, ...]:
        return dict(self.sex_bands).get(_normalise_sex(sex) or "", self.bands)


def _normalise_sex(sex: str | None) -> str | None:
    value = (sex or "").strip().lower()
    if value in {"female", "f", "woman"}:
        return "female"
    if value in {"male", "m", "man"}:
        return "male"
    return None


SCREENINGS: dict[str, Screening] = {
    s.key: s
    for s in (
        Screening(
            "audit",
            "AUDIT",
            0,
            40,
            (
                Band("low risk", 0, 7),
                Band("hazardous", 8, 15),
                Band("harmful", 16, 19),
                Band("possible dependence", 20, 40, alert=True),
            ),
            measures="alcohol use",
        ),
        Screening(
            "audit_c",
            "AUDIT-C",
            0,
            12,
            (
                Band("negative", 0, 2),
                Band(
                    "positive at the women's cut-off of 3 (sex not recorded; the men's is 4)",
                    3,
                    3,
                    alert=True,
                ),
                Band("positive", 4, 12, alert=True),
            ),
            measures="alcohol use",
            sex_bands=(
                ("female", (Band("negative", 0, 2), Band("positive", 3, 12, alert=True))),
                ("male", (Band("negative", 0, 3), Band("positive", 4, 12, alert=True))),
            ),
        ),
        Screening(
            "dast10",
            "DAST-10",
            0,
            10,
            (
                Band("no problems reported", 0, 0),
                Band("low", 1, 2),
                Band("moderate", 3, 5),
                Band("substantial", 6, 8, alert=True),
                Band("severe", 9, 10, alert=True),
            ),
            measures="drug use",
        ),
        Screening(
            "phq9",
            "PHQ-9",
            0,
            27,
            (
                Band("minimal", 0, 4),
                Band("mild", 5, 9),
                Band("moderate", 10, 14),
                Band("moderately severe", 15, 19, alert=True),
                Band("severe", 20, 27, alert=True),
            ),
            measures="depression",
        ),
        Screening(
            "phq9_item9",
            "PHQ-9 item 9",
            0,
            3,
            (
                Band("not at all", 0, 0),
                Band("several days", 1, 1, alert=True),
                Band("more than half the days", 2, 2, alert=True),
                Band("nearly every day", 3, 3, alert=True),
            ),
            measures="thoughts of being better off dead or of self-harm",
        ),
        Screening(
            "gad7",
            "GAD-7",
            0,
            21,
            (
                Band("minimal", 0, 4),
                Band("mild", 5, 9),
                Band("moderate", 10, 14),
                Band("severe", 15, 21, alert=True),
            ),
            measures="anxiety",
        ),
        Screening(
            "ciwa",
            "CIWA-Ar",
            0,
            67,
            (
                Band("minimal", 0, 7),
                Band("moderate", 8, 15),
                Band("severe", 16, 67, alert=True),
            ),
            measures="alcohol withdrawal",
        ),
        Screening(
            "cows",
            "COWS",
            0,
            48,
            (
                Band("no active withdrawal (below the mild range)", 0, 4),
                Band("mild", 5, 12),
                Band("moderate", 13, 24),
                Band("moderately severe", 25, 36, alert=True),
                Band("severe", 37, 48, alert=True),
            ),
            measures="opioid withdrawal",
        ),
    )
}

# Alert thresholds of policy rule 6 (kept next to the bands they agree with).
_ITEM9_ALERT_FROM = 1
_WITHDRAWAL_ALERT_FROM = {"ciwa": 16, "cows": 25}
_D1_MEDICAL = 3
# PHQ-9: items 1-8 score 0-3 each, so they add up to at most 24.
PHQ9_OTHER_ITEMS_MAX = 24
# AUDIT-C is AUDIT items 1-3; items 4-10 score 0-4 each (docs/screening-checks.md)
AUDIT_OTHER_ITEMS_MAX = 28


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _screening(key: str) -> Screening:
    try:
        return SCREENINGS[key]
    except KeyError:
        raise ValueError(f"Unknown screening: {key}.") from None


def _check_total(screening: Screening, total: object) -> int:
    if not _whole_number(total):
        raise ValueError(f"Enter the {screening.name} total as a whole number.")
    assert isinstance(total, int)
    if not screening.low <= total <= screening.high:
        raise ValueError(
            f"{screening.name} scores run from {screening.low} to {screening.high}, "
            f"so {total} is out of range."
        )
    return total


def band_for(key: str, total: int | None, *, sex: str | None = None) -> Band | None:
    """The band a total falls in; None when no total is recorded.

    `sex` only matters for AUDIT-C (see the module docstring for unknown sex).
    """
    screening = _screening(key)
    if total is None:
        return None
    total = _check_total(screening, total)
    for band in screening.bands_for_sex(sex):
        if band.low <= total <= band.high:
            return band
    raise AssertionError(f"SCREENINGS has a gap in {key} at {total}")  # pragma: no cover


def screening_bands(
    screenings: Mapping[str, int | None], *, sex: str | None = None
) -> dict[str, Band]:
    """The band of every total recorded (None totals are left out)."""
    bands = {}
    for key, total in screenings.items():
        band = band_for(key, total, sex=sex)
        if band is not None:
            bands[key] = band
    return bands


def _check_audit_pair(screenings: Mapping[str, object], errors: dict[str, str]) -> None:
    """AUDIT-C is the AUDIT's first three items: never above the AUDIT, nor more than
    28 (items 4-10) below it."""
    if "audit" in errors or "audit_c" in errors:
        return
    audit, audit_c = screenings.get("audit"), screenings.get("audit_c")
    if not isinstance(audit, int) or not isinstance(audit_c, int):
        return
    if audit_c > audit:
        errors["audit_c"] = (
            f"The AUDIT-C ({audit_c}) can't be more than the AUDIT total ({audit}): "
            "it is the AUDIT's first three questions."
        )
    elif audit - audit_c > AUDIT_OTHER_ITEMS_MAX:
        errors["audit"] = (
            f"An AUDIT total of {audit} needs an AUDIT-C of at least "
            f"{audit - AUDIT_OTHER_ITEMS_MAX}: the other seven questions add up to at "
            f"most {AUDIT_OTHER_ITEMS_MAX}."
        )


def validate_screenings(screenings: Mapping[str, object]) -> dict[str, str]:
    """Messages for a form, by screening key; empty when every total is acceptable.

    Checks each total's range, then the PHQ-9 pair: item 9 is needed with a total,
    may not exceed it, and the total may not exceed what the other eight items
    can add to item 9. None means "not done" and is always fine on its own.
    """
    errors: dict[str, str] = {}
    for key, total in screenings.items():
        if key not in SCREENINGS:
            errors[key] = f"Unknown screening: {key}."
            continue
        if total is None:
            continue
        try:
            _check_total(SCREENINGS[key], total)
        except ValueError as exc:
            errors[key] = str(exc)
    _check_audit_pair(screenings, errors)
    if "phq9" in errors or "phq9_item9" in errors:
        return errors
    total, item9 = screenings.get("phq9"), screenings.get("phq9_item9")
    if total is not None and item9 is None:
        errors["phq9_item9"] = (
            "Record item 9 as well: it is part of the PHQ-9 total and the safety check "
            "depends on it."
        )
    elif total is not None and item9 is not None:
        assert isinstance(total, int) and isinstance(item9, int)
        if item9 > total:
            errors["phq9_item9"] = (
                f"Item 9 ({item9}) can't be more than the PHQ-9 total ({total}), which includes it."
            )
        elif total - item9 > PHQ9_OTHER_ITEMS_MAX:
            errors["phq9"] = (
                f"A PHQ-9 total of {total} needs item 9 to be at least "
                f"{total - PHQ9_OTHER_ITEMS_MAX}: the other eight items add up to at "
                f"most {PHQ9_OTHER_ITEMS_MAX}."
            )
    return errors


# --- Input and output ------------------------------------------------------------------


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
