"""Patient search and the patient record form."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from accounts.validators import ReasonField
from intake.forms.common import (
    _ZIP,
    SEARCH_MAX_LENGTH,
    US_STATES,
    ConfirmStep,
    DateInput,
    clean_us_phone,
)
from intake.models import (
    Patient,
)
from intake.models.patients import _MRN_RE, format_mrn

# --- Search ------------------------------------------------------------------------------


class SearchForm(forms.Form):
    """Search terms travel in a POST body, never in a URL (see intake/views/__init__.py)."""

    q = forms.CharField(
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        strip=True,
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


# --- Patients -----------------------------------------------------------------------------


class PatientForm(forms.ModelForm):
    confirm_different_person = forms.BooleanField(
        label="This is a different person", required=False
    )

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


class MergePatientForm(ConfirmStep):
    """The other record of this person, by its MRN, and why the two are one person."""

    other_mrn = forms.CharField(
        label="MRN of the duplicate record",
        max_length=20,
        help_text="Everything on that record moves to this one, and that record goes.",
    )
    reason = ReasonField(label="Why these are one person")

    def __init__(self, *args: Any, survivor: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survivor = survivor

    def clean_other_mrn(self) -> Patient:
        text = self.cleaned_data["other_mrn"].strip()
        match = _MRN_RE.match(text)
        duplicate = (
            Patient.objects.filter(mrn=format_mrn(int(match.group(1)))).first() if match else None
        )
        if duplicate is None:
            raise forms.ValidationError("No record has that MRN; check it (e.g. MRN-001234).")
        if duplicate.pk == self.survivor.pk:
            raise forms.ValidationError(
                "That is this same record; enter the MRN of the other record."
            )
        return duplicate
