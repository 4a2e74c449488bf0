"""Diagnosis and treatment plans: what a patient is treated for and how.

A patient has one current primary substance use disorder diagnosis; each change keeps
the one before as dated history (who, when, why). A treatment plan is written in
versions: the first within 7 days of admission, then a new version at each review.
Every row of a plan (problem, goal, objective, intervention) carries a `row_key` that a
review copies, so the rows of two versions can be compared one to one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from intake.models import Admission, Assessment, Patient
from intake.placement import DIMENSIONS
from treatment import icd

DIMENSION_CHOICES = [(key, f"{key.upper()} {label}") for key, label in DIMENSIONS]


class PlanLocked(Exception):
    """A signed plan (or one the counselor has signed) cannot be edited."""


# --- Diagnosis --------------------------------------------------------------------------


class DiagnosisQuerySet(models.QuerySet):
    def current(self) -> DiagnosisQuerySet:
        return self.filter(superseded_at__isnull=True)


class Diagnosis(models.Model):
    """A primary SUD diagnosis, as confirmed by a clinician; history when superseded."""

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="diagnoses"
    )
    substance = models.CharField(max_length=20, choices=icd.SUBSTANCE_CHOICES)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    early_remission = models.BooleanField("in early remission", default=False)
    criteria_count = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField("ICD-10-CM code", max_length=10)
    # what the app proposed from the assessment, kept to show when a clinician changed it
    proposed_code = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = DiagnosisQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name_plural = "diagnoses"
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_primary_diagnosis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def description(self) -> str:
        return icd.describe(
            substance=self.substance,
            severity=self.severity,
            early_remission=self.early_remission,
        )

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def differs_from_proposal(self) -> bool:
        return bool(self.proposed_code) and self.proposed_code != self.code


# --- Treatment plans ----------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def signed(self) -> PlanQuerySet:
        return self.filter(status=TreatmentPlan.Status.SIGNED)

    def open_drafts(self) -> PlanQuerySet:
        return self.exclude(status=TreatmentPlan.Status.SIGNED)


class TreatmentPlan(models.Model):
    """One version of a patient's treatment plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_PATIENT = "awaiting_patient", "Signed by the counselor, awaiting the patient"
        SIGNED = "signed", "Signed"

    class Occasion(models.TextChoices):
        INITIAL = "initial", "Initial plan"
        SCHEDULED = "scheduled", "30-day review"
        LEVEL_CHANGE = "level_change", "Change of level of care"
        OFF_TRACK = "off_track", "Progress off track"
        OTHER = "other", "Other review"

    LOCKED_STATUSES = frozenset({Status.AWAITING_PATIENT, Status.SIGNED})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    admission = models.ForeignKey(
        Admission, on_delete=models.PROTECT, null=True, blank=True, related_name="treatment_plans"
    )
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices, default=Occasion.INITIAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # the diagnosis the plan treats, frozen when the counselor signs
    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField("fully signed at", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["patient", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="one_plan_per_version"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=~models.Q(status="signed"),
                name="one_unsigned_plan_per_patient",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="signed") | models.Q(signed_at__isnull=False),
                name="signed_plan_has_signed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment plan v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("treatment:plan-detail", args=[self.uuid])

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def ensure_editable(self) -> None:
        if self.is_locked:
            raise PlanLocked("This plan is signed and locked; start a review to change it.")


class PlanRow(models.Model):
    """What every row of a plan has: its place on the page and its key across versions."""

    row_key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Problem(PlanRow):
    """A problem in the patient's own words, tied to one or more ASAM dimensions."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="problems")
    dimensions = ArrayField(models.CharField(max_length=2, choices=DIMENSION_CHOICES), default=list)
    statement = models.TextField("problem, in the patient's words", max_length=2000)

    class Meta(PlanRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(dimensions=[]), name="problem_has_a_dimension"
            ),
        ]

    def __str__(self) -> str:
        return f"Problem {self.position + 1}"

    def dimensions_display(self) -> str:
        return ", ".join(key.upper() for key in self.dimensions)


class Goal(PlanRow):
    """What the patient wants, in their words, for one problem."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="goals")
    text = models.TextField("goal, in the patient's words", max_length=2000)

    def __str__(self) -> str:
        return f"Goal {self.position + 1}"


class Objective(PlanRow):
    """A measurable step towards a goal, with a target date and a status."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        MET = "met", "Met"
        REVISED = "revised", "Revised"
        DROPPED = "dropped", "Dropped"

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="objectives")
    text = models.TextField("measurable objective", max_length=2000)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def plan(self) -> TreatmentPlan:
        return self.goal.problem.plan


class Intervention(PlanRow):
    """What the clinic does for a problem: what, how often, who."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="interventions")
    what = models.CharField(max_length=200)
    how_often = models.CharField("how often", max_length=120)
    who = models.CharField(max_length=120)

    def __str__(self) -> str:
        return f"{self.what}, {self.how_often}, {self.who}"


class PlanSignature(models.Model):
    """A signature on a plan: the primary counselor's, then the patient's (or a refusal)."""

    class Role(models.TextChoices):
        COUNSELOR = "counselor", "Primary counselor"
        PATIENT = "patient", "Patient"

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="signatures")
    role = models.CharField(max_length=10, choices=Role.choices)
    # the staff member who signed, or who witnessed the patient sign or decline
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField("full name as typed", max_length=200, blank=True)
    attested = models.BooleanField(default=False)
    declined = models.BooleanField("patient declined to sign", default=False)
    declined_reason = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], name="one_signature_per_role"),
            models.CheckConstraint(
                condition=models.Q(role="counselor", declined=False)
                | models.Q(role="patient", declined=True)
                | (
                    models.Q(role="patient", declined=False, attested=True)
                    & ~models.Q(typed_name="")
                ),
                name="patient_signature_attested_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature"
