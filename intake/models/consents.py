"""42 CFR Part 2 consents and the disclosures made under them."""

import uuid
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts import clinic_dates
from intake.models.assessments import Assessment
from intake.models.base import InvalidTransition, _fmt
from intake.models.patients import Patient


class RecordKind(models.TextChoices):
    """The parts of a patient's record the app prints or discloses. SUD counseling notes
    are a kind of their own: only a consent for them, naming them, lets them out."""

    ASSESSMENT = "assessment", "Intake assessment"
    ATTENDANCE = "attendance", "Attendance records"
    TREATMENT_PLAN = "treatment_plan", "Treatment plan"
    COUNSELING_NOTES = "counseling_notes", "SUD counseling notes"


# The wording the clinic puts on every consent form (docs/part2.md); the consent keeps
# the refusal statement the patient was shown.
TPO_RECIPIENTS = (
    "My treating providers, health plans, third-party payers, and people helping to "
    "operate this program"
)
TPO_PURPOSE = "For treatment, payment, and health care operations"
AT_PATIENT_REQUEST = "At the request of the patient"
HIPAA_REDISCLOSURE_STATEMENT = (
    "Records disclosed under this consent to a recipient that is a HIPAA covered entity or "
    "business associate, for treatment, payment or health care operations, may be "
    "redisclosed by that recipient as the HIPAA rules allow, and are then no longer "
    "protected by 42 CFR Part 2, except that they may never be used or disclosed for "
    "civil, criminal, administrative or legislative proceedings against the patient."
)
REFUSAL_STATEMENTS = {
    "tpo": (
        "You may refuse to sign. The clinic will not refuse to treat you because of it; "
        "without this consent it can't send your records to your other providers or to "
        "your health plan, so your care may be less coordinated and the plan may not pay "
        "the clinic for your treatment (you may be asked to pay yourself)."
    ),
    "recipient": (
        "You may refuse to sign. Your treatment, payment, enrolment or eligibility for "
        "benefits at this clinic do not depend on it; the recipient simply won't receive "
        "the information."
    ),
    "counseling_notes": (
        "You may refuse to sign. Your treatment does not depend on it; your counselor's "
        "private notes then stay at the clinic."
    ),
}
REVOCATION_STATEMENT = (
    "You may revoke this consent at any time, in writing (give or send a signed note to "
    "the clinic), except for what the clinic has already done in reliance on it. The "
    "revocation counts from the day the clinic receives it."
)


def _kind_phrase(kind: RecordKind) -> str:
    """'the intake assessment' reads in a sentence; 'SUD' keeps its capitals."""
    return kind.label if kind.label.startswith("SUD") else kind.label.lower()


class Consent(models.Model):
    """A 42 CFR Part 2 written consent (2.31, as amended in 2024), of one of three kinds:

    - TPO: one consent for all future uses and disclosures for treatment, payment and
      health care operations, until revoked in writing (no expiry needed);
    - to a named recipient or a class of recipients, for a stated purpose (which may be
      "at the request of the patient");
    - for SUD counseling notes: the only consent that lets those notes out, and it lets
      out nothing else.
    """

    class Kind(models.TextChoices):
        TPO = "tpo", "Treatment, payment and health care operations (TPO)"
        RECIPIENT = "recipient", "Disclosure to a named recipient or class of recipients"
        COUNSELING_NOTES = "counseling_notes", "SUD counseling notes"

    class ExpiryEvent(models.TextChoices):
        END_OF_TREATMENT = "end_of_treatment", "End of treatment at this clinic"
        OTHER = "other", "Another event (describe it)"
        NONE = "none", "None: until revoked in writing (TPO consents only)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(
        "kind of consent", max_length=20, choices=Kind.choices, default=Kind.RECIPIENT
    )
    recipient = models.CharField(
        max_length=200,
        help_text="The person or organization that may receive the information, or a class "
        "of recipients (e.g. “my treating providers”).",
    )
    recipient_is_class = models.BooleanField(
        "the recipient is a class of recipients", default=False
    )
    purpose = models.TextField(help_text="Why the information is disclosed.")
    refusal_statement = models.TextField(
        "what refusing to sign means, as the patient was told", blank=True
    )
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
    covers_treatment_plan = models.BooleanField(
        "the treatment plan",
        default=False,
        help_text="The plan in force: problems, goals, objectives, interventions, diagnosis.",
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
            # "none" is an expiry only a TPO consent may have (42 CFR 2.31(a))
            models.CheckConstraint(
                condition=~models.Q(expiry_event="none") | models.Q(kind="tpo"),
                name="consent_no_expiry_only_for_tpo",
            ),
            # a counseling-notes consent lets out nothing but those notes
            models.CheckConstraint(
                condition=~models.Q(kind="counseling_notes")
                | models.Q(
                    covers_assessment=False, covers_attendance=False, covers_treatment_plan=False
                ),
                name="consent_counseling_notes_only",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.TPO:
            return "TPO consent"
        return f"Consent to disclose to {self.recipient}"

    def apply_kind_defaults(self) -> None:
        """What the kind itself says: a TPO consent's purpose is TPO and its recipients,
        unless named, the class the rule suggests; every consent keeps the statement of
        what refusing means that its kind's form carries, unless another was written."""
        if self.kind == self.Kind.TPO:
            self.purpose = TPO_PURPOSE
            if not self.recipient.strip():
                self.recipient, self.recipient_is_class = TPO_RECIPIENTS, True
        if not self.refusal_statement.strip():
            self.refusal_statement = REFUSAL_STATEMENTS.get(self.kind, "")

    def clean(self) -> None:
        """The elements each kind needs (42 CFR 2.31(a), (b)); checked by the form and
        by `services.add_consent` alike."""
        from django.core.exceptions import ValidationError

        self.apply_kind_defaults()
        errors = {}
        if not self.recipient.strip():
            errors["recipient"] = (
                "Name the recipient, a person or organization, or a class of recipients."
            )
        if not self.purpose.strip():
            errors["purpose"] = (
                "Say why the records may be disclosed, or tick “At the request of the patient”."
            )
        if not self.information.strip():
            errors["information"] = (
                "Describe what may be disclosed, specifically (e.g. attendance dates only)."
            )
        if self.expiry_event == self.ExpiryEvent.NONE and self.kind != self.Kind.TPO:
            errors["expiry_event"] = (
                "Only a TPO consent may run until revoked: give an expiry date or an event."
            )
        if self.kind == self.Kind.COUNSELING_NOTES and (
            self.covers_assessment or self.covers_attendance or self.covers_treatment_plan
        ):
            errors["covers_assessment"] = (
                "A consent for SUD counseling notes covers those notes only: untick the other "
                "records and record a separate consent for them."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_tpo(self) -> bool:
        return self.kind == self.Kind.TPO

    @property
    def purpose_display(self) -> str:
        return self.purpose or AT_PATIENT_REQUEST

    @property
    def revocation_statement(self) -> str:
        return REVOCATION_STATEMENT

    @property
    def redisclosure_statement(self) -> str:
        """The HIPAA redisclosure statement a TPO consent carries ('' for the others)."""
        return HIPAA_REDISCLOSURE_STATEMENT if self.is_tpo else ""

    @property
    def expiry_display(self) -> str:
        parts = []
        if self.expires_on:
            parts.append(f"{self.expires_on:%b %-d, %Y}")
        if self.expiry_event == self.ExpiryEvent.OTHER:
            parts.append(self.expiry_event_detail or "another event")
        elif self.expiry_event == self.ExpiryEvent.NONE:
            parts.append("until revoked in writing")
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
        """The kinds of record this consent lets out (docs/part2.md "Consent scope")."""
        if self.kind == self.Kind.COUNSELING_NOTES:
            return frozenset({RecordKind.COUNSELING_NOTES})
        kinds = set()
        if self.covers_assessment:
            kinds.add(RecordKind.ASSESSMENT)
        if self.covers_attendance:
            kinds.add(RecordKind.ATTENDANCE)
        if self.covers_treatment_plan:
            kinds.add(RecordKind.TREATMENT_PLAN)
        return frozenset(kinds)

    def allows(self, record_kind: str, *, on: date | None = None) -> bool:
        """May a record of `record_kind` be disclosed under this consent on `on` (today
        by default)? The question other apps ask, with the kinds registered in
        intake/records.py: in force that day, and the kind is one the consent covers."""
        day = timezone.localdate() if on is None else on
        return self.is_active_on(day) and record_kind in self.covered_kinds

    @property
    def covered_display(self) -> str:
        labels = [_kind_phrase(kind) for kind in RecordKind if kind in self.covered_kinds]
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
        if self.kind == self.Kind.COUNSELING_NOTES and wanted - self.covered_kinds:
            return (
                "A consent for SUD counseling notes lets out those notes and nothing else: "
                "use a TPO consent or a consent to a recipient for the rest of the record."
            )
        if (
            RecordKind.COUNSELING_NOTES in wanted
            and RecordKind.COUNSELING_NOTES not in self.covered_kinds
        ):
            return (
                "SUD counseling notes leave the clinic only under a consent of their own that "
                "names them (42 CFR 2.31(b)); this consent does not."
            )
        outside = [
            _kind_phrase(kind)
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


# the kinds of disclosure that send no attendance, so carry no attendance period
NO_ATTENDANCE = ["assessment", "treatment_plan", "counseling_notes"]


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
        TREATMENT_PLAN = "treatment_plan", "Treatment plan in force"
        # only under a consent for SUD counseling notes, which names them (42 CFR 2.31)
        COUNSELING_NOTES = "counseling_notes", "SUD counseling notes"

    KINDS = {
        What.ASSESSMENT: (RecordKind.ASSESSMENT,),
        What.ATTENDANCE: (RecordKind.ATTENDANCE,),
        What.BOTH: (RecordKind.ASSESSMENT, RecordKind.ATTENDANCE),
        What.TREATMENT_PLAN: (RecordKind.TREATMENT_PLAN,),
        What.COUNSELING_NOTES: (RecordKind.COUNSELING_NOTES,),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    what = models.CharField(max_length=20, choices=What.choices)
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
                condition=models.Q(what__in=["assessment", "both"], assessment__isnull=False)
                | (~models.Q(what__in=["assessment", "both"]) & models.Q(assessment__isnull=True)),
                name="disclosure_assessment_when_asked",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    what__in=NO_ATTENDANCE, attendance_from__isnull=True, attendance_to__isnull=True
                )
                | (
                    ~models.Q(what__in=NO_ATTENDANCE)
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
        return f"Disclosure of {clinic_dates.moment(self.disclosed_at)}"

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
