"""Forms of the inquiry queue: contact attempts, booking, closing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from accounts.validators import ReasonField
from intake.forms.common import DateTimeInput
from intake.models import (
    ContactAttempt,
    Inquiry,
)

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


class ReopenInquiryForm(forms.Form):
    reason = ReasonField(label="Why reopen it?")
