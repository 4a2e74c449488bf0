"""Admissions to a level of care and their discharge."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts import clinic_dates
from intake.models.assessments import PlacementDecision
from intake.models.base import InvalidTransition
from intake.models.patients import Patient
from programs.models import Program


class AdmissionQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> "AdmissionQuerySet":
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )


class Admission(models.Model):
    """A patient's placement in a level of care, from a start date, with a primary counselor."""

    class DischargeReason(models.TextChoices):
        COMPLETED = "completed", "Completed the program"
        STEPPED_DOWN = "stepped_down", "Stepped down to a less intensive level"
        STEPPED_UP = "stepped_up", "Stepped up to a more intensive level"
        AGAINST_ADVICE = "against_advice", "Left against clinical advice"
        TRANSFERRED = "transferred", "Transferred to another provider"
        OTHER = "other", "Other"

    class TransferKind(models.TextChoices):
        """An admission without this clinic's assessment and decision, and why."""

        STEP_DOWN_INPATIENT = (
            "step_down_inp",
            "Step-down from another provider's inpatient or residential care",
        )
        STEP_DOWN_PHP = "step_down_php", "Step-down from another provider's partial hospitalization"
        SAME_LEVEL = "same_level", "Transfer from another provider's program at this level"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="admissions")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="admissions")
    start_date = models.DateField()
    primary_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload_admissions"
    )
    end_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_note = models.TextField(blank=True)
    # the anticipated discharge, while care goes on: the discharge measures come due before it
    planned_discharge_date = models.DateField("planned discharge date", null=True, blank=True)
    decision = models.ForeignKey(
        PlacementDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admissions",
    )
    # a level other than the decision's needs a written reason (shown on record and printout)
    override_reason = models.TextField("reason for a level other than the decision", blank=True)
    transfer_kind = models.CharField(
        "kind of transfer", max_length=20, choices=TransferKind.choices, blank=True
    )
    transfer_from = models.CharField("transferred from", max_length=200, blank=True)
    transfer_care_ended_on = models.DateField("date the other care ended", null=True, blank=True)
    transfer_reason = models.TextField("why admit without our assessment", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="admission_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_discharge_date__isnull=True)
                | models.Q(planned_discharge_date__gte=models.F("start_date")),
                name="admission_planned_discharge_after_start",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_admission_per_patient",
            ),
            # a documented transfer says what, from where, when that care ended, and why
            models.CheckConstraint(
                condition=models.Q(transfer_kind="")
                | (
                    ~models.Q(transfer_from="")
                    & models.Q(transfer_care_ended_on__isnull=False)
                    & models.Q(transfer_care_ended_on__lte=models.F("start_date"))
                    & ~models.Q(transfer_reason="")
                ),
                name="admission_transfer_is_documented",
            ),
            models.CheckConstraint(
                condition=~models.Q(transfer_kind="") | models.Q(transfer_from=""),
                name="admission_transfer_fields_need_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} from {clinic_dates.day(self.start_date)}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def is_transfer(self) -> bool:
        return bool(self.transfer_kind)

    def plan_discharge(self, on: date | None) -> None:
        """Set (or, with None, clear) the day the discharge is planned for."""
        if not self.is_open:
            raise InvalidTransition("This admission has already ended.")
        if on is not None and on < self.start_date:
            raise InvalidTransition("The planned discharge date can't be before the start date.")
        self.planned_discharge_date = on
        self.save(update_fields=["planned_discharge_date"])

    def discharge(self, *, on: date, reason: str, note: str = "") -> None:
        if not self.is_open:
            raise InvalidTransition("This admission has already ended.")
        if on < self.start_date:
            raise InvalidTransition("The discharge date can't be before the start date.")
        self.end_date = on
        self.discharge_reason = reason
        self.discharge_note = note
        self.save(update_fields=["end_date", "discharge_reason", "discharge_note"])
