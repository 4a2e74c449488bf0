"""Level-of-care decision support: the clinic's placement policy (shared/domain.md).

Pure: no ORM, no request, standard library only. Inputs are plain values taken
from an assessment; the output is the recommended level, every reason in plain
language (the deciding rule(s) marked) and the alerts. The clinician decides;
this only recommends.

Screening band cut-offs live in SCREENINGS, the one table of them in the code.

The package, in the order of the policy's inputs: `levels` (Level), `criteria`
(DSM-5 criteria and severity), `dimensions` (ASAM ratings and their floors),
`screenings` (instruments, bands, checks), `policy` (the inputs, the result and one
function per rule). Import from `intake.placement`, not from the modules.

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

from intake.placement.criteria import CRITERIA, PRESCRIBED_EXEMPT, count_criteria, severity_for
from intake.placement.dimensions import DIMENSIONS, RATING_MAX, RATING_MIN, STEP_DOWN_DAYS
from intake.placement.levels import Level
from intake.placement.policy import Alert, PlacementInput, Reason, Recommendation, recommend
from intake.placement.screenings import (
    AUDIT_OTHER_ITEMS_MAX,
    PHQ9_OTHER_ITEMS_MAX,
    SCREENINGS,
    Band,
    Screening,
    band_for,
    screening_bands,
    validate_screenings,
)

__all__ = [
    "Alert",
    "Band",
    "CRITERIA",
    "DIMENSIONS",
    "Level",
    "PRESCRIBED_EXEMPT",
    "PlacementInput",
    "RATING_MAX",
    "RATING_MIN",
    "Reason",
    "Recommendation",
    "SCREENINGS",
    "STEP_DOWN_DAYS",
    "Screening",
    "band_for",
    "count_criteria",
    "recommend",
    "screening_bands",
    "severity_for",
    "validate_screenings",
    "AUDIT_OTHER_ITEMS_MAX",
    "PHQ9_OTHER_ITEMS_MAX",
]
