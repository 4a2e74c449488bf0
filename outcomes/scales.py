"""The progress measures' items, recodes, subscales, bands and off-track rules.

Pure: no ORM, standard library (and intake's pure band table) only. Everything the
clinic may tune sits in the tables at the top: the day-count recodes of both BAM
versions, the subscale cut-offs and the off-track thresholds. PHQ-9 and GAD-7 bands
are intake's (`intake.placement.SCREENINGS`), the one table of screening cut-offs.

Item wording is the clinic's own short phrasing of each question, not the published
text. Answers are whole numbers: a scale answer 0-4 (PHQ-9 and GAD-7: 0-3), a day
count 0 to the version's number of days, or yes/no stored as 1/0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from intake.placement import SCREENINGS, Band

# --- kinds and versions -------------------------------------------------------------------

BAM_30 = "bam30"  # about the past 30 days: at admission, monthly in OP
BAM_7 = "bam7"  # about the past 7 days: weekly in IOP and PHP (the clinic's recode)
PHQ9 = "phq9"
GAD7 = "gad7"

KIND_LABELS = {
    BAM_30: "BAM, past 30 days",
    BAM_7: "BAM, past 7 days",
    PHQ9: "PHQ-9 (depression)",
    GAD7: "GAD-7 (anxiety)",
}
BAM_KINDS = (BAM_30, BAM_7)
VERSION_DAYS = {BAM_30: 30, BAM_7: 7}

# Day count -> 0-4: (first day count of the step, points). The 30-day steps are the
# published BAM's; the 7-day steps are the clinic's own, kept here so they can change.
DAY_RECODES: dict[str, tuple[tuple[int, int], ...]] = {
    BAM_30: ((0, 0), (1, 1), (4, 2), (9, 3), (16, 4)),
    BAM_7: ((0, 0), (1, 1), (2, 2), (4, 3), (6, 4)),
}
YES_POINTS, NO_POINTS = 4, 0  # item 14, enough income

# --- answer scales ------------------------------------------------------------------------

SCALE_HEALTH = ("Excellent", "Very good", "Good", "Fair", "Poor")
SCALE_AMOUNT = ("Not at all", "Slightly", "Moderately", "Considerably", "Extremely")
SCALE_FREQUENCY = ("Not at all", "Several days", "More than half the days", "Nearly every day")


@dataclass(frozen=True)
class Item:
    key: str  # "1" ... "17", "7a" ... "7g"
    text: str  # the clinic's wording; "{days}" becomes the version's days
    answer: str  # "scale", "days" or "yes_no"
    choices: tuple[str, ...] = ()  # labels of 0, 1, ... for a scale

    def wording(self, days: int = 30) -> str:
        return self.text.format(days=days)

    @property
    def maximum(self) -> int | None:
        """The highest answer (None for day counts: it depends on the version)."""
        if self.answer == "scale":
            return len(self.choices) - 1
        return 1 if self.answer == "yes_no" else None


BAM_ITEMS: tuple[Item, ...] = (
    Item("1", "Over the past {days} days, how would you rate your physical health?", "scale",
         SCALE_HEALTH),
    Item("2", "On how many of the past {days} nights did you sleep badly?", "days"),
    Item("3", "On how many of the past {days} days did you feel low, anxious, angry or "
         "very upset for much of the day?", "days"),
    Item("4", "On how many of the past {days} days did you drink any alcohol?", "days"),
    Item("5", "On how many of the past {days} days did you drink heavily (5 or more drinks "
         "for men, 4 or more for women)?", "days"),
    Item("6", "On how many of the past {days} days did you use any illegal drug or a "
         "medication not as prescribed?", "days"),
    Item("7a", "Of those days, on how many did you use cannabis?", "days"),
    Item("7b", "Of those days, on how many did you use sedatives or tranquilizers not as "
         "prescribed?", "days"),
    Item("7c", "Of those days, on how many did you use cocaine or crack?", "days"),
    Item("7d", "Of those days, on how many did you use other stimulants, such as "
         "methamphetamine?", "days"),
    Item("7e", "Of those days, on how many did you use opioids, such as heroin, fentanyl or "
         "pain pills not as prescribed?", "days"),
    Item("7f", "Of those days, on how many did you use inhalants?", "days"),
    Item("7g", "Of those days, on how many did you use any other drug?", "days"),
    Item("8", "Over the past {days} days, how much were you bothered by cravings or urges "
         "to drink or use?", "scale", SCALE_AMOUNT),
    Item("9", "How confident are you that you can stay completely off alcohol and drugs "
         "over the next {days} days?", "scale", SCALE_AMOUNT),
    Item("10", "On how many of the past {days} days did you go to a self-help or "
         "mutual-help meeting?", "days"),
    Item("11", "On how many of the past {days} days were you in places or with people "
         "that put your recovery at risk?", "days"),
    Item("12", "How much does your faith or spirituality support your recovery?", "scale",
         SCALE_AMOUNT),
    Item("13", "On how many of the past {days} days did you spend most of the day at work, "
         "school or volunteering?", "days"),
    Item("14", "Do you have enough income (from any source) to pay for necessities such "
         "as housing, food and clothes?", "yes_no", ("No", "Yes")),
    Item("15", "Over the past {days} days, how much have arguments or trouble getting "
         "along with family or friends bothered you?", "scale", SCALE_AMOUNT),
    Item("16", "On how many of the past {days} days were you in touch with family or "
         "friends who support your recovery?", "days"),
    Item("17", "How satisfied are you with your progress toward your recovery goals?",
         "scale", SCALE_AMOUNT),
)  # fmt: skip
DETAIL_ITEMS = ("7a", "7b", "7c", "7d", "7e", "7f", "7g")  # detail item 6, not scored

PHQ9_ITEMS: tuple[Item, ...] = tuple(
    Item(str(number), text, "scale", SCALE_FREQUENCY)
    for number, text in enumerate(
        (
            "Little interest or pleasure in doing things",
            "Feeling down, depressed or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself, or that you have let yourself or others down",
            "Trouble concentrating, for example on reading or television",
            "Moving or speaking slowly enough for others to notice, or being so restless "
            "that you moved around much more than usual",
            "Thoughts that you would be better off dead, or of hurting yourself",
        ),
        start=1,
    )
)
GAD7_ITEMS: tuple[Item, ...] = tuple(
    Item(str(number), text, "scale", SCALE_FREQUENCY)
    for number, text in enumerate(
        (
            "Feeling nervous, anxious or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid, as if something awful might happen",
        ),
        start=1,
    )
)
ITEMS: dict[str, tuple[Item, ...]] = {
    BAM_30: BAM_ITEMS,
    BAM_7: BAM_ITEMS,
    PHQ9: PHQ9_ITEMS,
    GAD7: GAD7_ITEMS,
}

# --- subscales and bands ------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    key: str  # "use", "risk", "protective", "total"
    label: str
    items: tuple[str, ...]
    maximum: int
    bands: tuple[Band, ...]
    higher_is_better: bool = False


BAM_SCALES: tuple[Scale, ...] = (
    Scale(
        "use",
        "Use",
        ("4", "5", "6"),
        12,
        (Band("no use", 0, 0), Band("use reported", 1, 12, alert=True)),
    ),
    Scale(
        "risk",
        "Risk factors",
        ("1", "2", "3", "8", "11", "15"),
        24,
        (Band("below the cut-off", 0, 11), Band("high", 12, 24, alert=True)),
    ),
    Scale(
        "protective",
        "Protective factors",
        ("9", "10", "12", "13", "14", "16"),
        24,
        (Band("low", 0, 12, alert=True), Band("adequate", 13, 24)),
        higher_is_better=True,
    ),
)
PHQ9_SCALE = Scale("total", "PHQ-9 total", tuple(i.key for i in PHQ9_ITEMS), 27,
                   SCREENINGS["phq9"].bands)  # fmt: skip
GAD7_SCALE = Scale("total", "GAD-7 total", tuple(i.key for i in GAD7_ITEMS), 21,
                   SCREENINGS["gad7"].bands)  # fmt: skip
SCALES: dict[str, tuple[Scale, ...]] = {
    BAM_30: BAM_SCALES,
    BAM_7: BAM_SCALES,
    PHQ9: (PHQ9_SCALE,),
    GAD7: (GAD7_SCALE,),
}

# --- off-track thresholds ---------------------------------------------------------------

USE_ABOVE = 0  # BAM Use above this, two BAMs in a row
RISK_HIGH = 12  # BAM Risk at or above
PROTECTIVE_LOW = 12  # BAM Protective at or below
PHQ9_RISE = 5  # PHQ-9 up this much or more from the patient's first PHQ-9
PHQ9_ITEM9_ABOVE = 0  # the safety alert, as at intake

# --- recode, check and score -------------------------------------------------------------


def recode_days(days: int, version: str) -> int:
    """A day count as 0-4 points, by the version's table (ValueError outside 0-days)."""
    limit = VERSION_DAYS[version]
    if not 0 <= days <= limit:
        raise ValueError(f"{days} days is outside 0-{limit}")
    points = 0
    for first, step_points in DAY_RECODES[version]:
        if days >= first:
            points = step_points
    return points


def item_points(item: Item, answer: int, kind: str) -> int:
    """What one answer adds to its subscale."""
    if item.answer == "days":
        return recode_days(answer, kind)
    if item.answer == "yes_no":
        return YES_POINTS if answer else NO_POINTS
    return answer


def answer_limit(item: Item, kind: str) -> int:
    return VERSION_DAYS[kind] if item.answer == "days" else int(item.maximum or 0)


def check_answers(kind: str, answers: Mapping[str, int | None]) -> dict[str, str]:
    """Item key -> what is wrong with its answer; empty when every answer is there and
    they agree with each other."""
    errors: dict[str, str] = {}
    for item in ITEMS[kind]:
        value = answers.get(item.key)
        limit = answer_limit(item, kind)
        if value is None:
            errors[item.key] = "Answer this item."
        elif not 0 <= value <= limit:
            unit = " days" if item.answer == "days" else ""
            errors[item.key] = f"Enter 0 to {limit}{unit}."
    if kind in BAM_KINDS:
        errors.update(_bam_disagreements(answers, errors))
    return errors


def _bam_disagreements(answers: Mapping[str, int | None], errors: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    drinking, heavy, drug_days = answers.get("4"), answers.get("5"), answers.get("6")
    both = "4" not in errors and "5" not in errors and heavy is not None and drinking is not None
    if both and heavy > drinking:  # type: ignore[operator]
        found["5"] = f"Heavy-drinking days ({heavy}) can't be more than drinking days ({drinking})."
    if "6" not in errors and drug_days is not None:
        for key in DETAIL_ITEMS:
            value = answers.get(key)
            if key not in errors and value is not None and value > drug_days:
                found[key] = (
                    f"Days of one drug ({value}) can't be more than days of any drug use "
                    f"({drug_days}, item 6)."
                )
    return found


def score(kind: str, answers: Mapping[str, int]) -> dict[str, int]:
    """Scale key -> score, from complete answers that agree (ValueError otherwise)."""
    errors = check_answers(kind, answers)
    if errors:
        raise ValueError(f"answers do not agree: {errors}")
    by_key = {item.key: item for item in ITEMS[kind]}
    return {
        scale.key: sum(item_points(by_key[key], answers[key], kind) for key in scale.items)
        for scale in SCALES[kind]
    }


def band_of(scale: Scale, value: int) -> Band:
    return next(band for band in scale.bands if band.low <= value <= band.high)


def scale_of(kind: str, key: str) -> Scale:
    return next(scale for scale in SCALES[kind] if scale.key == key)


# --- off track ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One stored measurement, as the rules read it."""

    kind: str
    taken_on: date
    scores: Mapping[str, int]
    item9: int | None = None  # PHQ-9 only


@dataclass(frozen=True)
class Flag:
    rule: str  # "use", "risk", "protective", "phq9_rise", "safety"
    reason: str
    urgent: bool = False


@dataclass
class _Latest:
    bams: list[Result] = field(default_factory=list)
    phq9s: list[Result] = field(default_factory=list)


def off_track(results: Sequence[Result]) -> list[Flag]:
    """The flags a patient's measurements raise now (results in any order).

    The BAM rules read the latest BAMs of either version: a weekly and a monthly BAM
    both count as "a measurement" (each is scored on its own version's recode)."""
    latest = _Latest()
    for result in sorted(results, key=lambda r: r.taken_on):
        if result.kind in BAM_KINDS:
            latest.bams.append(result)
        elif result.kind == PHQ9:
            latest.phq9s.append(result)
    flags = _phq9_flags(latest.phq9s)
    flags += _bam_flags(latest.bams)
    return flags


def _bam_flags(bams: list[Result]) -> list[Flag]:
    flags: list[Flag] = []
    if not bams:
        return flags
    last = bams[-1]
    if len(bams) >= 2 and all(r.scores["use"] > USE_ABOVE for r in bams[-2:]):
        flags.append(
            Flag(
                "use",
                f"BAM Use above {USE_ABOVE} two measurements in a row "
                f"({bams[-2].scores['use']}, then {last.scores['use']})",
            )
        )
    if last.scores["risk"] >= RISK_HIGH:
        flags.append(Flag("risk", f"BAM Risk {last.scores['risk']} (high at {RISK_HIGH}+)"))
    if last.scores["protective"] <= PROTECTIVE_LOW:
        flags.append(
            Flag(
                "protective",
                f"BAM Protective {last.scores['protective']} (low at {PROTECTIVE_LOW} or less)",
            )
        )
    return flags


def _phq9_flags(phq9s: list[Result]) -> list[Flag]:
    flags: list[Flag] = []
    if not phq9s:
        return flags
    first, last = phq9s[0], phq9s[-1]
    if last.item9 is not None and last.item9 > PHQ9_ITEM9_ABOVE:
        flags.append(
            Flag(
                "safety",
                f"PHQ-9 item 9 (thoughts of self-harm) answered {last.item9}: "
                "same-day safety assessment; 988 Suicide & Crisis Lifeline",
                urgent=True,
            )
        )
    rise = last.scores["total"] - first.scores["total"]
    if len(phq9s) >= 2 and rise >= PHQ9_RISE:
        flags.append(
            Flag(
                "phq9_rise",
                f"PHQ-9 up {rise} from the first score ({first.scores['total']} to "
                f"{last.scores['total']})",
            )
        )
    return flags
