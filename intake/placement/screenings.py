"""The screening instruments: ranges, the one table of band cut-offs, the alert
thresholds that agree with them, and the checks of recorded totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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
