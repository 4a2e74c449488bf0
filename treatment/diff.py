"""What changed between two versions of a plan, row by row (matched by `row_key`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from treatment.models import TreatmentPlan

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    kind: str  # "Problem", "Goal", "Objective", "Intervention"
    change: str  # ADDED, REMOVED, CHANGED
    text: str  # the row as it reads now (or read, when removed)
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)


# kind -> the fields compared, with their labels
FIELDS = {
    "Problem": (("statement", "Problem"), ("dimensions", "ASAM dimensions")),
    "Goal": (("text", "Goal"), ("parent", "Problem")),
    "Objective": (
        ("text", "Objective"),
        ("target_date", "Target date"),
        ("status", "Status"),
        ("parent", "Goal"),
    ),
    "Intervention": (
        ("what", "What"),
        ("how_often", "How often"),
        ("who", "Who"),
        ("parent", "Problem"),
    ),
}


def plan_rows(plan: TreatmentPlan) -> dict[str, dict]:
    """kind -> {row_key: {field: text}} for a plan whose rows are prefetched (or not:
    three queries then)."""
    rows: dict[str, dict] = {kind: {} for kind in FIELDS}
    for problem in plan.problems.all():
        rows["Problem"][problem.row_key] = {
            "statement": problem.statement,
            "dimensions": problem.dimensions_display(),
        }
        for goal in problem.goals.all():
            rows["Goal"][goal.row_key] = {"text": goal.text, "parent": _short(problem.statement)}
            for objective in goal.objectives.all():
                rows["Objective"][objective.row_key] = {
                    "text": objective.text,
                    "target_date": f"{objective.target_date:%b} {objective.target_date.day}, "
                    f"{objective.target_date.year}",
                    "status": objective.get_status_display(),
                    "parent": _short(goal.text),
                }
        for intervention in problem.interventions.all():
            rows["Intervention"][intervention.row_key] = {
                "what": intervention.what,
                "how_often": intervention.how_often,
                "who": intervention.who,
                "parent": _short(problem.statement),
            }
    return rows


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _headline(kind: str, values: dict) -> str:
    return values.get("statement") or values.get("text") or values.get("what", "")


def diff_rows(before: dict[str, dict], after: dict[str, dict]) -> list[RowChange]:
    """Every row added, removed or changed, kind by kind, in the order of the new plan."""
    changes: list[RowChange] = []
    for kind, fields in FIELDS.items():
        old, new = before.get(kind, {}), after.get(kind, {})
        for key, values in new.items():
            if key not in old:
                changes.append(RowChange(kind, ADDED, _headline(kind, values)))
                continue
            changed = tuple(
                FieldChange(label, old[key][name], values[name])
                for name, label in fields
                if old[key][name] != values[name]
            )
            if changed:
                changes.append(RowChange(kind, CHANGED, _headline(kind, values), changed))
        for key, values in old.items():
            if key not in new:
                changes.append(RowChange(kind, REMOVED, _headline(kind, values)))
    return changes


def diff_plans(previous: TreatmentPlan, plan: TreatmentPlan) -> list[RowChange]:
    return diff_rows(plan_rows(previous), plan_rows(plan))
