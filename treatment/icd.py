"""DSM-5 substance use disorder -> ICD-10-CM code: the table claims use (pure, no ORM).

mild = F1x.10, moderate or severe = F1x.20, where x names the substance class; "in early
remission" (F1x.11 / F1x.21) is the clinician's choice, never inferred. Tobacco (F17) is
not treated by the clinic, so nicotine proposes no diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.placement import count_criteria, severity_for

# substance class -> (ICD-10-CM digit x in F1x, name in the diagnosis)
CLASSES: dict[str, tuple[int, str]] = {
    "alcohol": (0, "Alcohol"),
    "opioids": (1, "Opioid"),
    "cannabis": (2, "Cannabis"),
    "sedatives": (3, "Sedative, hypnotic or anxiolytic"),
    "cocaine": (4, "Cocaine"),
    "stimulants": (5, "Other stimulant"),
    "hallucinogens": (6, "Hallucinogen"),
    "inhalants": (8, "Inhalant"),
    "other": (9, "Other (or unknown) substance"),
}
SUBSTANCE_CHOICES = [(key, name) for key, (_, name) in CLASSES.items()]

# intake's substance kinds (intake.models.Substance.Kind) -> substance class
FROM_INTAKE_KIND: dict[str, str | None] = {
    "alcohol": "alcohol",
    "opioids": "opioids",
    "rx_opioids": "opioids",
    "methamphetamine": "stimulants",
    "cocaine": "cocaine",
    "cannabis": "cannabis",
    "sedatives": "sedatives",
    "hallucinogens": "hallucinogens",
    "inhalants": "inhalants",
    "nicotine": None,
    "other": "other",
}

SEVERITIES = ("mild", "moderate", "severe")


def code_for(*, substance: str, severity: str, early_remission: bool = False) -> str:
    """The ICD-10-CM code of a substance class at a DSM-5 severity."""
    if substance not in CLASSES:
        raise ValueError(f"Unknown substance class: {substance!r}.")
    if severity not in SEVERITIES:
        raise ValueError(f"No diagnosis at severity {severity!r}.")
    digit = CLASSES[substance][0]
    level = 1 if severity == "mild" else 2
    return f"F1{digit}.{level}{1 if early_remission else 0}"


def describe(*, substance: str, severity: str, early_remission: bool = False) -> str:
    name = CLASSES.get(substance, (9, "Substance"))[1]
    text = f"{name} use disorder, {severity}"
    return f"{text}, in early remission" if early_remission else text


@dataclass(frozen=True)
class Proposal:
    """What an assessment suggests; `code` is empty when no diagnosis follows."""

    substance: str | None
    severity: str
    criteria_count: int
    code: str
    why: str

    @property
    def is_diagnosis(self) -> bool:
        return bool(self.code)


def propose(
    *, intake_kind: str | None, criteria: list[str], only_as_prescribed: bool = False
) -> Proposal:
    """The diagnosis an assessment's primary substance and criteria point to."""
    count = count_criteria(criteria, only_as_prescribed=only_as_prescribed)
    severity = severity_for(count)
    substance = FROM_INTAKE_KIND.get(intake_kind or "")
    if intake_kind is None:
        return Proposal(None, severity, count, "", "The assessment names no primary substance.")
    if substance is None:
        return Proposal(
            None, severity, count, "", "Tobacco use disorder (F17) is not treated here."
        )
    if severity == "none":
        return Proposal(
            substance,
            severity,
            count,
            "",
            f"{count} criteria counted: fewer than 2, so no substance use disorder.",
        )
    code = code_for(substance=substance, severity=severity)
    return Proposal(
        substance,
        severity,
        count,
        code,
        f"{count} criteria counted: {severity}; {CLASSES[substance][1].lower()} gives {code}.",
    )
