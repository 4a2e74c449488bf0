"""Progress measures, medications and drug screens of a patient.

A measurement stores every answer as typed and the scores computed from them (never
typed); a drug screen is an order, its collection (or the patient's refusal) and one
result per substance of the panel, each marked expected when a medication the patient
is prescribed on the collection day tests as that substance.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from outcomes import scales


class Measurement(models.Model):
    class Kind(models.TextChoices):
        BAM_30 = scales.BAM_30, scales.KIND_LABELS[scales.BAM_30]
        BAM_7 = scales.BAM_7, scales.KIND_LABELS[scales.BAM_7]
        PHQ9 = scales.PHQ9, scales.KIND_LABELS[scales.PHQ9]
        GAD7 = scales.GAD7, scales.KIND_LABELS[scales.GAD7]

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measurements")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    taken_on = models.DateField("date given")
    answers = models.JSONField()  # item key -> the answer as given
    scores = models.JSONField()  # scale key -> score, computed by outcomes.scales
    item9 = models.PositiveSmallIntegerField(null=True, blank=True)  # PHQ-9's safety item
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "taken_on"], name="measurement_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["patient", "kind", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.taken_on}"

    @property
    def is_bam(self) -> bool:
        return self.kind in scales.BAM_KINDS

    def as_result(self) -> scales.Result:
        return scales.Result(self.kind, self.taken_on, self.scores, self.item9)

    def score_rows(self) -> list[tuple[scales.Scale, int, scales.Band]]:
        return [
            (scale, self.scores[scale.key], scales.band_of(scale, self.scores[scale.key]))
            for scale in scales.SCALES[self.kind]
        ]


class ProgressStatus(models.Model):
    """A patient's off-track flags as of their latest measures, kept in step by
    outcomes.services on every new measure, so that a caseload or the dashboard reads
    one row per patient instead of every measure."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, primary_key=True, related_name="progress_status"
    )
    flags = models.JSONField(default=list)  # [{"rule", "reason", "urgent"}], empty: on track
    # when the current set of flag rules was first raised (a new rule restarts it)
    flagged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"progress status of patient {self.pk}"

    def as_flags(self) -> list[scales.Flag]:
        return [scales.Flag(**flag) for flag in self.flags]


class PanelSubstance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol (EtG)"
    AMPHETAMINE = "amphetamine", "Amphetamines"
    BARBITURATE = "barbiturate", "Barbiturates"
    BENZODIAZEPINE = "benzodiazepine", "Benzodiazepines"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine"
    CANNABIS = "cannabis", "Cannabis (THC)"
    COCAINE = "cocaine", "Cocaine"
    FENTANYL = "fentanyl", "Fentanyl"
    METHADONE = "methadone", "Methadone"
    METHAMPHETAMINE = "methamphetamine", "Methamphetamine"
    OPIATE = "opiate", "Opiates (morphine, codeine)"
    OXYCODONE = "oxycodone", "Oxycodone"


STANDARD_PANEL = [
    PanelSubstance.AMPHETAMINE,
    PanelSubstance.BENZODIAZEPINE,
    PanelSubstance.BUPRENORPHINE,
    PanelSubstance.CANNABIS,
    PanelSubstance.COCAINE,
    PanelSubstance.FENTANYL,
    PanelSubstance.METHADONE,
    PanelSubstance.METHAMPHETAMINE,
    PanelSubstance.OPIATE,
    PanelSubstance.OXYCODONE,
]


class MedicationQuerySet(models.QuerySet):
    def active_on(self, day: date) -> MedicationQuerySet:
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Medication(models.Model):
    """A medication the patient is prescribed, so that a screen can tell expected
    positives from unexpected ones."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=120)
    purpose = models.CharField("what for", max_length=200)
    prescriber = models.CharField(max_length=120)
    tests_as = models.CharField(
        "shows on a screen as",
        max_length=20,
        choices=PanelSubstance.choices,
        blank=True,
        help_text="The panel substance this medication tests positive for, if any.",
    )
    start_date = models.DateField("started")
    end_date = models.DateField("ended", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MedicationQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="medication_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


def new_draw_key() -> str:
    return secrets.token_hex(32)


class DrawKey(models.Model):
    """The clinic's secret behind the random screen days: without it nobody can tell a
    patient's day in advance; with it an auditor can redo any week's draw."""

    key = models.CharField(max_length=64, default=new_draw_key)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draw key {self.pk}"


class ScreenOrderQuerySet(models.QuerySet):
    def open(self) -> ScreenOrderQuerySet:
        return self.filter(collected_at__isnull=True, refused=False)

    def due_on(self, day: date) -> ScreenOrderQuerySet:
        return self.open().filter(due_on=day)


class ScreenOrder(models.Model):
    class Reason(models.TextChoices):
        RANDOM = "random", "Random"
        SCHEDULED = "scheduled", "Scheduled"
        AD_HOC = "ad_hoc", "Ad hoc"

    class Specimen(models.TextChoices):
        URINE = "urine", "Urine"
        ORAL_FLUID = "oral_fluid", "Oral fluid"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screen_orders")
    reason = models.CharField("kind", max_length=10, choices=Reason.choices)
    due_on = models.DateField("due")
    week_of = models.DateField(null=True, blank=True)  # the Monday of a random draw
    specimen = models.CharField(max_length=12, choices=Specimen.choices, default=Specimen.URINE)
    observed = models.BooleanField("observed collection", default=False)
    panel = ArrayField(models.CharField(max_length=20, choices=PanelSubstance.choices))
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty for the app's weekly random draw
    created_at = models.DateTimeField(default=timezone.now)
    collected_at = models.DateTimeField("collected", null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refused = models.BooleanField("patient refused to give a specimen", default=False)
    results_at = models.DateTimeField(null=True, blank=True)
    results_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScreenOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "week_of"],
                condition=Q(reason="random"),
                name="screen_one_random_a_week",
            ),
            models.CheckConstraint(
                condition=~Q(reason="random") | Q(week_of__isnull=False),
                name="screen_random_has_week",
            ),
            models.CheckConstraint(
                condition=Q(refused=False) | Q(collected_at__isnull=True),
                name="screen_refused_or_collected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} drug screen due {self.due_on}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:screen-detail", args=[self.uuid])

    @property
    def status(self) -> str:
        if self.refused:
            return "refused"
        if self.results_at:
            return "resulted"
        if self.collected_at:
            return "collected"
        return "ordered"

    @property
    def status_display(self) -> str:
        return {
            "refused": "Refused",
            "resulted": "Results in",
            "collected": "Collected, waiting for results",
            "ordered": "Not collected yet",
        }[self.status]

    def results_summary(self) -> str:
        """The results in a few words: what was not negative, or "all negative"."""
        results = list(self.results.all())
        if not results:
            return "—"
        notable = []
        for r in results:
            if r.outcome == ScreenResult.Outcome.NEGATIVE:
                continue
            if r.is_unexpected_positive:
                notable.append(f"{r.get_substance_display()}: positive, unexpected")
            elif r.expected:
                notable.append(f"{r.get_substance_display()}: positive, expected (prescribed)")
            else:
                notable.append(f"{r.get_substance_display()}: {r.get_outcome_display().lower()}")
        return "; ".join(notable) or "All negative"

    @property
    def has_unexpected(self) -> bool:
        return any(r.is_unexpected_positive for r in self.results.all())

    @property
    def panel_display(self) -> str:
        labels = dict(PanelSubstance.choices)
        return ", ".join(labels.get(code, code) for code in self.panel)


class ScreenResult(models.Model):
    class Outcome(models.TextChoices):
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"
        INVALID = "invalid", "Invalid"

    order = models.ForeignKey(ScreenOrder, on_delete=models.PROTECT, related_name="results")
    substance = models.CharField(max_length=20, choices=PanelSubstance.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # a positive for a medication prescribed on the collection day
    expected = models.BooleanField(default=False)

    class Meta:
        ordering = ["substance"]
        constraints = [
            models.UniqueConstraint(fields=["order", "substance"], name="screen_result_once"),
            models.CheckConstraint(
                condition=Q(expected=False) | Q(outcome="positive"),
                name="screen_expected_only_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.get_outcome_display()}"

    @property
    def is_unexpected_positive(self) -> bool:
        return self.outcome == self.Outcome.POSITIVE and not self.expected


class SobrietyDate(models.Model):
    """The date the patient says they have been sober since, as they report it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sobriety_dates")
    sober_since = models.DateField("sober since")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"sober since {self.sober_since}"
