"""The public "Request a confidential call" form.

Everything typed here is sensitive (it says someone may have a substance use
problem): it is stored as an Inquiry for intake staff and never logged.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from intake.models import Inquiry
from programs.models import Program

CONTACT_REQUIRED = "Give us a phone number or an e-mail address (or both) so we can reach you."
PHONE_INVALID = "Enter a US phone number with its area code, for example (213) 555-0100."
EMAIL_INVALID = "Enter an e-mail address like name@example.com."
RELATION_REQUIRED = (
    "Tell us how you know the person the call is about, for example “mother” or “friend”."
)
SELF_WITH_SOMEONE_ELSE = (
    "You chose “Myself” but told us about someone else below: choose “Someone I care "
    "about”, or empty those two boxes."
)


def honeypot_message() -> str:
    return (
        "Our spam check stopped this request, so it has not been sent. Please check your "
        "details and press “Request a confidential call” again. If it happens again, call "
        f"us at {settings.CLINIC_PHONE}."
    )


def rate_limit_message() -> str:
    return (
        "We have already received several requests from your connection in the last hour, "
        "so we could not take another one just now. Our team will reach out about the ones "
        f"we have. To talk sooner, call us at {settings.CLINIC_PHONE}. If you are in crisis, "
        "call or text 988, or call the free SAMHSA National Helpline at 1-800-662-4357, "
        "any time."
    )


class CallRequestLimitReached(Exception):
    """The sender's address has sent CALL_REQUESTS_PER_HOUR requests in the past hour;
    `retry_after` is the seconds until the oldest of them is an hour old."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("call request limit reached")
        self.retry_after = retry_after


_NON_DIGITS = re.compile(r"[\s().\-‐–/]")


def normalize_us_phone(raw: str) -> str:
    """'213.555.0100', '+1 213 555 0100' -> '(213) 555-0100'; ValueError when not a US number."""
    compact = _NON_DIGITS.sub("", raw.strip())
    if compact.startswith("+1"):
        compact = compact[2:]
    elif compact.startswith("1") and len(compact) == 11:
        compact = compact[1:]
    # North American numbering: area code and exchange never start with 0 or 1
    if not re.fullmatch(r"[2-9]\d{2}[2-9]\d{6}", compact):
        raise ValueError(raw)
    return f"({compact[:3]}) {compact[3:6]}-{compact[6:]}"


def hash_source(address: str) -> str:
    """A keyed hash of the sender's IP address: enough to count, useless to identify."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


class _NeverRedisplayed(forms.TextInput):
    """The honeypot comes back empty, so a person whose browser filled it can resend."""

    def format_value(self, value):
        return None


class CallRequestForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="A first name is fine.",
        error_messages={"required": "Please tell us what to call you (a first name is fine)."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    best_time = forms.ChoiceField(
        label="Best time to call (Pacific time)",
        choices=Inquiry.BestTime.choices,
        initial=Inquiry.BestTime.ANY,
    )
    for_whom = forms.ChoiceField(
        label="Who is the call about?",
        choices=Inquiry.ForWhom.choices,
        initial=Inquiry.ForWhom.SELF,
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether the call is about you or someone else."},
    )
    # asked for someone else: the caller stays the contact, the person is only named
    caller_relation = forms.CharField(
        label="Your relation to them",
        required=False,
        max_length=Inquiry._meta.get_field("caller_relation").max_length,
        help_text="For example: mother, partner, friend.",
    )
    patient_first_name = forms.CharField(
        label="Their first name (optional)",
        required=False,
        max_length=Inquiry._meta.get_field("patient_first_name").max_length,
        help_text="So we know whom to ask about. A first name is enough.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    program = forms.ChoiceField(label="Program you are interested in (optional)", required=False)
    message = forms.CharField(
        label="Anything you would like us to know? (optional)",
        required=False,
        max_length=Inquiry.MESSAGE_MAX_LENGTH,
        help_text=(
            f"Up to {Inquiry.MESSAGE_MAX_LENGTH:,} characters. Keep it short: anything "
            "private can wait for the call."
        ),
        error_messages={
            "max_length": (
                f"Please keep your message to {Inquiry.MESSAGE_MAX_LENGTH:,} characters or "
                "fewer (it has %(show_value)s). You can tell us the rest on the call."
            )
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label="You may contact me by phone or e-mail about this request.",
        error_messages={"required": "Please tick the box to say we may contact you."},
    )
    # honeypot: hidden from people and assistive technology, bots fill it in
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=_NeverRedisplayed(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, programs: Iterable[Program], source_hash: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._programs = {p.slug: p for p in programs}
        self.source_hash = source_hash
        self.fields["program"].choices = [("", "Not sure yet")] + [
            (slug, p.name) for slug, p in self._programs.items()
        ]
        self.fields["program"].help_text = "It is fine not to know: we will help you choose."

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_us_phone(raw)
        except ValueError:
            raise forms.ValidationError(PHONE_INVALID, code="invalid") from None

    def clean_program(self) -> Program | None:
        slug = self.cleaned_data["program"]
        return self._programs.get(slug) if slug else None

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website", "").strip():
            raise forms.ValidationError(honeypot_message(), code="honeypot")
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and "phone" not in self.errors
            and "email" not in self.errors
        ):
            self.add_error("phone", forms.ValidationError(CONTACT_REQUIRED, code="no_contact"))
        self._clean_someone_else(cleaned)
        return cleaned

    def _clean_someone_else(self, cleaned: dict) -> None:
        """A call about someone else says who the caller is to them; a call about oneself
        names no one else (the record must not say a stranger's name is the caller's)."""
        named = cleaned.get("caller_relation") or cleaned.get("patient_first_name")
        if cleaned.get("for_whom") == Inquiry.ForWhom.OTHER:
            if not cleaned.get("caller_relation") and "caller_relation" not in self.errors:
                self.add_error("caller_relation", forms.ValidationError(RELATION_REQUIRED))
        elif cleaned.get("for_whom") == Inquiry.ForWhom.SELF and named:
            self.add_error("for_whom", forms.ValidationError(SELF_WITH_SOMEONE_ELSE))

    def save(self) -> Inquiry:
        """Store the request as a new Inquiry, unless this address is over its hourly limit."""
        data = self.cleaned_data
        with transaction.atomic():
            # serialise requests from one address so two at once cannot both slip under
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.source_hash])
            since = timezone.now() - timedelta(hours=1)
            recent = Inquiry.objects.filter(source_hash=self.source_hash, created_at__gte=since)
            stamps = list(recent.order_by("created_at").values_list("created_at", flat=True))
            if len(stamps) >= settings.CALL_REQUESTS_PER_HOUR:
                retry_after = max(
                    1.0, (stamps[0] + timedelta(hours=1) - timezone.now()).total_seconds()
                )
                raise CallRequestLimitReached(retry_after)
            return Inquiry.objects.create(
                name=data["name"].strip(),
                phone=data["phone"],
                email=data["email"],
                best_time=data["best_time"],
                for_whom=data["for_whom"],
                caller_relation=data["caller_relation"],
                patient_first_name=data["patient_first_name"],
                program=data["program"],
                message=data["message"].strip(),
                consent_to_contact=True,
                status=Inquiry.Status.NEW,
                source_hash=self.source_hash,
            )
