"""Intake assessments, their substances and addenda, and the placement decision."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts import clinic_dates
from intake import placement
from intake.models.patients import Patient

# --- Intake assessment -------------------------------------------------------------------

SCREENING_KEYS = ("audit", "audit_c", "dast10", "phq9", "phq9_item9", "gad7", "ciwa", "cows")
DIMENSION_KEYS = tuple(key for key, _ in placement.DIMENSIONS)
_RATING_VALIDATORS = [
    MinValueValidator(placement.RATING_MIN),
    MaxValueValidator(placement.RATING_MAX),
]


def _rating_field(key: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"{key.upper()} rating", null=True, blank=True, validators=_RATING_VALIDATORS
    )


def _screening_field(key: str) -> models.PositiveSmallIntegerField:
    screening = placement.SCREENINGS[key]
    return models.PositiveSmallIntegerField(
        screening.name,
        null=True,
        blank=True,
        validators=[MinValueValidator(screening.low), MaxValueValidator(screening.high)],
    )


class Assessment(models.Model):
    """An intake assessment: drafted, resumed, then completed (signed and locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    class ReferralSource(models.TextChoices):
        SELF = "self", "Self"
        FAMILY = "family", "Family or friend"
        PHYSICIAN = "physician", "Physician or other clinician"
        EMPLOYER = "employer", "Employer"
        COURT = "court", "Court or probation"
        STEP_DOWN_INP = "step_down_inp", "Step-down from inpatient / residential care"
        STEP_DOWN_PHP = "step_down_php", "Step-down from partial hospitalization (PHP)"
        OTHER = "other", "Other"

    STEP_DOWN_SOURCES = frozenset({ReferralSource.STEP_DOWN_INP, ReferralSource.STEP_DOWN_PHP})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    assessment_date = models.DateField(default=timezone.localdate)

    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referral_detail = models.CharField(
        "referral details",
        max_length=200,
        blank=True,
        help_text="Who referred them, or the source when it is “Other”.",
    )
    step_down_ended_on = models.DateField("date inpatient or PHP care ended", null=True, blank=True)

    criteria_met = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name="criteria met"
    )
    criteria_reviewed = models.BooleanField("all 11 criteria were asked about", default=False)
    only_as_prescribed = models.BooleanField(default=False)

    d1 = _rating_field("d1")
    d1_note = models.TextField("D1 note", blank=True)
    d2 = _rating_field("d2")
    d2_note = models.TextField("D2 note", blank=True)
    d3 = _rating_field("d3")
    d3_note = models.TextField("D3 note", blank=True)
    d4 = _rating_field("d4")
    d4_note = models.TextField("D4 note", blank=True)
    d5 = _rating_field("d5")
    d5_note = models.TextField("D5 note", blank=True)
    d6 = _rating_field("d6")
    d6_note = models.TextField("D6 note", blank=True)

    audit = _screening_field("audit")
    audit_c = _screening_field("audit_c")
    dast10 = _screening_field("dast10")
    phq9 = _screening_field("phq9")
    phq9_item9 = _screening_field("phq9_item9")
    gad7 = _screening_field("gad7")
    ciwa = _screening_field("ciwa")
    cows = _screening_field("cows")

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField("signed at", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signed by",
    )
    # frozen at completion, so later policy changes never rewrite what was recommended
    recommended_level = models.CharField(max_length=4, blank=True)
    recommendation = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-assessment_date", "-created_at"]
        constraints = (
            [
                models.CheckConstraint(
                    condition=models.Q(status="draft")
                    | (
                        models.Q(completed_at__isnull=False)
                        & models.Q(completed_by__isnull=False)
                        & ~models.Q(recommended_level="")
                    ),
                    name="assessment_completed_is_signed",
                ),
            ]
            + [
                models.CheckConstraint(
                    condition=models.Q(**{f"{key}__isnull": True})
                    | models.Q(**{f"{key}__lte": placement.RATING_MAX}),
                    name=f"assessment_{key}_in_range",
                )
                for key in ("d1", "d2", "d3", "d4", "d5", "d6")
            ]
            + [
                # docs/screening-checks.md: totals that contain one another must agree
                models.CheckConstraint(
                    condition=models.Q(audit__isnull=True)
                    | models.Q(audit_c__isnull=True)
                    | (
                        models.Q(audit_c__lte=models.F("audit"))
                        & models.Q(audit__lte=models.F("audit_c") + placement.AUDIT_OTHER_ITEMS_MAX)
                    ),
                    name="assessment_audit_c_within_audit",
                ),
                models.CheckConstraint(
                    condition=models.Q(phq9__isnull=True)
                    | models.Q(phq9_item9__isnull=True)
                    | (
                        models.Q(phq9_item9__lte=models.F("phq9"))
                        & models.Q(
                            phq9__lte=models.F("phq9_item9") + placement.PHQ9_OTHER_ITEMS_MAX
                        )
                    ),
                    name="assessment_phq9_item9_within_total",
                ),
            ]
        )

    def __str__(self) -> str:
        return (
            f"Assessment of {clinic_dates.day(self.assessment_date)} ({self.get_status_display()})"
        )

    def get_absolute_url(self) -> str:
        return reverse("intake:assessment-detail", args=[self.uuid])

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_step_down(self) -> bool:
        return self.referral_source in self.STEP_DOWN_SOURCES

    def screenings(self) -> dict[str, int | None]:
        return {key: getattr(self, key) for key in SCREENING_KEYS}

    def placement_input(self) -> placement.PlacementInput:
        return placement.PlacementInput(
            criteria=frozenset(self.criteria_met),
            only_as_prescribed=self.only_as_prescribed,
            criteria_reviewed=self.criteria_reviewed,
            dimensions={key: getattr(self, key) for key in DIMENSION_KEYS},
            assessment_date=self.assessment_date,
            step_down_ended_on=self.step_down_ended_on if self.is_step_down else None,
            screenings=self.screenings(),
            sex=self.patient.sex_assigned_at_birth,
        )

    def live_recommendation(self) -> placement.Recommendation:
        return placement.recommend(self.placement_input())

    def recommendation_view(self) -> "RecommendationView":
        """What the page shows: the stored one once signed, else the live one."""
        if self.is_locked and self.recommendation:
            return RecommendationView.from_snapshot(self.recommendation)
        return RecommendationView.from_recommendation(self.live_recommendation())

    def criteria_rows(self) -> list[tuple[str, str, bool]]:
        met = set(self.criteria_met)
        return [(key, label, key in met) for key, label in placement.CRITERIA]

    def dimension_rows(self) -> list[tuple[str, str, int | None, str]]:
        return [
            (key, label, getattr(self, key), getattr(self, f"{key}_note"))
            for key, label in placement.DIMENSIONS
        ]

    def screening_rows(self) -> list[tuple[str, str, int | None, placement.Band | None]]:
        sex = self.patient.sex_assigned_at_birth
        rows = []
        for key in SCREENING_KEYS:
            total = getattr(self, key)
            screening = placement.SCREENINGS[key]
            band = placement.band_for(key, total, sex=sex) if total is not None else None
            rows.append((key, screening.name, total, band))
        return rows

    def missing_for_completion(self, substances: Sequence["Substance"]) -> dict[str, str]:
        """What still has to be filled in before signing, by field name, in page order."""
        missing: dict[str, str] = {}
        if not self.referral_source:
            missing["referral_source"] = "Choose the referral source."
        elif self.referral_source == self.ReferralSource.OTHER and not self.referral_detail:
            missing["referral_detail"] = "Say where the referral came from."
        if self.is_step_down and not self.step_down_ended_on:
            missing["step_down_ended_on"] = "Enter the date inpatient or PHP care ended."
        if not substances:
            missing["substances"] = "Record at least one substance (the primary one)."
        else:
            if sum(1 for s in substances if s.is_primary) != 1:
                missing["substances"] = "Mark one substance as the primary one."
            gaps = [s for s in substances if not (s.frequency and s.route and s.last_use)]
            if gaps and "substances" not in missing:
                missing["substances"] = (
                    "Give how often, how it is used and the last use for every substance."
                )
        if not self.criteria_met and not self.criteria_reviewed:
            missing["criteria_met"] = (
                "Tick the DSM-5 criteria that are met, or confirm that none are."
            )
        for key, label in placement.DIMENSIONS:
            rating = getattr(self, key)
            if rating is None:
                missing[key] = f"Rate {key.upper()} ({label.lower()})."
            elif rating >= 2 and not getattr(self, f"{key}_note").strip():
                missing[f"{key}_note"] = f"Add a note explaining the {key.upper()} rating."
        return missing


@dataclass(frozen=True)
class RecommendationView:
    """A recommendation as plain data: what a page shows and what a signed one stores."""

    level: str | None  # Level code ("NONE", "OP", ...) or None while data is missing
    level_label: str
    criteria_count: int
    severity: str
    reasons: tuple[dict, ...]
    alerts: tuple[dict, ...]
    missing: tuple[str, ...]

    @classmethod
    def from_recommendation(cls, rec: placement.Recommendation) -> "RecommendationView":
        return cls(
            level=rec.level.code if rec.level is not None else None,
            level_label=rec.level.label if rec.level is not None else "",
            criteria_count=rec.criteria_count,
            severity=rec.severity,
            reasons=tuple(
                {
                    "text": r.text,
                    "rule": r.rule,
                    "level": r.level.code if r.level is not None else None,
                    "deciding": r.deciding,
                }
                for r in rec.reasons
            ),
            alerts=tuple({"kind": a.kind, "text": a.text, "urgent": a.urgent} for a in rec.alerts),
            missing=tuple(rec.missing),
        )

    @classmethod
    def from_snapshot(cls, data: dict) -> "RecommendationView":
        return cls(
            level=data["level"],
            level_label=data["level_label"],
            criteria_count=data["criteria_count"],
            severity=data["severity"],
            reasons=tuple(data["reasons"]),
            alerts=tuple(data["alerts"]),
            missing=tuple(data.get("missing", ())),
        )

    def snapshot(self) -> dict:
        return {
            "level": self.level,
            "level_label": self.level_label,
            "criteria_count": self.criteria_count,
            "severity": self.severity,
            "reasons": list(self.reasons),
            "alerts": list(self.alerts),
            "missing": list(self.missing),
        }

    @property
    def urgent_alerts(self) -> tuple[dict, ...]:
        return tuple(a for a in self.alerts if a["urgent"])

    @property
    def other_alerts(self) -> tuple[dict, ...]:
        return tuple(a for a in self.alerts if not a["urgent"])


class Substance(models.Model):
    """One substance an assessment records; exactly one is primary on a signed assessment."""

    class Kind(models.TextChoices):
        ALCOHOL = "alcohol", "Alcohol"
        OPIOIDS = "opioids", "Heroin or fentanyl"
        RX_OPIOIDS = "rx_opioids", "Prescription opioids"
        METHAMPHETAMINE = "methamphetamine", "Methamphetamine or other stimulants"
        COCAINE = "cocaine", "Cocaine or crack"
        CANNABIS = "cannabis", "Cannabis"
        SEDATIVES = "sedatives", "Benzodiazepines or other sedatives"
        HALLUCINOGENS = "hallucinogens", "Hallucinogens"
        INHALANTS = "inhalants", "Inhalants"
        NICOTINE = "nicotine", "Tobacco or nicotine"
        OTHER = "other", "Other"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily or almost daily"
        WEEKLY_SEVERAL = "weekly_several", "Several times a week"
        WEEKLY = "weekly", "About once a week"
        MONTHLY = "monthly", "A few times a month or less"
        NOT_RECENT = "not_recent", "Not in the last 30 days"

    class Route(models.TextChoices):
        ORAL = "oral", "By mouth"
        SMOKED = "smoked", "Smoked"
        VAPED = "vaped", "Vaped"
        NASAL = "nasal", "Snorted"
        INJECTED = "injected", "Injected"
        OTHER = "other", "Other"

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="substances")
    substance = models.CharField(max_length=20, choices=Kind.choices)
    substance_other = models.CharField("if other, which", max_length=100, blank=True)
    is_primary = models.BooleanField("primary substance", default=False)
    frequency = models.CharField("how often", max_length=20, choices=Frequency.choices, blank=True)
    route = models.CharField("how used", max_length=20, choices=Route.choices, blank=True)
    last_use = models.DateField("last use", null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(is_primary=True),
                name="one_primary_substance",
            ),
        ]

    def __str__(self) -> str:
        if self.substance == self.Kind.OTHER and self.substance_other:
            return self.substance_other
        return self.get_substance_display()


class Addendum(models.Model):
    """A dated correction or addition to a signed assessment (the original never changes)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum of {clinic_dates.moment(self.created_at)}"


# --- Placement decision and admission --------------------------------------------------------

LEVEL_CHOICES = [(level.code, level.label) for level in placement.Level]


class PlacementDecision(models.Model):
    """The level of care staff chose, beside what the policy recommended."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="decision")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="decisions")
    recommended_level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    final_level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    reason = models.TextField("reason for a different level", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(final_level=models.F("recommended_level"))
                | ~models.Q(reason=""),
                name="decision_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Placement decision: {self.final_level}"

    @property
    def is_override(self) -> bool:
        return self.final_level != self.recommended_level

    @property
    def final_level_label(self) -> str:
        return placement.Level[self.final_level].label

    @property
    def original_level(self) -> str:
        """The level first decided, before any amendment (needs `amendments` read)."""
        first = next(iter(self.amendments.all()), None)
        return first.previous_level if first else self.final_level

    @property
    def recommended_level_label(self) -> str:
        return placement.Level[self.recommended_level].label

    @property
    def is_program(self) -> bool:
        return self.final_level != placement.Level.NONE.code


class DecisionAmendment(models.Model):
    """A dated correction of a placement decision recorded by mistake.

    The decision row then carries the corrected level (so admission follows it); this
    row keeps what it said before, who corrected it, when and why.
    """

    decision = models.ForeignKey(
        PlacementDecision, on_delete=models.PROTECT, related_name="amendments"
    )
    previous_level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    previous_reason = models.TextField(blank=True)
    new_level = models.CharField(max_length=4, choices=LEVEL_CHOICES)
    reason = models.TextField("reason for the amendment")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["amended_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="decision_amendment_has_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(new_level=models.F("previous_level")),
                name="decision_amendment_changes_level",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendment: {self.previous_level} to {self.new_level}"

    @property
    def previous_level_label(self) -> str:
        return placement.Level[self.previous_level].label

    @property
    def new_level_label(self) -> str:
        return placement.Level[self.new_level].label
