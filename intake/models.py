import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from intake import placement
from programs.models import Program


class InvalidTransition(Exception):
    """A status change the workflow does not allow; the message is written for staff."""


# --- Inquiries ------------------------------------------------------------------------


class InquiryQuerySet(models.QuerySet):
    def open(self) -> "InquiryQuerySet":
        return self.exclude(status__in=[Inquiry.Status.CONVERTED, Inquiry.Status.CLOSED])

    def queue_order(self) -> "InquiryQuerySet":
        """New requests first, then the one that has waited longest."""
        return self.annotate(
            _not_new=models.Case(
                models.When(status=Inquiry.Status.NEW, then=models.Value(0)),
                default=models.Value(1),
            )
        ).order_by("_not_new", "created_at", "pk")

    def search(self, text: str) -> "InquiryQuerySet":
        """Every word must match the name, the e-mail or (by its digits) the phone."""
        qs = self.annotate(
            _phone_digits=models.Func(
                models.F("phone"),
                models.Value(r"\D"),
                models.Value(""),
                models.Value("g"),
                function="regexp_replace",
                output_field=models.CharField(),
            )
        )
        for word in text.split():
            match = models.Q(name__icontains=word) | models.Q(email__icontains=word)
            digits = re.sub(r"\D", "", word)
            if digits:
                match |= models.Q(_phone_digits__contains=digits)
            qs = qs.filter(match)
        return qs


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

    class CloseReason(models.TextChoices):
        UNREACHABLE = "unreachable", "Could not reach them"
        DECLINED = "declined", "Not interested for now"
        REFERRED = "referred", "Referred to another provider or level of care"
        NOT_ELIGIBLE = "not_eligible", "Our programs don't fit their needs"
        DUPLICATE = "duplicate", "Duplicate of another request"
        OTHER = "other", "Other"

    MESSAGE_MAX_LENGTH = 1000

    # which status may follow which (converting needs a booked assessment)
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.NEW: frozenset({Status.CONTACTED, Status.CLOSED}),
        Status.CONTACTED: frozenset({Status.ASSESSMENT_BOOKED, Status.CLOSED}),
        Status.ASSESSMENT_BOOKED: frozenset({Status.CONVERTED, Status.CLOSED}),
        Status.CONVERTED: frozenset(),
        Status.CLOSED: frozenset(),
    }

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
    assessment_at = models.DateTimeField("assessment appointment", null=True, blank=True)
    closed_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    closed_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closed_reason=""),
                name="inquiry_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Inquiry {self.public_id.hex[:8]} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("intake:inquiry-detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CONVERTED, self.Status.CLOSED)

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def refusal(self, status: str) -> str:
        """Why this inquiry can't move to `status` now ('' when it can)."""
        if self.can_become(status):
            return ""
        current = self.get_status_display().lower()
        wanted = self.Status(status).label.lower()
        hint = _TRANSITION_HINTS.get((self.status, status), "")
        return f"This inquiry is {current}, so it can't be marked {wanted}.{hint}"

    def _move_to(self, status: str) -> None:
        refusal = self.refusal(status)
        if refusal:
            raise InvalidTransition(refusal)
        self.status = status

    def log_contact(
        self, *, at: datetime, method: str, outcome: str, note: str, by: Any
    ) -> "ContactAttempt":
        """Record one attempt to reach the person; the first one moves a new inquiry on."""
        if not self.is_open:
            raise InvalidTransition(
                f"This inquiry is {self.get_status_display().lower()}; "
                "contact attempts can no longer be added."
            )
        attempt = ContactAttempt(inquiry=self, at=at, method=method, outcome=outcome, note=note)
        attempt.by = by
        if self.status == self.Status.NEW:
            self._move_to(self.Status.CONTACTED)
            self.save(update_fields=["status", "updated_at"])
        attempt.save()
        return attempt

    def book_assessment(self, *, at: datetime | None) -> None:
        if self.status == self.Status.ASSESSMENT_BOOKED:
            pass  # re-booking moves the appointment
        else:
            self._move_to(self.Status.ASSESSMENT_BOOKED)
        self.assessment_at = at
        self.save(update_fields=["status", "assessment_at", "updated_at"])

    def close(self, *, reason: str, note: str = "") -> None:
        if not reason:
            raise InvalidTransition("Choose why the inquiry is being closed.")
        self._move_to(self.Status.CLOSED)
        self.closed_reason = reason
        self.closed_note = note
        self.closed_at = timezone.now()
        self.save(
            update_fields=["status", "closed_reason", "closed_note", "closed_at", "updated_at"]
        )

    def mark_converted(self) -> None:
        self._move_to(self.Status.CONVERTED)
        self.save(update_fields=["status", "updated_at"])

    def first_and_last_name(self) -> tuple[str, str]:
        """A best guess at first and last name, to pre-fill the patient form."""
        parts = self.name.split()
        if len(parts) < 2:
            return (self.name.strip(), "")
        return (" ".join(parts[:-1]), parts[-1])


_TRANSITION_HINTS = {
    (Inquiry.Status.NEW, Inquiry.Status.ASSESSMENT_BOOKED): " Log a contact attempt first.",
    (Inquiry.Status.NEW, Inquiry.Status.CONVERTED): (
        " Contact them and book the assessment first."
    ),
    (Inquiry.Status.CONTACTED, Inquiry.Status.CONVERTED): " Book the assessment first.",
}


class ContactAttempt(models.Model):
    """One try at reaching the person who asked for a call."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "E-mail"
        TEXT = "text", "Text message"
        VOICEMAIL = "voicemail", "Voicemail"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Spoke with them"
        NO_ANSWER = "no_answer", "No answer"
        LEFT_MESSAGE = "left_message", "Left a message"
        CALL_BACK = "call_back", "They asked us to call back later"
        WRONG_CONTACT = "wrong_contact", "Wrong number or address"
        DECLINED = "declined", "They don't want help right now"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="contact_attempts")
    at = models.DateTimeField("when", default=timezone.now)
    method = models.CharField("how", max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.at:%Y-%m-%d %H:%M}"


# --- Patients ---------------------------------------------------------------------------

_MRN_RE = re.compile(r"^(?:MRN[\s-]?)?0*(\d{1,9})$", re.IGNORECASE)
_DOB_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


def parse_date_loosely(text: str) -> date | None:
    for fmt in _DOB_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class PatientQuerySet(models.QuerySet):
    def search(self, text: str) -> "PatientQuerySet":
        """By MRN ("MRN-001234" or its number), date of birth, or name words.

        Name words match legal first, legal last or preferred name anywhere in them;
        UPPER(...) LIKE '%word%' is what `icontains` sends, and the trigram GIN
        indexes on UPPER(name) answer it without reading the whole table.
        """
        text = text.strip()
        if not text:
            return self.none()
        mrn = _MRN_RE.match(text)
        if mrn:
            return self.filter(mrn=format_mrn(int(mrn.group(1))))
        born = parse_date_loosely(text)
        if born:
            return self.filter(date_of_birth=born)
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


def _fmt(day: date | None) -> str:
    return f"{day:%b} {day.day}, {day:%Y}" if day else "—"


class RecordKind(models.TextChoices):
    """The parts of a patient's record the app prints or discloses."""

    ASSESSMENT = "assessment", "Intake assessment"
    ATTENDANCE = "attendance", "Attendance records"


class Consent(models.Model):
    """A 42 CFR Part 2 written consent to disclose part of the record to someone."""

    class ExpiryEvent(models.TextChoices):
        END_OF_TREATMENT = "end_of_treatment", "End of treatment at this clinic"
        OTHER = "other", "Another event (describe it)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    recipient = models.CharField(
        max_length=200, help_text="The person or organization that may receive the information."
    )
    purpose = models.TextField(help_text="Why the information is disclosed.")
    information = models.TextField(
        "what may be disclosed",
        help_text="How much and what kind of information, e.g. attendance and progress only.",
    )
    expires_on = models.DateField("expires on", null=True, blank=True)
    expiry_event = models.CharField(
        "or expires at", max_length=20, choices=ExpiryEvent.choices, blank=True
    )
    expiry_event_detail = models.CharField("event", max_length=200, blank=True)
    signed_on = models.DateField("signed on")
    revoked_on = models.DateField("revoked on", null=True, blank=True)
    # Which of the records the app can send the words in `information` allow: staff tick
    # them from the signed form, and disclosures are refused for anything unticked
    # (docs/part2.md "Consent scope").
    covers_assessment = models.BooleanField(
        "the intake assessment",
        default=False,
        help_text="Substances, DSM-5 criteria, ASAM ratings, screening scores and placement.",
    )
    covers_attendance = models.BooleanField(
        "attendance records", default=False, help_text="Sessions attended, with dates and hours."
    )
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=False) | ~models.Q(expiry_event=""),
                name="consent_has_expiry",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True)
                | models.Q(revoked_on__gte=models.F("signed_on")),
                name="consent_revoked_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent to disclose to {self.recipient}"

    @property
    def expiry_display(self) -> str:
        parts = []
        if self.expires_on:
            parts.append(f"{self.expires_on:%b %-d, %Y}")
        if self.expiry_event == self.ExpiryEvent.OTHER:
            parts.append(self.expiry_event_detail or "another event")
        elif self.expiry_event:
            parts.append(self.get_expiry_event_display().lower())
        return " or ".join(parts) + (", whichever comes first" if len(parts) > 1 else "")

    def status_on(self, day: date) -> str:
        """'not yet signed', 'revoked', 'expired' or 'active' on that day."""
        if day < self.signed_on:
            return "not yet signed"
        # revocation is honoured from its date
        if self.revoked_on is not None and day >= self.revoked_on:
            return "revoked"
        if self.expires_on is not None and day > self.expires_on:
            return "expired"
        if self.expiry_event == self.ExpiryEvent.END_OF_TREATMENT:
            ended = self.patient.treatment_ended_on()
            if ended is not None and day > ended:
                return "expired"
        return "active"

    def is_active_on(self, day: date) -> bool:
        return self.status_on(day) == "active"

    def status_reason(self, day: date) -> str:
        """Why the consent is not in force on that day, for staff ('' when it is)."""
        status = self.status_on(day)
        if status == "not yet signed":
            return f"Signed on {_fmt(self.signed_on)}: not in force before that day."
        if status == "revoked":
            return f"Revoked on {_fmt(self.revoked_on)}."
        if status == "expired":
            if self.expires_on is not None and day > self.expires_on:
                return f"Expired after {_fmt(self.expires_on)}."
            ended = self.patient.treatment_ended_on()
            return f"Expired when treatment ended ({_fmt(ended)})."
        return ""

    @property
    def covered_kinds(self) -> frozenset[str]:
        kinds = set()
        if self.covers_assessment:
            kinds.add(RecordKind.ASSESSMENT)
        if self.covers_attendance:
            kinds.add(RecordKind.ATTENDANCE)
        return frozenset(kinds)

    @property
    def covered_display(self) -> str:
        labels = [kind.label.lower() for kind in RecordKind if kind in self.covered_kinds]
        return " and ".join(labels) if labels else "none of the records the app can send"

    def disclosure_refusal(self, *, kinds: Iterable[str], on: date) -> str:
        """Why nothing may be disclosed under this consent on `on` ('' when it may).

        Revocation is honoured from its date: a consent revoked on D refuses every
        disclosure made on D or later; the ones made before D stand.
        """
        reason = self.status_reason(on)
        if reason:
            return f"This consent can't be used: {reason[0].lower()}{reason[1:]}"
        wanted = set(kinds)
        outside = [
            kind.label.lower()
            for kind in RecordKind
            if kind in wanted and kind not in self.covered_kinds
        ]
        if outside:
            return (
                f"This consent does not cover the {' or the '.join(outside)}: it allows "
                f"{self.covered_display} (the patient's words: “{self.information}”). "
                "Record a new consent that covers it, or choose less."
            )
        return ""

    def revoke(self, *, on: date) -> None:
        if self.revoked_on is not None:
            raise InvalidTransition("This consent has already been revoked.")
        self.revoked_on = on
        self.save(update_fields=["revoked_on"])


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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(completed_at__isnull=False)
                    & models.Q(completed_by__isnull=False)
                    & ~models.Q(recommended_level="")
                ),
                name="assessment_completed_is_signed",
            ),
        ] + [
            models.CheckConstraint(
                condition=models.Q(**{f"{key}__isnull": True})
                | models.Q(**{f"{key}__lte": placement.RATING_MAX}),
                name=f"assessment_{key}_in_range",
            )
            for key in ("d1", "d2", "d3", "d4", "d5", "d6")
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.assessment_date:%Y-%m-%d} ({self.get_status_display()})"

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
        return f"Addendum of {self.created_at:%Y-%m-%d %H:%M}"


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
    def recommended_level_label(self) -> str:
        return placement.Level[self.recommended_level].label

    @property
    def is_program(self) -> bool:
        return self.final_level != placement.Level.NONE.code


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
    decision = models.ForeignKey(
        PlacementDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admissions",
    )
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

    def discharge(self, *, on: date, reason: str, note: str = "") -> None:
        if not self.is_open:
            raise InvalidTransition("This admission has already ended.")
        if on < self.start_date:
            raise InvalidTransition("The discharge date can't be before the start date.")
        self.end_date = on
        self.discharge_reason = reason
        self.discharge_note = note
        self.save(update_fields=["end_date", "discharge_reason", "discharge_note"])


@dataclass(frozen=True)
class LevelChange:
    admission: Admission
    change: str  # "admitted", "stepped down", "stepped up", "continued", "readmitted"


def level_history(admissions: Iterable[Admission]) -> list[LevelChange]:
    """Each admission in date order, named by how it moved from the one before."""
    ordered = sorted(admissions, key=lambda a: (a.start_date, a.created_at))
    history: list[LevelChange] = []
    previous: Admission | None = None
    for admission in ordered:
        if previous is None:
            change = "admitted"
        elif previous.end_date is not None and (admission.start_date - previous.end_date).days > 1:
            change = "readmitted"
        elif admission.program.intensity < previous.program.intensity:
            change = "stepped down"
        elif admission.program.intensity > previous.program.intensity:
            change = "stepped up"
        else:
            change = "continued"
        history.append(LevelChange(admission, change))
        previous = admission
    return history


# --- Part 2 disclosures ----------------------------------------------------------------------


class Disclosure(models.Model):
    """Part of a patient's record sent outside the clinic under a Part 2 consent.

    Kept for good (the patient may ask who received what): the consent, the assessment
    sent and the sender are PROTECTed, and the recipient and purpose are copied from the
    consent as they read when the records left.
    """

    class What(models.TextChoices):
        ASSESSMENT = "assessment", "Intake assessment"
        ATTENDANCE = "attendance", "Attendance records"
        BOTH = "both", "Intake assessment and attendance records"

    KINDS = {
        What.ASSESSMENT: (RecordKind.ASSESSMENT,),
        What.ATTENDANCE: (RecordKind.ATTENDANCE,),
        What.BOTH: (RecordKind.ASSESSMENT, RecordKind.ATTENDANCE),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    what = models.CharField(max_length=12, choices=What.choices)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    attendance_from = models.DateField(null=True, blank=True)
    attendance_to = models.DateField(null=True, blank=True)
    recipient = models.CharField(max_length=200)
    purpose = models.TextField()
    disclosed_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-disclosed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(what="attendance", assessment__isnull=True)
                | (~models.Q(what="attendance") & models.Q(assessment__isnull=False)),
                name="disclosure_assessment_when_asked",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    what="assessment", attendance_from__isnull=True, attendance_to__isnull=True
                )
                | (
                    ~models.Q(what="assessment")
                    & models.Q(
                        attendance_from__isnull=False,
                        attendance_to__isnull=False,
                        attendance_to__gte=models.F("attendance_from"),
                    )
                ),
                name="disclosure_attendance_range_when_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure of {self.disclosed_at:%Y-%m-%d}"

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.KINDS[self.what]

    @property
    def includes_assessment(self) -> bool:
        return RecordKind.ASSESSMENT in self.kinds

    @property
    def includes_attendance(self) -> bool:
        return RecordKind.ATTENDANCE in self.kinds

    @property
    def attendance_range_display(self) -> str:
        if not self.includes_attendance:
            return ""
        return f"{_fmt(self.attendance_from)} to {_fmt(self.attendance_to)}"

    @property
    def filename(self) -> str:
        """The document's file name: no patient detail, unique per disclosure."""
        return f"disclosure-{timezone.localdate(self.disclosed_at)}-{self.uuid.hex[:8]}.html"

    @property
    def made_after_revocation(self) -> bool:
        """Made on or after a revocation date that was recorded later (back-dated)."""
        revoked = self.consent.revoked_on
        return revoked is not None and timezone.localdate(self.disclosed_at) >= revoked
