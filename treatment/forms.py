"""Forms of diagnosis and treatment plans.

The plan page is four flat formsets, one per kind of row; a goal names its problem, an
objective its goal and an intervention its problem by their number on the page. The
"Add a ..." and "Remove" buttons post the page back; `PlanEditor` turns what was typed
into rows, adds or removes one (a removed problem takes its goals, objectives and
interventions with it) and renders them again unvalidated, so nothing typed is lost and
no error shows for a row just added.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from accounts.validators import ReasonField, validate_date_between
from treatment import icd
from treatment.models import DIMENSION_CHOICES, Diagnosis, Objective, TreatmentPlan
from treatment.services import (
    GoalRow,
    InterventionRow,
    ObjectiveRow,
    PlanRows,
    ProblemRow,
)

MAX_ROWS = 40  # per kind; a forged TOTAL_FORMS builds no more
TEXT_MAX = 2000


class DiagnosisForm(forms.Form):
    substance = forms.ChoiceField(label="Substance", choices=icd.SUBSTANCE_CHOICES)
    severity = forms.ChoiceField(
        label="Severity (DSM-5)",
        choices=Diagnosis.Severity.choices,
        widget=forms.RadioSelect,
        help_text="Mild: 2-3 criteria; moderate: 4-5; severe: 6 or more.",
    )
    early_remission = forms.BooleanField(
        label="In early remission",
        required=False,
        help_text="Your clinical judgement: the app never infers it.",
    )
    reason = ReasonField(
        label="Reason",
        required=False,
        help_text="Needed when the code differs from the proposal, or to change a diagnosis "
        "on record. Write a sentence.",
    )


class RowForm(forms.Form):
    row_key = forms.UUIDField(required=False, widget=forms.HiddenInput)


def _text(label: str, *, rows: int = 2, max_length: int = TEXT_MAX) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def _parent_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, choices=[])


class ProblemForm(RowForm):
    statement = _text("Problem, in the patient's words")
    dimensions = forms.MultipleChoiceField(
        label="ASAM dimensions",
        choices=DIMENSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tie the problem to at least one ASAM dimension."},
    )


class GoalForm(RowForm):
    problem = _parent_field("For problem")
    text = _text("Goal, in the patient's words")


class ObjectiveForm(RowForm):
    goal = _parent_field("For goal")
    text = _text("Measurable objective")
    target_date = forms.DateField(
        label="Target date", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label="Status", choices=Objective.Status.choices)

    def __init__(self, *args: Any, earliest: date, latest: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest

    def clean_target_date(self) -> date:
        day = self.cleaned_data["target_date"]
        validate_date_between(
            day, earliest=self.earliest, latest=self.latest, what="The target date"
        )
        return day


class InterventionForm(RowForm):
    problem = _parent_field("For problem")
    what = forms.CharField(label="What", max_length=200)
    how_often = forms.CharField(label="How often", max_length=120)
    who = forms.CharField(label="Who", max_length=120)


# prefix -> (form, parent field, prefix of the parent level, label of a parent)
LEVELS: dict[str, tuple[type[RowForm], str | None, str | None, str]] = {
    "problems": (ProblemForm, None, None, "Problem"),
    "goals": (GoalForm, "problem", "problems", "Goal"),
    "objectives": (ObjectiveForm, "goal", "goals", "Objective"),
    "interventions": (InterventionForm, "problem", "problems", "Intervention"),
}
ADD_LABELS = {
    "problems": "Add a problem",
    "goals": "Add a goal",
    "objectives": "Add an objective",
    "interventions": "Add an intervention",
}


def _field_names(form_class: type[RowForm]) -> list[str]:
    return list(form_class.base_fields)


def _int(value: Any, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class PlanEditor:
    """The four formsets of a draft plan, from the saved rows or from a posted page."""

    def __init__(self, plan: TreatmentPlan, data: Any = None) -> None:
        self.plan = plan
        self.data = data
        today = timezone.localdate()
        created = timezone.localdate(plan.created_at) if plan.created_at else today
        self.earliest = created - timedelta(days=365)
        self.latest = today + timedelta(days=2 * 365)

    # -- reading rows -------------------------------------------------------------

    def saved_rows(self) -> dict[str, list[dict]]:
        """The plan's rows as the initial data of the four formsets (three queries)."""
        rows: dict[str, list[dict]] = {prefix: [] for prefix in LEVELS}
        problems = list(self.plan.problems.prefetch_related("goals__objectives", "interventions"))
        for p_index, problem in enumerate(problems):
            rows["problems"].append(
                {"row_key": problem.row_key, "statement": problem.statement,
                 "dimensions": list(problem.dimensions)}
            )  # fmt: skip
            for goal in problem.goals.all():
                rows["goals"].append(
                    {"row_key": goal.row_key, "problem": p_index, "text": goal.text}
                )
                g_index = len(rows["goals"]) - 1
                for o in goal.objectives.all():
                    rows["objectives"].append(
                        {"row_key": o.row_key, "goal": g_index, "text": o.text,
                         "target_date": o.target_date, "status": o.status}
                    )  # fmt: skip
            for i in problem.interventions.all():
                rows["interventions"].append(
                    {"row_key": i.row_key, "problem": p_index, "what": i.what,
                     "how_often": i.how_often, "who": i.who}
                )  # fmt: skip
        return rows

    def posted_rows(self) -> dict[str, list[dict]]:
        """What the page sent, as typed (nothing validated), at most MAX_ROWS a kind."""
        rows: dict[str, list[dict]] = {}
        for prefix, (form_class, *_rest) in LEVELS.items():
            total = min(max(_int(self.data.get(f"{prefix}-TOTAL_FORMS"), 0), 0), MAX_ROWS)
            level = []
            for n in range(total):
                row = {}
                for name in _field_names(form_class):
                    key = f"{prefix}-{n}-{name}"
                    row[name] = (
                        self.data.getlist(key) if name == "dimensions" else self.data.get(key, "")
                    )
                level.append(row)
            rows[prefix] = level
        return rows

    # -- adding and removing --------------------------------------------------------

    @staticmethod
    def add(rows: dict[str, list[dict]], prefix: str) -> dict[str, list[dict]]:
        if prefix not in LEVELS or len(rows[prefix]) >= MAX_ROWS:
            return rows
        _form, parent, parent_prefix, _label = LEVELS[prefix]
        new: dict[str, Any] = {}
        if prefix == "objectives":
            new["status"] = Objective.Status.NOT_STARTED
        if parent and rows[parent_prefix]:
            new[parent] = len(rows[parent_prefix]) - 1  # under the last one, usually right
        rows[prefix].append(new)
        return rows

    @classmethod
    def remove(cls, rows: dict[str, list[dict]], prefix: str, index: int) -> dict[str, list[dict]]:
        """Remove one row and everything under it; renumber what pointed past it."""
        if prefix not in LEVELS or not 0 <= index < len(rows[prefix]):
            return rows
        del rows[prefix][index]
        for child_prefix, (_f, parent, parent_prefix, _l) in LEVELS.items():
            if parent_prefix != prefix:
                continue
            children = rows[child_prefix]
            for n in reversed(range(len(children))):
                pointer = _int(children[n].get(parent))
                if pointer == index:
                    cls.remove(rows, child_prefix, n)
                elif pointer > index:
                    children[n][parent] = pointer - 1
        return rows

    # -- formsets --------------------------------------------------------------------

    def formsets(self, rows: dict[str, list[dict]] | None = None, *, bound: bool = False) -> dict:
        """The four formsets: bound to the posted data (to validate and show errors),
        or unbound with `rows` as their initial data."""
        counts = {
            prefix: len(rows[prefix]) if rows is not None else
            min(max(_int(self.data.get(f"{prefix}-TOTAL_FORMS"), 0), 0), MAX_ROWS)
            for prefix in LEVELS
        }  # fmt: skip
        built = {}
        for prefix, (form_class, parent, parent_prefix, _label) in LEVELS.items():
            formset_class = formset_factory(
                form_class, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
            )
            kwargs: dict[str, Any] = {"prefix": prefix}
            if form_class is ObjectiveForm:
                kwargs["form_kwargs"] = {"earliest": self.earliest, "latest": self.latest}
            formset = (
                formset_class(self.data, **kwargs)
                if bound
                else formset_class(initial=rows[prefix] if rows else [], **kwargs)
            )
            if parent:
                label = LEVELS[parent_prefix][3]
                choices = [(n, f"{label} {n + 1}") for n in range(counts[parent_prefix])]
                for form in [*formset.forms, formset.empty_form]:
                    form.fields[parent].choices = choices
            built[prefix] = formset
        return built

    def clean_rows(self, formsets: dict) -> PlanRows | None:
        """The rows of valid formsets, or None (errors are on the forms)."""
        if not all(formset.is_valid() for formset in formsets.values()):
            return None
        data = {prefix: [f.cleaned_data for f in formsets[prefix].forms] for prefix in LEVELS}
        return PlanRows(
            problems=[
                ProblemRow(d["statement"], list(d["dimensions"]), d["row_key"])
                for d in data["problems"]
            ],
            goals=[GoalRow(d["problem"], d["text"], d["row_key"]) for d in data["goals"]],
            objectives=[
                ObjectiveRow(d["goal"], d["text"], d["target_date"], d["status"], d["row_key"])
                for d in data["objectives"]
            ],
            interventions=[
                InterventionRow(d["problem"], d["what"], d["how_often"], d["who"], d["row_key"])
                for d in data["interventions"]
            ],
        )


class PatientSignatureForm(forms.Form):
    typed_name = forms.CharField(
        label="Patient's full name, typed by the patient",
        max_length=200,
        help_text="As on the record (legal name).",
    )
    attested = forms.BooleanField(
        label="I have read this treatment plan, helped write it, and agree to it.",
        required=True,
        error_messages={"required": "The patient must confirm the statement by ticking the box."},
    )


class DeclineForm(forms.Form):
    reason = ReasonField(label="Why the patient declined to sign")
