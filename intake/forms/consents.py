"""Part 2 consents, their revocation, and disclosures made under them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from accounts.validators import ReasonField
from intake import dates
from intake.forms.common import ConfirmStep, DateInput, _fmt, _not_in_future, check_range
from intake.models import (
    AT_PATIENT_REQUEST,
    Assessment,
    Consent,
    Disclosure,
    Patient,
    RecordKind,
)


class ConsentForm(forms.ModelForm):
    """Records a signed consent of one of the three kinds (docs/part2.md "Consent kinds")."""

    at_patient_request = forms.BooleanField(
        label="At the request of the patient",
        required=False,
        help_text="The patient asked for the disclosure and gave no other purpose.",
    )

    class Meta:
        model = Consent
        fields = [
            "kind",
            "recipient",
            "recipient_is_class",
            "purpose",
            "information",
            "covers_assessment",
            "covers_attendance",
            "covers_treatment_plan",
            "signed_on",
            "expires_on",
            "expiry_event",
            "expiry_event_detail",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "information": forms.Textarea(attrs={"rows": 2}),
            "signed_on": DateInput(),
            "expires_on": DateInput(),
        }
        help_texts = {
            "kind": "A TPO consent covers treatment, payment and health care operations until "
            "revoked; SUD counseling notes need a consent of their own.",
            "recipient": "A person or organization, or a class of recipients (e.g. “my "
            "treating providers”). For a TPO consent, leave it empty for the rule's wording: "
            "my treating providers, health plans, third-party payers, and people helping "
            "to operate this program.",
            "purpose": "A TPO consent's purpose is filled in for you.",
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
        # a post without a kind (the radio always sends one) records the usual kind
        self.fields["kind"].required = False
        self.initial.setdefault("kind", Consent.Kind.RECIPIENT)
        # the kind fills these in for a TPO consent; the model says what is missing
        self.fields["recipient"].required = False
        self.fields["purpose"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "kind",
            "recipient",
            "recipient_is_class",
            "purpose",
            "at_patient_request",
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
                "covers_treatment_plan",
            ),
            "signed_on",
            "expires_on",
            "expiry_event",
            "expiry_event_detail",
        )

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        _not_in_future(signed, "The signing date can't be in the future.")
        check_range(signed, dates.consent_signed(timezone.localdate()))
        return signed

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or Consent.Kind.RECIPIENT
        if data.get("at_patient_request") and not (data.get("purpose") or "").strip():
            data["purpose"] = AT_PATIENT_REQUEST
        expires, event = data.get("expires_on"), data.get("expiry_event")
        signed = data.get("signed_on")
        if not expires and not event and "expires_on" not in self.errors:
            self.add_error("expires_on", "Give an expiry date or an expiry event.")
        if expires and signed and expires < signed:
            self.add_error("expires_on", "The consent can't expire before it was signed.")
        elif expires and signed and "expires_on" not in self.errors:
            message = dates.consent_expires(signed).error(expires)
            if message:
                self.add_error("expires_on", message)
        if event == Consent.ExpiryEvent.OTHER and not data.get("expiry_event_detail", "").strip():
            self.add_error("expiry_event_detail", "Describe the event that ends the consent.")
        return data


class RevokeConsentForm(ConfirmStep):
    """The revocation date and why; a summary to confirm comes before anything changes."""

    revoked_on = forms.DateField(label="Revoked on", widget=DateInput())
    reason = ReasonField(label="Why it is revoked")

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
            no_assessment = (Disclosure.What.ASSESSMENT, Disclosure.What.BOTH)
            what.choices = [c for c in Disclosure.What.choices if c[0] not in no_assessment]
            what.help_text = "There is no signed assessment yet, so it can't be sent."
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
        elif start and "attendance_from" not in self.errors:
            message = dates.attendance_window(self.today).error(start)
            if message:
                self.add_error("attendance_from", message)
        return data


def consent_label(consent: Consent) -> str:
    kind = "TPO consent · " if consent.is_tpo else ""
    return (
        f"{kind}{consent.recipient}: {consent.purpose_display} · "
        f"may send {consent.covered_display} · "
        f"signed {_fmt(consent.signed_on)}, until {consent.expiry_display}"
    )
