"""The patient record and its medical record number."""

import re
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from intake.models.history import LevelChange, level_history
from intake.models.inquiries import Inquiry

if TYPE_CHECKING:
    from intake.models.admissions import Admission


# --- Patients ---------------------------------------------------------------------------

_MRN_RE = re.compile(r"^(?:MRN[\s-]?)?0*(\d{1,9})$", re.IGNORECASE)
_PHONE_LIKE = re.compile(r"^[\d\s().+-]+$")
_DOB_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


def parse_date_loosely(text: str) -> date | None:
    for fmt in _DOB_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _digits_of(field: str) -> models.Func:
    return models.Func(
        models.F(field),
        models.Value(r"\D"),
        models.Value(""),
        models.Value("g"),
        function="regexp_replace",
        output_field=models.CharField(),
    )


class PatientQuerySet(models.QuerySet):
    def possible_duplicates(
        self,
        *,
        first: str,
        last: str,
        born: date | None,
        phone: str = "",
        email: str = "",
    ) -> "PatientQuerySet":
        """Records that may be this person: same name and date of birth, or same phone
        (by its digits), or same e-mail (any case)."""
        match = models.Q(pk__in=[])
        if first and last and born:
            match |= models.Q(
                legal_first_name__iexact=first.strip(),
                legal_last_name__iexact=last.strip(),
                date_of_birth=born,
            )
        digits = re.sub(r"\D", "", phone or "")[-10:]
        if len(digits) == 10:
            match |= models.Q(_phone_digits__endswith=digits)
        if email and email.strip():
            match |= models.Q(email__iexact=email.strip())
        return self.annotate(_phone_digits=_digits_of("phone")).filter(match)

    def search(self, text: str) -> "PatientQuerySet":
        """By MRN ("MRN-001234" or its number), date of birth, phone, e-mail, or name words.

        Name words match legal first, legal last or preferred name anywhere in them;
        UPPER(...) LIKE '%word%' is what `icontains` sends, and the trigram GIN
        indexes on UPPER(name) answer it without reading the whole table.
        """
        text = text.strip()
        if not text:
            return self.none()
        if "@" in text:
            return self.filter(email__icontains=text)
        digits = re.sub(r"\D", "", text)
        mrn = _MRN_RE.match(text)
        if mrn and len(digits) < 7:
            return self.filter(mrn=format_mrn(int(mrn.group(1))))
        born = parse_date_loosely(text)
        if born:
            return self.filter(date_of_birth=born)
        if len(digits) >= 7 and _PHONE_LIKE.match(text):
            by_phone = models.Q(_phone_digits__contains=digits)
            if mrn:  # seven to nine bare digits: an MRN's number or part of a phone
                by_phone |= models.Q(mrn=format_mrn(int(mrn.group(1))))
            return self.annotate(_phone_digits=_digits_of("phone")).filter(by_phone)
        qs = self
        for word in text.replace(",", " ").split():
            qs = qs.filter(
                models.Q(legal_last_name__icontains=word)
                | models.Q(legal_first_name__icontains=word)
                | models.Q(preferred_name__icontains=word)
            )
        return qs


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
    MAXIMUM_AGE = 110

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
    postal_code = models.CharField("ZIP code", max_length=10, blank=True)
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

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            GinIndex(
                OpClass(Upper("legal_last_name"), name="gin_trgm_ops"),
                name="patient_last_name_trgm",
            ),
            GinIndex(
                OpClass(Upper("legal_first_name"), name="gin_trgm_ops"),
                name="patient_first_name_trgm",
            ),
            GinIndex(
                OpClass(Upper("preferred_name"), name="gin_trgm_ops"),
                name="patient_pref_name_trgm",
            ),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            models.Index(fields=["legal_last_name", "legal_first_name"], name="patient_name_idx"),
        ]

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

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

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
            if self.age_on(today) > self.MAXIMUM_AGE:
                raise ValidationError(
                    {
                        "date_of_birth": f"That makes the patient older than {self.MAXIMUM_AGE}; "
                        "check the year."
                    }
                )

    # The lists below read the (prefetched) related rows in Python, so a page that
    # prefetches them asks the database once per relation.

    def open_admission(self) -> "Admission | None":
        return next((a for a in self.admissions.all() if a.end_date is None), None)

    def treatment_ended_on(self) -> date | None:
        """The day the last admission ended, once no admission is open."""
        admissions = list(self.admissions.all())
        if not admissions or any(a.end_date is None for a in admissions):
            return None
        return max(a.end_date for a in admissions if a.end_date)

    def first_contact_on(self) -> date:
        """The first day the clinic heard of this person: the call request, or the record."""
        days = [timezone.localdate(self.created_at)]
        if self.inquiry_id:
            days.append(timezone.localdate(self.inquiry.created_at))
        return min(days)

    def merged_uuids(self) -> models.QuerySet:
        """The ids of records merged into this one, as a subquery (their access history
        is keyed by those ids: the audit log is append-only)."""
        return PatientMerge.objects.filter(survivor_id=self.pk).values("merged_uuid")

    def level_history(self) -> list["LevelChange"]:
        return level_history(self.admissions.all())


def format_mrn(number: int) -> str:
    return f"MRN-{number:06d}"


def next_mrn() -> str:
    """A human-readable medical record number from a database sequence (no races)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('intake_patient_mrn_seq')")
        (number,) = cursor.fetchone()
    return format_mrn(number)


class PatientMerge(models.Model):
    """Two records of one person made one: the survivor keeps everything.

    The merged-away row is deleted once every row pointing at it points at the survivor;
    its id, MRN and name stay here, so the survivor's access history (the audit log is
    append-only and keyed by patient id) still shows who opened the merged record.
    """

    survivor = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="merges_in")
    merged_uuid = models.UUIDField(unique=True)
    merged_mrn = models.CharField("merged MRN", max_length=20)
    merged_name = models.CharField(max_length=170)
    # the merged record's details that differ from the survivor's, so none is lost
    merged_details = models.JSONField(default=dict)
    moved = models.JSONField("rows moved, by kind", default=dict)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="patient_merge_has_reason")
        ]

    def __str__(self) -> str:
        return f"Merge of {self.merged_mrn}"
