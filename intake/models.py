import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from programs.models import Program


class InquiryQuerySet(models.QuerySet):
    def open(self) -> "InquiryQuerySet":
        return self.exclude(status__in=[Inquiry.Status.CONVERTED, Inquiry.Status.CLOSED])


class Inquiry(models.Model):
    """A request for a confidential call, sent from the public site."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        ASSESSMENT_BOOKED = "assessment_booked", "Assessment booked"
        CONVERTED = "converted", "Converted to patient"
        CLOSED = "closed", "Closed"

    class ForWhom(models.TextChoices):
        SELF = "self", "Myself"
        OTHER = "other", "Someone I care about"

    class BestTime(models.TextChoices):
        ANY = "any", "Any time"
        MORNING = "morning", "Morning (8 am – noon)"
        AFTERNOON = "afternoon", "Afternoon (noon – 5 pm)"
        EVENING = "evening", "Evening (5 pm – 8 pm)"

    MESSAGE_MAX_LENGTH = 1000

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    best_time = models.CharField(max_length=20, choices=BestTime.choices, default=BestTime.ANY)
    for_whom = models.CharField(max_length=10, choices=ForWhom.choices, default=ForWhom.SELF)
    program = models.ForeignKey(
        Program,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name="program of interest",
    )
    message = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    consent_to_contact = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    closed_reason = models.TextField(blank=True)
    # keyed hash of the sender's address, for the rate limit; never the address itself
    source_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phone="") | ~models.Q(email=""),
                name="inquiry_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Inquiry {self.public_id.hex[:8]} ({self.get_status_display()})"


class Patient(models.Model):
    """A person the clinic assesses or treats. Addressed by UUID, never by a guessable id."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        IN_ASSESSMENT = "in_assessment", "In assessment"
        ACTIVE = "active", "Active"
        DISCHARGED = "discharged", "Discharged"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        INTERSEX = "intersex", "Intersex"
        UNKNOWN = "unknown", "Not recorded"

    MINIMUM_AGE = 12

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mrn = models.CharField("MRN", max_length=20, unique=True, editable=False)
    legal_first_name = models.CharField(max_length=80)
    legal_last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    sex_assigned_at_birth = models.CharField(
        max_length=10, choices=Sex.choices, default=Sex.UNKNOWN
    )
    gender_identity = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)
    payer = models.CharField(max_length=120, blank=True)
    member_id = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROSPECT)
    inquiry = models.OneToOneField(
        Inquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="patient"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    def save(self, *args, **kwargs) -> None:
        if not self.mrn:
            self.mrn = next_mrn()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("intake:patient-detail", args=[self.uuid])

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def clean(self) -> None:
        if self.date_of_birth:
            today = timezone.localdate()
            if self.date_of_birth > today:
                raise ValidationError({"date_of_birth": "Date of birth cannot be in the future."})
            if self.age_on(today) < self.MINIMUM_AGE:
                raise ValidationError(
                    {"date_of_birth": f"Patients must be at least {self.MINIMUM_AGE} years old."}
                )


def next_mrn() -> str:
    """A human-readable medical record number from a database sequence (no races)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('intake_patient_mrn_seq')")
        (number,) = cursor.fetchone()
    return f"MRN-{number:06d}"


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

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="admissions")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="admissions")
    start_date = models.DateField()
    primary_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload_admissions"
    )
    end_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_note = models.TextField(blank=True)
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
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_admission_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} from {self.start_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None
