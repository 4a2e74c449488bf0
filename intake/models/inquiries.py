"""Call requests (inquiries) and the contact attempts logged on them."""

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts import clinic_dates
from intake.models.base import InvalidTransition, Refused
from programs.models import Program

# --- Inquiries ------------------------------------------------------------------------


class InquiryQuerySet(models.QuerySet):
    def open(self) -> "InquiryQuerySet":
        return self.exclude(status__in=[Inquiry.Status.CONVERTED, Inquiry.Status.CLOSED])

    def with_first_contact(self) -> "InquiryQuerySet":
        """Annotate `first_contact_at`: when the first contact attempt was made (None if none).
        A request waits only until then; the same query, one correlated subquery."""
        first = (
            ContactAttempt.objects.filter(inquiry=models.OuterRef("pk"))
            .order_by()
            .values("inquiry")
            .annotate(first=models.Min("at"))
            .values("first")
        )
        return self.annotate(first_contact_at=models.Subquery(first))

    def queue_order(self) -> "InquiryQuerySet":
        """New requests first, then the one that has waited longest."""
        return self.annotate(
            _not_new=models.Case(
                models.When(status=Inquiry.Status.NEW, then=models.Value(0)),
                default=models.Value(1),
            )
        ).order_by("_not_new", "created_at", "pk")

    def search(self, text: str) -> "InquiryQuerySet":
        """Every word must match the caller's name, the first name of the person a call is
        about, the e-mail or (by its digits) the phone."""
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
            match = (
                models.Q(name__icontains=word)
                | models.Q(patient_first_name__icontains=word)
                | models.Q(email__icontains=word)
            )
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
        # a walk-in or a first call that becomes the intake converts straight away
        Status.NEW: frozenset({Status.CONTACTED, Status.CONVERTED, Status.CLOSED}),
        Status.CONTACTED: frozenset({Status.ASSESSMENT_BOOKED, Status.CONVERTED, Status.CLOSED}),
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
    # asked for someone else: `name`, `phone` and `email` are the caller's, never the patient's
    caller_relation = models.CharField("relation to the person", max_length=60, blank=True)
    patient_first_name = models.CharField("their first name", max_length=80, blank=True)
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
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
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
            # a request about oneself names no one else: the caller is the person
            models.CheckConstraint(
                condition=models.Q(for_whom="other")
                | (models.Q(caller_relation="") & models.Q(patient_first_name="")),
                name="inquiry_self_names_no_one_else",
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
        # forms give minutes: an attempt in the minute the request arrived is not before it
        if at < self.created_at.replace(second=0, microsecond=0):
            raise Refused("A contact attempt can't be before the request arrived.", field="at")
        if at > timezone.now() + timedelta(minutes=1):  # a minute of slack for the browser
            raise Refused("A contact attempt can't be in the future.", field="at")
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

    def reopen(self, *, reason: str, has_contacts: bool) -> str:
        """Open a closed request again; it goes back to where it was. Returns the old reason."""
        if self.status != self.Status.CLOSED:
            raise InvalidTransition("Only a closed request can be reopened.")
        previous = self.get_closed_reason_display()
        self.status = self.Status.CONTACTED if has_contacts else self.Status.NEW
        self.closed_reason, self.closed_note, self.closed_at = "", "", None
        self.reopened_at = timezone.now()
        self.reopen_reason = reason
        self.save(
            update_fields=[
                "status",
                "closed_reason",
                "closed_note",
                "closed_at",
                "reopened_at",
                "reopen_reason",
                "updated_at",
            ]
        )
        return previous

    @property
    def is_for_someone_else(self) -> bool:
        return self.for_whom == self.ForWhom.OTHER

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
    (Inquiry.Status.CLOSED, Inquiry.Status.CONVERTED): " Reopen it first.",
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
        return f"{self.get_method_display()} on {clinic_dates.moment(self.at)}"
