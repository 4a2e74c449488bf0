from __future__ import annotations

import re
import uuid

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from accounts.models import AuditEvent

MRN_RE = re.compile(r"^(?:mrn-?)?0*(\d{1,9})$", re.IGNORECASE)


def find_patient_uuid(value: str, *, allow_mrn: bool) -> uuid.UUID | None:
    """A patient's UUID from a typed UUID or (when allowed) an MRN such as MRN-000123."""
    Patient = apps.get_model("intake", "Patient")
    try:
        wanted = uuid.UUID(value)
    except ValueError:
        match = MRN_RE.match(value) if allow_mrn else None
        if match is None:
            return None
        mrn = f"MRN-{int(match.group(1)):06d}"
        return Patient.objects.filter(mrn=mrn).values_list("uuid", flat=True).first()
    return wanted if Patient.objects.filter(uuid=wanted).exists() else None


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class AuditFilterForm(forms.Form):
    """The audit page's filters. Typed into a POST form (an MRN never enters a URL); the
    page then shows the results at a URL carrying only the patient's UUID."""

    patient = forms.CharField(
        required=False,
        max_length=64,
        label="Patient",
        help_text="MRN (for example MRN-000123) or the record's ID.",
    )
    actor = StaffChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        label="Staff member",
        empty_label="Anyone",
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, allow_mrn: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_mrn = allow_mrn

    def clean_patient(self) -> uuid.UUID | None:
        value = self.cleaned_data["patient"].strip()
        if not value:
            return None
        found = find_patient_uuid(value, allow_mrn=self.allow_mrn)
        if found is None:
            raise forms.ValidationError("No patient has that MRN or ID.")
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def as_query(self) -> dict[str, str]:
        """The cleaned filters as URL parameters (the patient by UUID only)."""
        data = self.cleaned_data
        query = {
            "patient": str(data["patient"]) if data.get("patient") else "",
            "actor": str(data["actor"].pk) if data.get("actor") else "",
            "action": data.get("action") or "",
            "start": data["start"].isoformat() if data.get("start") else "",
            "end": data["end"].isoformat() if data.get("end") else "",
        }
        return {key: value for key, value in query.items() if value}


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's: Django sets
    the field's max_length without its validator, and django-axes stores every failed
    username in a varchar(255) (a longer one was a 500)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class SetupForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="After adding the account, type the 6-digit code the app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
