"""Intake forms. Each turns what staff typed into clean domain values, with a message
next to the field when something is wrong."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth.models import User
from django.forms import inlineformset_factory
from django.utils import timezone

from accounts.roles import COUNSELOR
from intake import placement
from intake.models import (
    LEVEL_CHOICES,
    SCREENING_KEYS,
    Admission,
    Assessment,
    Consent,
    ContactAttempt,
    Disclosure,
    Inquiry,
    Patient,
    RecordKind,
    Substance,
)
from programs.models import Program

# states, DC and the territories with a USPS code
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
)
US_STATES = frozenset(_STATE_CODES.split())
_PHONE_CHARS = re.compile(r"^[\d\s().+-]+$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
SEARCH_MAX_LENGTH = 100


def _fmt(day: date) -> str:
    return f"{day:%b} {day.day}, {day:%Y}"


def clean_us_phone(value: str) -> str:
    """'(213) 555-0142' from any common way of writing a US number; '' stays ''."""
    value = value.strip()
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not _PHONE_CHARS.match(value) or len(digits) != 10:
        raise forms.ValidationError("Enter a 10-digit US phone number, like (213) 555-0142.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _not_in_future(day: date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


# --- Search ------------------------------------------------------------------------------


class SearchForm(forms.Form):
    """Search terms travel in a POST body, never in a URL (see views.py)."""

    q = forms.CharField(
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        strip=True,
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


# --- Inquiries ------------------------------------------------------------------------


class ContactAttemptForm(forms.ModelForm):
    class Meta:
        model = ContactAttempt
        fields = ["at", "method", "outcome", "note"]
        widgets = {
            "at": DateTimeInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", "Choose…"), *ContactAttempt.Method.choices]
        self.fields["outcome"].choices = [("", "Choose…"), *ContactAttempt.Outcome.choices]
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_at(self):
        at = self.cleaned_data["at"]
        # a minute of slack for the clock of the browser that filled in "now"
        if at > timezone.now() + timedelta(minutes=1):
            raise forms.ValidationError("A contact attempt can't be in the future.")
        return at


class BookAssessmentForm(forms.Form):
    assessment_at = forms.DateTimeField(label="Assessment appointment", widget=DateTimeInput())

    MAX_DAYS_AHEAD = 365

    def clean_assessment_at(self):
        at = self.cleaned_data["assessment_at"]
        day, today = timezone.localtime(at).date(), timezone.localdate()
        if day < today:
            raise forms.ValidationError("The appointment can't be on a day that has passed.")
        # 9999-12-31 23:59 here is year 10000 in UTC: stored, then unreadable
        if day > today + timedelta(days=self.MAX_DAYS_AHEAD):
            raise forms.ValidationError("Book the appointment within the coming year.")
        return at


class CloseInquiryForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why close it?", choices=[("", "Choose a reason…"), *Inquiry.CloseReason.choices]
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("reason") == Inquiry.CloseReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say why, since the reason is “Other”.")
        return data


# --- Patients -----------------------------------------------------------------------------


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex_assigned_at_birth",
            "gender_identity",
            "phone",
            "email",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "payer",
            "member_id",
        ]
        labels = {
            "sex_assigned_at_birth": "Sex assigned at birth",
            "payer": "Payer (insurance or program)",
            "member_id": "Member ID",
            "emergency_contact_name": "Name",
            "emergency_contact_relationship": "Relationship",
            "emergency_contact_phone": "Phone",
            "email": "E-mail",
        }
        error_messages = {
            "state": {"max_length": "Enter the two-letter state code, like CA."},
            "postal_code": {"max_length": "Enter a 5-digit ZIP code (or ZIP+4, like 90012-1234)."},
        }
        help_texts = {
            "gender_identity": "In the patient's own words.",
            "state": "Two letters, e.g. CA.",
        }
        widgets = {
            "date_of_birth": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
            "state": forms.TextInput(attrs={"maxlength": 2, "size": 3}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "date_of_birth"
        ].help_text = (
            f"Patients are {Patient.MINIMUM_AGE} or older. Format: month/day/year in the picker."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Name and identity",
                Row(Column("legal_first_name"), Column("legal_last_name")),
                Row(Column("preferred_name"), Column("pronouns")),
                Row(
                    Column("date_of_birth"),
                    Column("sex_assigned_at_birth"),
                    Column("gender_identity"),
                ),
            ),
            Fieldset(
                "Contact",
                Row(Column("phone"), Column("email")),
                "address_line1",
                "address_line2",
                Row(
                    Column("city", css_class="col-md-6"),
                    Column("state", css_class="col-md-2"),
                    Column("postal_code", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                "Emergency contact",
                Row(
                    Column("emergency_contact_name"),
                    Column("emergency_contact_relationship"),
                    Column("emergency_contact_phone"),
                ),
            ),
            Fieldset("Coverage (optional)", Row(Column("payer"), Column("member_id"))),
        )

    def clean_legal_first_name(self) -> str:
        return self.cleaned_data["legal_first_name"].strip()

    def clean_legal_last_name(self) -> str:
        return self.cleaned_data["legal_last_name"].strip()

    def clean_phone(self) -> str:
        return clean_us_phone(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self) -> str:
        return clean_us_phone(self.cleaned_data["emergency_contact_phone"])

    def clean_state(self) -> str:
        state = self.cleaned_data["state"].strip().upper()
        if state and state not in US_STATES:
            raise forms.ValidationError("Enter the two-letter state code, like CA.")
        return state

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if code and not _ZIP.match(code):
            raise forms.ValidationError("Enter a 5-digit ZIP code (or ZIP+4, like 90012-1234).")
        return code

    def clean(self):
        data = super().clean()
        if (
            data.get("emergency_contact_name")
            and not data.get("emergency_contact_phone")
            and "emergency_contact_phone" not in self.errors
        ):
            self.add_error(
                "emergency_contact_phone", "Add a phone number for the emergency contact."
            )
        if data.get("emergency_contact_phone") and not data.get("emergency_contact_name"):
            self.add_error("emergency_contact_name", "Whose number is this? Add their name.")
        if data.get("member_id") and not data.get("payer"):
            self.add_error("payer", "Name the payer this member ID belongs to.")
        return data


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "recipient",
            "purpose",
            "information",
            "covers_assessment",
            "covers_attendance",
            "signed_on",
            "expires_on",
            "expiry_event",
            "expiry_event_detail",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "information": forms.Textarea(attrs={"rows": 2}),
            "signed_on": DateInput(),
            "expires_on": DateInput(),
        }
        help_texts = {
            "expires_on": "A date, an event, or both (whichever comes first).",
            "expiry_event_detail": "Only when the event is “another event”.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expiry_event"].choices = [("", "No event: the date decides")] + list(
            Consent.ExpiryEvent.choices
        )
        if not self.is_bound:
            self.initial.setdefault("signed_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "recipient",
            "purpose",
            "information",
            # what disclosures check (docs/part2.md "Consent scope"): tick only what the
            # words above allow; a consent with neither box sends nothing from the app
            Fieldset(
                '<span class="fs-6">Records the app may send under it</span>',
                HTML(
                    '<p class="form-text mt-0">Tick only what the patient\'s words above '
                    "allow. A disclosure asking for anything unticked is refused.</p>"
                ),
                "covers_assessment",
                "covers_attendance",
            ),
            "signed_on",
            "expires_on",
            "expiry_event",
            "expiry_event_detail",
        )

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        _not_in_future(signed, "The signing date can't be in the future.")
        return signed

    def clean(self):
        data = super().clean()
        expires, event = data.get("expires_on"), data.get("expiry_event")
        signed = data.get("signed_on")
        if not expires and not event and "expires_on" not in self.errors:
            self.add_error("expires_on", "Give an expiry date or an expiry event.")
        if expires and signed and expires < signed:
            self.add_error("expires_on", "The consent can't expire before it was signed.")
        if event == Consent.ExpiryEvent.OTHER and not data.get("expiry_event_detail", "").strip():
            self.add_error("expiry_event_detail", "Describe the event that ends the consent.")
        return data


class RevokeConsentForm(forms.Form):
    revoked_on = forms.DateField(label="Revoked on", widget=DateInput())

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["revoked_on"].widget.attrs["id"] = f"id_revoked_on_{consent.pk}"
        if not self.is_bound:
            self.initial["revoked_on"] = timezone.localdate()

    def clean_revoked_on(self):
        day = self.cleaned_data["revoked_on"]
        _not_in_future(day, "The revocation date can't be in the future.")
        if day < self.consent.signed_on:
            raise forms.ValidationError(
                f"The consent was signed on {_fmt(self.consent.signed_on)}; "
                "it can't be revoked before that."
            )
        return day


class DisclosureForm(forms.Form):
    """Which consent, and what to send under it (the service checks both again, locked)."""

    ATTENDANCE_DEFAULT_DAYS = 30

    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(),
        to_field_name="uuid",
        widget=forms.RadioSelect,
        empty_label=None,
        label="Send under the consent",
        error_messages={
            "required": "Choose the consent the records are sent under.",
            "invalid_choice": "Choose one of the consents listed.",
        },
    )
    what = forms.ChoiceField(
        choices=Disclosure.What.choices,
        widget=forms.RadioSelect,
        label="What to send",
        error_messages={"required": "Choose what to send."},
    )
    attendance_from = forms.DateField(label="Attendance from", required=False, widget=DateInput())
    attendance_to = forms.DateField(
        label="Attendance to", required=False, widget=DateInput(), help_text="Both days included."
    )

    def __init__(
        self,
        *args: Any,
        patient: Patient,
        consents: list[Consent],
        today: date,
        assessment: Assessment | None,
        attendance_since: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.today = today
        # any of the patient's consents is looked up (so a stale choice gets its reason),
        # but only those in force today are offered
        self.fields["consent"].queryset = Consent.objects.filter(patient=patient)
        self.fields["consent"].widget.choices = [
            (str(c.uuid), consent_label(c)) for c in consents if c.is_active_on(today)
        ]
        what = self.fields["what"]
        if assessment is None:
            what.choices = [(Disclosure.What.ATTENDANCE, Disclosure.What.ATTENDANCE.label)]
            what.help_text = "There is no signed assessment yet, so only attendance can be sent."
        else:
            signed = _fmt(assessment.assessment_date)
            what.help_text = f"The assessment sent is the latest signed one ({signed})."
        if not self.is_bound:
            since = attendance_since or today - timedelta(days=self.ATTENDANCE_DEFAULT_DAYS)
            self.initial.update(
                {"attendance_from": max(since, today - timedelta(days=366)), "attendance_to": today}
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "consent",
            "what",
            Fieldset(
                # a legend sized like the field labels above it (crispy marks it safe)
                '<span class="fs-6">Attendance period, when attendance is sent</span>',
                Row(Column("attendance_from"), Column("attendance_to")),
            ),
        )

    def clean_consent(self) -> Consent:
        consent = self.cleaned_data["consent"]
        consent.patient = self.patient
        reason = consent.status_reason(self.today)
        if reason:
            raise forms.ValidationError(
                f"This consent can't be used: {reason[0].lower()}{reason[1:]}"
            )
        return consent

    def clean(self):
        data = super().clean()
        what = data.get("what")
        if not what:
            return data
        kinds = Disclosure.KINDS[Disclosure.What(what)]
        consent = data.get("consent")
        if consent is not None:
            refusal = consent.disclosure_refusal(kinds=kinds, on=self.today)
            if refusal:
                self.add_error("what", refusal)
        if RecordKind.ATTENDANCE not in kinds:
            data["attendance_from"] = data["attendance_to"] = None
            return data
        start, end = data.get("attendance_from"), data.get("attendance_to")
        for name, day in (("attendance_from", start), ("attendance_to", end)):
            if day is None and name not in self.errors:
                self.add_error(name, "Give the first and last day of attendance to send.")
        if end is not None and end > self.today:
            self.add_error("attendance_to", "Attendance can only be sent up to today.")
        elif start and end and start > end:
            self.add_error("attendance_from", "The first day comes after the last one.")
        return data


def consent_label(consent: Consent) -> str:
    return (
        f"{consent.recipient}: {consent.purpose} · may send {consent.covered_display} · "
        f"signed {_fmt(consent.signed_on)}, until {consent.expiry_display}"
    )


# --- Assessment -------------------------------------------------------------------------

_RATING_CHOICES = [
    ("", "Not rated yet"),
    ("0", "0 – no risk"),
    ("1", "1 – mild risk"),
    ("2", "2 – moderate risk"),
    ("3", "3 – significant risk"),
    ("4", "4 – severe risk"),
]


class AssessmentForm(forms.ModelForm):
    """Every section of the assessment; saved as a draft whatever is still empty."""

    criteria_met = forms.MultipleChoiceField(
        label="DSM-5 criteria met in the last 12 months",
        choices=placement.CRITERIA,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Assessment
        fields = [
            "assessment_date",
            "referral_source",
            "referral_detail",
            "step_down_ended_on",
            "criteria_met",
            "criteria_reviewed",
            "only_as_prescribed",
            "d1",
            "d1_note",
            "d2",
            "d2_note",
            "d3",
            "d3_note",
            "d4",
            "d4_note",
            "d5",
            "d5_note",
            "d6",
            "d6_note",
            *SCREENING_KEYS,
        ]
        labels = {
            "criteria_reviewed": "I asked about all 11 criteria (unticked ones are not met)",
            "only_as_prescribed": (
                "The substance is taken only as prescribed, under medical supervision "
                "(tolerance and withdrawal then do not count)"
            ),
        }
        help_texts = {
            "step_down_ended_on": "Needed when the patient comes as a step-down.",
        }
        widgets = {
            "assessment_date": DateInput(),
            "step_down_ended_on": DateInput(),
            **{f"d{n}_note": forms.Textarea(attrs={"rows": 2}) for n in range(1, 7)},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral_source"].choices = [("", "Not recorded yet")] + list(
            Assessment.ReferralSource.choices
        )
        for key, label in placement.DIMENSIONS:
            field = forms.TypedChoiceField(
                label=f"{key.upper()} {label}",
                choices=_RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[key] = field
            self.fields[f"{key}_note"].label = f"{key.upper()} note"
        for key in SCREENING_KEYS:
            screening = placement.SCREENINGS[key]
            self.fields[key] = forms.IntegerField(
                label=screening.name,
                required=False,
                help_text=f"{screening.low}–{screening.high}",
                widget=forms.NumberInput(
                    attrs={"min": screening.low, "max": screening.high, "inputmode": "numeric"}
                ),
                error_messages={"invalid": f"Enter the {screening.name} total as a whole number."},
            )
        self.fields["phq9_item9"].label = "PHQ-9 item 9 (thoughts of self-harm)"

    def clean_assessment_date(self):
        day = self.cleaned_data["assessment_date"]
        _not_in_future(day, "The assessment date can't be in the future.")
        return day

    def clean_step_down_ended_on(self):
        day = self.cleaned_data["step_down_ended_on"]
        _not_in_future(day, "The date care ended can't be in the future.")
        return day

    def clean(self):
        data = super().clean()
        ended, on = data.get("step_down_ended_on"), data.get("assessment_date")
        if ended and on and ended > on and "step_down_ended_on" not in self.errors:
            self.add_error(
                "step_down_ended_on",
                f"Care can't have ended after the assessment date ({_fmt(on)}).",
            )
        totals = {key: data.get(key) for key in SCREENING_KEYS if key not in self.errors}
        for key, message in placement.validate_screenings(totals).items():
            if key == "phq9_item9" and totals.get("phq9_item9") is None:
                continue  # a gap, not a wrong value: completing asks for it
            self.add_error(key, message)
        return data


class SubstanceForm(forms.ModelForm):
    class Meta:
        model = Substance
        fields = ["substance", "substance_other", "is_primary", "frequency", "route", "last_use"]
        widgets = {"last_use": DateInput()}
        labels = {"is_primary": "This is the primary substance"}

    def __init__(self, *args: Any, assessment_date: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment_date = assessment_date
        self.fields["substance"].choices = [("", "Choose…")] + list(Substance.Kind.choices)
        for name in ("frequency", "route"):
            self.fields[name].choices = [("", "Not recorded yet")] + list(
                self.fields[name].choices
            )[1:]
        self.fields["substance"].error_messages["required"] = (
            "Choose the substance, or clear this row."
        )

    def clean_last_use(self):
        day = self.cleaned_data["last_use"]
        _not_in_future(day, "The last use can't be in the future.")
        if day and self.assessment_date and day > self.assessment_date:
            raise forms.ValidationError(
                f"The last use can't be after the assessment date ({_fmt(self.assessment_date)})."
            )
        return day


class BaseSubstanceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        primaries = [
            form
            for form in self.forms
            if form.has_changed()
            and not self._should_delete_form(form)
            and form.cleaned_data.get("is_primary")
        ]
        if len(primaries) > 1:
            raise forms.ValidationError("Mark only one substance as the primary one.")
        posted = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        if (
            primaries
            and self.instance.pk
            and self.instance.substances.filter(is_primary=True).exclude(pk__in=posted).exists()
        ):
            # a row saved from another window (or a stale page) is primary already
            raise forms.ValidationError(
                "Another substance was marked as the primary one since this page opened. "
                "Reload the page, then choose the primary substance again."
            )


def substance_formset(
    *,
    assessment: Assessment,
    data: Any = None,
    assessment_date: date | None = None,
) -> forms.BaseInlineFormSet:
    has_rows = assessment.pk is not None and assessment.substances.exists()
    formset_class = inlineformset_factory(
        Assessment,
        Substance,
        form=SubstanceForm,
        formset=BaseSubstanceFormSet,
        extra=1 if has_rows else 2,
        max_num=12,
        absolute_max=12,  # a forged TOTAL_FORMS built 1,012 rows (12 s of CPU)
        validate_max=True,
        can_delete=True,
    )
    return formset_class(
        data,
        instance=assessment,
        prefix="substances",
        form_kwargs={"assessment_date": assessment_date or assessment.assessment_date},
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Corrections and additions are added with your name and the time; "
        "the signed assessment itself never changes.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the addendum first.")
        return text


# --- Decision and admission --------------------------------------------------------------


class PlacementDecisionForm(forms.Form):
    final_level = forms.ChoiceField(
        label="Final level of care", choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason for choosing a different level",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the final level differs from the recommendation.",
    )

    def __init__(self, *args: Any, recommended_level: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommended_level = recommended_level
        if not self.is_bound:
            self.initial.setdefault("final_level", recommended_level)
        self.fields["final_level"].choices = [
            (code, f"{label} (recommended)" if code == recommended_level else label)
            for code, label in LEVEL_CHOICES
        ]

    def clean(self):
        data = super().clean()
        final = data.get("final_level")
        data["reason"] = data.get("reason", "").strip()
        if final and final != self.recommended_level and not data["reason"]:
            recommended = placement.Level[self.recommended_level].label
            self.add_error(
                "reason",
                f"Explain why the final level differs from the recommendation ({recommended}).",
            )
        return data


class CounselorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def counselors():
    return User.objects.filter(groups__name=COUNSELOR, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Program) -> str:
        return f"{obj.name} ({obj.code})"


class AdmissionForm(forms.Form):
    program = ProgramChoiceField(label="Level of care", queryset=Program.objects.all())
    start_date = forms.DateField(label="Start date", widget=DateInput())
    primary_counselor = CounselorChoiceField(label="Primary counselor", queryset=counselors())

    MAX_DAYS_AHEAD = 60

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["primary_counselor"].queryset = counselors()
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if day > timezone.localdate() + timedelta(days=self.MAX_DAYS_AHEAD):
            raise forms.ValidationError(
                f"The start date can be at most {self.MAX_DAYS_AHEAD} days ahead."
            )
        last_end = max(
            (a.end_date for a in self.patient.admissions.all() if a.end_date), default=None
        )
        if last_end and day < last_end:
            raise forms.ValidationError(
                f"The previous admission ended on {_fmt(last_end)}; start on or after that day."
            )
        return day


class DischargeForm(forms.Form):
    end_date = forms.DateField(label="Discharge date", widget=DateInput())
    reason = forms.ChoiceField(label="Reason", choices=Admission.DischargeReason.choices)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, admission: Admission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = admission
        if not self.is_bound:
            self.initial.setdefault("end_date", timezone.localdate())

    def clean_end_date(self):
        day = self.cleaned_data["end_date"]
        _not_in_future(day, "The discharge date can't be in the future.")
        if day < self.admission.start_date:
            raise forms.ValidationError(
                f"The admission started on {_fmt(self.admission.start_date)}; "
                "the discharge can't be before that."
            )
        return day

    def clean(self):
        data = super().clean()
        if data.get("reason") == Admission.DischargeReason.OTHER and not data.get("note"):
            self.add_error("note", "Say why, since the reason is “Other”.")
        return data


class ChangeLevelForm(forms.Form):
    """Step-down or step-up: discharge from this level and admit to another, in one go."""

    program = ProgramChoiceField(label="New level of care", queryset=Program.objects.all())
    on = forms.DateField(label="Date of the change", widget=DateInput())
    primary_counselor = CounselorChoiceField(label="Primary counselor", queryset=counselors())
    note = forms.CharField(
        label="Why the change", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, admission: Admission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = admission
        self.fields["primary_counselor"].queryset = counselors()
        self.fields["program"].queryset = Program.objects.exclude(pk=admission.program_id)
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())
            self.initial.setdefault("primary_counselor", admission.primary_counselor_id)

    def clean_on(self):
        day = self.cleaned_data["on"]
        _not_in_future(day, "The change can't be dated in the future.")
        if day < self.admission.start_date:
            raise forms.ValidationError(
                f"The current admission started on {_fmt(self.admission.start_date)}; "
                "the change can't be before that."
            )
        return day

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say briefly why the level changes.")
        return note
