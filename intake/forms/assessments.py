"""The intake assessment, its substances, addenda and the placement decision."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from accounts.validators import REASON_HELP, REASON_MAX_LENGTH, ReasonField, validate_reason
from intake import dates, placement
from intake.forms.common import DateInput, _fmt, _not_in_future, check_range
from intake.models import (
    LEVEL_CHOICES,
    SCREENING_KEYS,
    Assessment,
    PlacementDecision,
    Substance,
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
        first = self.instance.patient.first_contact_on()
        check_range(day, dates.assessment_date(first, timezone.localdate()))
        return day

    def clean_step_down_ended_on(self):
        day = self.cleaned_data["step_down_ended_on"]
        _not_in_future(day, "The date care ended can't be in the future.")
        if day is not None:
            check_range(day, dates.step_down_ended(timezone.localdate()))
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
        check_range(day, dates.last_use(None, self.assessment_date or timezone.localdate()))
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
    """A deliberate choice: no level is preselected, not even the recommended one."""

    final_level = forms.ChoiceField(
        label="Final level of care",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of care you decide on."},
    )
    reason = forms.CharField(
        label="Reason for choosing a different level",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the final level differs from the recommendation. " + REASON_HELP,
    )

    def __init__(self, *args: Any, recommended_level: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommended_level = recommended_level
        self.fields["final_level"].choices = [
            (code, f"{label} (recommended)" if code == recommended_level else label)
            for code, label in LEVEL_CHOICES
        ]

    def clean(self):
        data = super().clean()
        final = data.get("final_level")
        data["reason"] = " ".join(data.get("reason", "").split())
        if final and final != self.recommended_level:
            try:
                validate_reason(data["reason"])
            except forms.ValidationError as exc:
                recommended = placement.Level[self.recommended_level].label
                self.add_error(
                    "reason",
                    f"Explain why the final level differs from the recommendation "
                    f"({recommended}). {exc.messages[0]}",
                )
        else:
            data["reason"] = ""
        return data


class DecisionAmendmentForm(forms.Form):
    """Correct a decision recorded by mistake: the corrected level and why."""

    new_level = forms.ChoiceField(
        label="Corrected level of care",
        choices=LEVEL_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the corrected level of care."},
    )
    reason = ReasonField(label="Why the decision is corrected")

    def __init__(self, *args: Any, decision: PlacementDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.fields["new_level"].choices = [
            (code, label) for code, label in LEVEL_CHOICES if code != decision.final_level
        ]
