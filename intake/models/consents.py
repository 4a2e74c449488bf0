"""42 CFR Part 2 consents and the disclosures made under them."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from intake.models.assessments import Assessment
from intake.models.base import InvalidTransition, _fmt
from intake.models.patients import Patient


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
    revocation_reason = models.TextField(blank=True)
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

    def revoke(self, *, on: date, reason: str = "") -> None:
        if self.revoked_on is not None:
            raise InvalidTransition("This consent has already been revoked.")
        self.revoked_on = on
        self.revocation_reason = reason
        self.save(update_fields=["revoked_on", "revocation_reason"])


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
