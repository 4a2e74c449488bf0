"""Forms of the outcomes pages: a measure item by item, medications, drug screens."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone

from accounts.validators import validate_date_between
from intake.forms import DateInput, DateTimeInput
from outcomes import scales
from outcomes.models import STANDARD_PANEL, Medication, PanelSubstance, ScreenOrder, ScreenResult
from scheduling import clinictime
from scheduling.forms import ClinicDatesMixin

LOOKBACK_DAYS = 366  # a measure or a collection entered late, not years late


def item_field_name(key: str) -> str:
    return f"item_{key}"


class MeasureForm(forms.Form):
    """A measure's items one by one, each with its wording and answer scale; the answers
    are checked against each other (outcomes.scales.check_answers)."""

    taken_on = forms.DateField(label="Date given", widget=DateInput())

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        days = scales.VERSION_DAYS.get(kind, 30)
        for item in scales.ITEMS[kind]:
            label = f"{item.key.upper()}. {item.wording(days)}"
            if item.answer == "days":
                field: forms.Field = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=days,
                    help_text=f"Number of days, 0 to {days}.",
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            else:
                field = forms.TypedChoiceField(
                    label=label,
                    coerce=int,
                    choices=[(str(i), text) for i, text in enumerate(item.choices)],
                    widget=forms.RadioSelect,
                )
            self.fields[item_field_name(item.key)] = field
        if not self.is_bound:
            self.initial.setdefault("taken_on", clinictime.today())

    def clean_taken_on(self) -> date:
        day = self.cleaned_data["taken_on"]
        today = clinictime.today()
        validate_date_between(
            day, earliest=today - timedelta(LOOKBACK_DAYS), latest=today, what="The date given"
        )
        return day

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        answers = self.answers()
        for key, message in scales.check_answers(self.kind, answers).items():
            name = item_field_name(key)
            if name in cleaned:  # a field already refused keeps its own message
                self.add_error(name, message)
        return cleaned

    def answers(self) -> dict[str, int | None]:
        data = getattr(self, "cleaned_data", {})
        return {item.key: data.get(item_field_name(item.key)) for item in scales.ITEMS[self.kind]}

    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item.key)] for item in scales.ITEMS[self.kind]]


class MedicationForm(ClinicDatesMixin, forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "purpose", "prescriber", "tests_as", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {"name": "Medication", "tests_as": "Shows on a drug screen as"}

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date can't be before the start date.")
        return cleaned


class ScreenOrderForm(ClinicDatesMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Kind",
        choices=[
            (ScreenOrder.Reason.SCHEDULED, "Scheduled"),
            (ScreenOrder.Reason.AD_HOC, "Ad hoc"),
        ],
        widget=forms.RadioSelect,
        help_text="Random screens are drawn by the app each week.",
    )
    due_on = forms.DateField(label="Due", widget=DateInput())
    specimen = forms.ChoiceField(choices=ScreenOrder.Specimen.choices, widget=forms.RadioSelect)
    observed = forms.BooleanField(label="Observed collection", required=False)
    panel = forms.MultipleChoiceField(
        label="Panel (substances tested)",
        choices=PanelSubstance.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                due_on=clinictime.today(),
                specimen=ScreenOrder.Specimen.URINE,
                reason=ScreenOrder.Reason.AD_HOC,
                panel=list(STANDARD_PANEL),
            )

    def clean_due_on(self) -> date:
        day = self.cleaned_data["due_on"]
        today = clinictime.today()
        validate_date_between(
            day, earliest=today - timedelta(7), latest=today + timedelta(90), what="The due date"
        )
        return day


class CollectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[("collected", "Specimen collected"), ("refused", "Patient refused")],
        widget=forms.RadioSelect,
    )
    collected_at = forms.DateTimeField(
        label="When", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                outcome="collected",
                collected_at=clinictime.local(timezone.now()).replace(second=0, microsecond=0),
            )

    def clean_collected_at(self) -> datetime:
        moment = self.cleaned_data["collected_at"]
        local = clinictime.local(moment)
        today = clinictime.today()
        validate_date_between(
            local.date(), earliest=today - timedelta(LOOKBACK_DAYS), latest=today, what="The time"
        )
        return moment


class ResultsForm(forms.Form):
    """One result per substance of the order's panel."""

    def __init__(self, *args, order: ScreenOrder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PanelSubstance.choices)
        for substance in order.panel:
            self.fields[f"result_{substance}"] = forms.ChoiceField(
                label=labels.get(substance, substance),
                choices=ScreenResult.Outcome.choices,
                widget=forms.RadioSelect,
            )
        if not self.is_bound:
            self.initial.update(dict.fromkeys(self.fields, ScreenResult.Outcome.NEGATIVE))

    def outcomes(self) -> dict[str, str]:
        return {name.removeprefix("result_"): value for name, value in self.cleaned_data.items()}


class SobrietyForm(forms.Form):
    sober_since = forms.DateField(
        label="Sober since (as the patient reports it)", widget=DateInput()
    )

    def clean_sober_since(self) -> date:
        day = self.cleaned_data["sober_since"]
        today = clinictime.today()
        validate_date_between(
            day, earliest=date(1950, 1, 1), latest=today, what="The sobriety date"
        )
        return day


class DashboardFilterForm(ClinicDatesMixin, forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    program = forms.ChoiceField(label="Program", required=False)

    def __init__(self, *args, programs: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "All programs"), *programs]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date can't be before the start date.")
        return cleaned
