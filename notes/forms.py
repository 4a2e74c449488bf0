from __future__ import annotations

from django import forms
from django.utils import formats

from notes.models import FORMAT_FIELDS, SessionNote

PART_MAX_LENGTH = 5000
PART_HELP = {
    "data": "What the patient said and did, and what you observed.",
    "assessment": "Your reading of it: progress toward the plan's objectives, risks.",
    "behavior": "What the patient said and did, and what you observed.",
    "intervention": "What you did in the session.",
    "response": "How the patient responded to it.",
    "plan": "What comes next for this patient.",
}


def objective_label(objective) -> str:
    return f"{objective.text} (by {formats.date_format(objective.target_date, 'M j')})"


class SharedPartForm(forms.ModelForm):
    """The part of a group's note written once: the topic and what the group did."""

    prefix = "shared"

    class Meta:
        model = SessionNote
        fields = ["topic", "group_work"]
        labels = {"topic": "Topic", "group_work": "What the group did"}
        widgets = {"group_work": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_work"].max_length = PART_MAX_LENGTH
        self.fields["group_work"].widget.attrs["maxlength"] = PART_MAX_LENGTH


class ProgressNoteForm(forms.Form):
    """One patient's individual part, with the parts of the clinic's note format."""

    confirm_similar = forms.BooleanField(
        label="I have checked this note: sign it although it is nearly identical to another.",
        required=False,
    )

    def __init__(
        self, *args, note_format: str, patient_name: str, objectives: list = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        confirm = self.fields.pop("confirm_similar")
        if objectives:
            self.fields["objectives"] = forms.TypedMultipleChoiceField(
                label="Plan objectives addressed",
                choices=[(o.pk, objective_label(o)) for o in objectives],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="At least one, before signing: the objectives of the current "
                "treatment plan this session worked on.",
            )
        for name in FORMAT_FIELDS[note_format]:
            self.fields[name] = forms.CharField(
                label=name.capitalize(),
                required=False,
                max_length=PART_MAX_LENGTH,
                strip=True,
                help_text=PART_HELP[name],
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["confirm_similar"] = confirm
        self.patient_name = patient_name

    def parts(self) -> dict[str, str]:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("confirm_similar", "objectives")
        }

    def objective_ids(self) -> list[int] | None:
        """The objectives ticked (None when the patient has no signed plan to name)."""
        return self.cleaned_data.get("objectives") if "objectives" in self.fields else None


class SignAllForm(forms.Form):
    confirm_similar = forms.BooleanField(
        label="Sign nearly identical notes as they are (each is recorded).", required=False
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=PART_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A dated correction or addition; the signed note stays as it was.",
    )


class CounselingNoteForm(forms.Form):
    text = forms.CharField(
        label="SUD counseling note",
        max_length=PART_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Private: only you and the clinical director can read it; "
        "never disclosed unless a consent names SUD counseling notes.",
    )


class LicensureForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    licensed = forms.TypedChoiceField(
        choices=[("yes", "Licensed"), ("no", "Not yet licensed")],
        coerce=lambda value: value == "yes",
    )
