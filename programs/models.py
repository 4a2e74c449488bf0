from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class Service(models.Model):
    """Something a level of care can offer: group therapy, drug screening, ..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # part of the catalog version (programs.catalog): an edit shows at once in every process
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProgramQuerySet(models.QuerySet):
    def published(self) -> "ProgramQuerySet":
        return self.filter(is_published=True)

    def with_services(self) -> "ProgramQuerySet":
        return self.prefetch_related("services")


class Program(models.Model):
    """A level of care the clinic offers (OP, IOP, PHP, Inpatient)."""

    class Code(models.TextChoices):
        OP = "OP", "Outpatient"
        IOP = "IOP", "Intensive Outpatient"
        PHP = "PHP", "Partial Hospitalization"
        INP = "INP", "Inpatient / Residential"

    code = models.CharField(max_length=3, choices=Code.choices, unique=True)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    tagline = models.CharField(max_length=200, blank=True)
    asam_level = models.CharField("ASAM level", max_length=20)
    asam_edition = models.CharField(
        "ASAM Criteria edition",
        max_length=10,
        default="3rd",
        help_text="Level numbers follow this edition of the ASAM Criteria.",
    )
    intensity = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the least intensive level; higher is more intensive."
    )
    min_weekly_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Fewest hours of care per week for adults."
    )
    max_weekly_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most hours per week for adults; empty means no limit."
    )
    hours_note = models.CharField(
        max_length=120, blank=True, help_text="How the weekly hours read to a visitor."
    )
    min_days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    max_days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    min_length_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    max_length_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    setting = models.CharField(max_length=200, help_text="Where the patient lives and is treated.")
    summary = models.TextField(help_text="A short paragraph for lists and the home page.")
    who_it_is_for = models.TextField()
    signs_it_fits = models.TextField(help_text="One sign per line.")
    typical_week = models.TextField(help_text="One line per part of the week.")
    step_down_note = models.TextField(
        blank=True, help_text="When people move from this level to the less intensive one."
    )
    step_up_note = models.TextField(
        blank=True, help_text="When people move from this level to the more intensive one."
    )
    services = models.ManyToManyField(Service, related_name="programs", blank=True)
    is_published = models.BooleanField("published", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["intensity"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_weekly_hours__isnull=True)
                | models.Q(min_weekly_hours__isnull=True)
                | models.Q(max_weekly_hours__gte=models.F("min_weekly_hours")),
                name="program_weekly_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-detail", args=[self.slug])

    def clean(self) -> None:
        errors = {}
        for low, high, what in (
            ("min_weekly_hours", "max_weekly_hours", "hours"),
            ("min_days_per_week", "max_days_per_week", "days"),
            ("min_length_weeks", "max_length_weeks", "weeks"),
        ):
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and high_value < low_value:
                errors[high] = f"The most {what} cannot be fewer than the fewest {what}."
        if self.max_days_per_week is not None and self.max_days_per_week > 7:
            errors["max_days_per_week"] = "A week has 7 days."
        if errors:
            raise ValidationError(errors)

    @property
    def asam_display(self) -> str:
        return f"ASAM level {self.asam_level} ({self.asam_edition} edition)"

    @property
    def weekly_hours_display(self) -> str:
        if self.hours_note:
            return self.hours_note
        low, high = self.min_weekly_hours, self.max_weekly_hours
        if low and high:
            return f"{low}–{high} hours"
        if low:
            return f"{low}+ hours"
        if high:
            return f"Under {high + 1} hours"
        return ""

    @property
    def days_display(self) -> str:
        return _range_display(self.min_days_per_week, self.max_days_per_week, "day")

    @property
    def length_display(self) -> str:
        return _range_display(self.min_length_weeks, self.max_length_weeks, "week")

    def signs(self) -> list[str]:
        return _lines(self.signs_it_fits)

    def week_items(self) -> list[str]:
        return _lines(self.typical_week)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _range_display(low: int | None, high: int | None, unit: str) -> str:
    if low and high and low != high:
        return f"{low}–{high} {unit}s"
    if low and high:
        return f"{low} {unit}{'' if low == 1 else 's'}"
    if low:
        return f"{low}+ {unit}s"
    if high:
        return f"Up to {high} {unit}{'' if high == 1 else 's'}"
    return ""
