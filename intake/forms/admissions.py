"""Admission, discharge and change of level."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.roles import COUNSELOR
from accounts.validators import ReasonField, validate_reason
from intake import dates
from intake.forms.common import ConfirmStep, DateInput, check_range
from intake.models import Admission, Patient, PlacementDecision
from programs.models import Program


class CounselorChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "Choose a counselor…")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


def counselors():
    return User.objects.filter(groups__name=COUNSELOR, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Program) -> str:
        return f"{obj.name} ({obj.code})"


def _previous_end(patient: Patient):
    return max((a.end_date for a in patient.admissions.all() if a.end_date), default=None)


class AdmissionForm(forms.Form):
    """Admit on the latest decision; another level needs a reason, no decision a transfer."""

    program = ProgramChoiceField(label="Level of care", queryset=Program.objects.all())
    start_date = forms.DateField(label="Start date", widget=DateInput())
    primary_counselor = CounselorChoiceField(label="Primary counselor", queryset=counselors())
    override_reason = forms.CharField(
        label="Reason for a level other than the decision",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when the level differs from the placement decision.",
    )
    transfer_kind = forms.ChoiceField(
        label="Kind of transfer",
        choices=[("", "Not a transfer")] + list(Admission.TransferKind.choices),
        required=False,
    )
    transfer_from = forms.CharField(label="Transferred from", max_length=200, required=False)
    transfer_care_ended_on = forms.DateField(
        label="Date the other care ended", required=False, widget=DateInput()
    )
    transfer_reason = forms.CharField(
        label="Why admit without our own assessment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    TRANSFER_FIELDS = (
        "transfer_kind",
        "transfer_from",
        "transfer_care_ended_on",
        "transfer_reason",
    )

    def __init__(
        self, *args: Any, patient: Patient, decision: PlacementDecision | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient, self.decision = patient, decision
        self.fields["primary_counselor"].queryset = counselors()
        if decision is None:
            del self.fields["override_reason"]
            self.fields["transfer_kind"].choices = list(Admission.TransferKind.choices)
            self.fields["transfer_kind"].required = True
        else:
            for name in self.TRANSFER_FIELDS:
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("start_date", timezone.localdate())

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        allowed = dates.admission_start(
            self.patient.first_contact_on(), _previous_end(self.patient), timezone.localdate()
        )
        check_range(day, allowed)
        return day

    def clean(self):
        data = super().clean()
        if self.decision is not None:
            self._clean_override(data)
        else:
            self._clean_transfer(data)
        return data

    def _clean_override(self, data: dict) -> None:
        program = data.get("program")
        if program is None or program.code == self.decision.final_level:
            data["override_reason"] = ""
            return
        try:
            validate_reason(data.get("override_reason", ""))
        except forms.ValidationError as exc:
            decided = self.decision.final_level_label
            self.add_error(
                "override_reason",
                f"The decision was {decided}; say why the patient starts at another level. "
                + exc.messages[0],
            )

    def _clean_transfer(self, data: dict) -> None:
        if not data.get("transfer_from", "").strip():
            self.add_error("transfer_from", "Name the provider the patient comes from.")
        ended, start = data.get("transfer_care_ended_on"), data.get("start_date")
        if ended is None and "transfer_care_ended_on" not in self.errors:
            self.add_error("transfer_care_ended_on", "Give the date the other care ended.")
        elif ended and start:
            message = dates.transfer_care_ended(start).error(ended)
            if message:
                self.add_error("transfer_care_ended_on", message)
        try:
            validate_reason(data.get("transfer_reason", ""))
        except forms.ValidationError as exc:
            self.add_error("transfer_reason", exc.messages[0])


class DischargeForm(ConfirmStep):
    end_date = forms.DateField(label="Discharge date", widget=DateInput())
    reason = forms.ChoiceField(label="Reason", choices=Admission.DischargeReason.choices)
    note = ReasonField(label="What happened")

    def __init__(self, *args: Any, admission: Admission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = admission
        if not self.is_bound:
            self.initial.setdefault("end_date", timezone.localdate())

    @property
    def reason_label(self) -> str:
        return Admission.DischargeReason(self.cleaned_data["reason"]).label

    def clean_end_date(self):
        day = self.cleaned_data["end_date"]
        check_range(day, dates.discharge(self.admission.start_date, timezone.localdate()))
        return day


class PlannedDischargeForm(forms.Form):
    """The day the discharge is planned for; empty clears the plan."""

    planned_discharge_date = forms.DateField(
        label="Planned discharge date",
        required=False,
        widget=DateInput(),
        help_text="Leave it empty to clear the plan. The discharge PHQ-9 and GAD-7 "
        "come due in the week before this day.",
    )

    def __init__(self, *args: Any, admission: Admission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admission = admission
        if not self.is_bound:
            self.initial.setdefault("planned_discharge_date", admission.planned_discharge_date)

    def clean_planned_discharge_date(self):
        day = self.cleaned_data["planned_discharge_date"]
        check_range(day, dates.planned_discharge(self.admission.start_date, timezone.localdate()))
        return day


class ChangeLevelForm(forms.Form):
    """Step-down or step-up: discharge from this level and admit to another, in one go."""

    program = ProgramChoiceField(label="New level of care", queryset=Program.objects.all())
    on = forms.DateField(label="Date of the change", widget=DateInput())
    primary_counselor = CounselorChoiceField(label="Primary counselor", queryset=counselors())
    note = ReasonField(label="Why the change")

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
        check_range(day, dates.level_change(self.admission.start_date, timezone.localdate()))
        return day
