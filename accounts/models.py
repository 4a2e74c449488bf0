from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts import clinic_dates


class AuditEvent(models.Model):
    """One entry of the append-only audit log (who did what to which record, when, from where).

    Rows are only ever inserted: the database refuses UPDATE, DELETE and TRUNCATE
    (triggers installed by migration 0003; docs/security.md "Audit log").
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        # a user with two-factor sign-in: the password step, then the second factor,
        # and only then "signed in"
        PASSWORD_ACCEPTED = "password", "Password accepted"
        SECOND_FACTOR = "second_factor", "Second factor accepted"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # kept as typed for failed sign-ins, where there may be no such user
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    patient_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-at"]),
            # a patient's page lists the latest accesses to the record
            models.Index(fields=["patient_uuid", "-at"], name="audit_patient_recent_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{clinic_dates.moment(self.at)} {self.actor_username} {self.action} {self.object_type}"
        )

    def summary(self, *, mrn: str = "") -> str:
        """What happened, in words: "Viewed the record of patient MRN-000123",
        "Printed an assessment of patient MRN-000123", "Signed in"."""
        verb = self.get_action_display()
        if not self.object_type:
            return verb
        if self.object_type == "intake.Patient":
            return f"{verb} the record of patient {mrn}" if mrn else f"{verb} the record"
        noun = OBJECT_NOUNS.get(self.object_type) or _with_article(
            self.object_repr.rsplit(" ", 1)[0] or self.object_type
        )
        return f"{verb} {noun} of patient {mrn}" if mrn else f"{verb} {noun}"


# How the audit log names what was opened (by model label; others by verbose name).
OBJECT_NOUNS = {
    "intake.Assessment": "an assessment",
    "intake.Addendum": "an addendum",
    "intake.Admission": "an admission",
    "intake.Consent": "a consent",
    "intake.ContactAttempt": "a contact attempt",
    "intake.Disclosure": "a disclosure",
    "intake.Inquiry": "a call request",
    "intake.PlacementDecision": "a placement decision",
    "scheduling.Session": "a session",
    "scheduling.Track": "a group",
    "auth.User": "a staff account",
    "otp_totp.TOTPDevice": "an authenticator",
    "otp_static.StaticDevice": "backup codes",
}


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
