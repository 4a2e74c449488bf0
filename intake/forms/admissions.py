"""Admission, discharge and change of level."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.roles import COUNSELOR
from intake.forms.common import DateInput, _fmt, _not_in_future
from intake.models import (
    Admission,
    Patient,
)
from programs.models import Program


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
