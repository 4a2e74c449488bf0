"""The ICD-10-CM table: every substance class at every severity, and the proposal."""

import pytest

from intake import placement
from treatment import icd

EXPECTED = {
    # class: (mild, moderate, severe, mild in early remission, moderate/severe in remission)
    "alcohol": ("F10.10", "F10.20", "F10.20", "F10.11", "F10.21"),
    "opioids": ("F11.10", "F11.20", "F11.20", "F11.11", "F11.21"),
    "cannabis": ("F12.10", "F12.20", "F12.20", "F12.11", "F12.21"),
    "sedatives": ("F13.10", "F13.20", "F13.20", "F13.11", "F13.21"),
    "cocaine": ("F14.10", "F14.20", "F14.20", "F14.11", "F14.21"),
    "stimulants": ("F15.10", "F15.20", "F15.20", "F15.11", "F15.21"),
    "hallucinogens": ("F16.10", "F16.20", "F16.20", "F16.11", "F16.21"),
    "inhalants": ("F18.10", "F18.20", "F18.20", "F18.11", "F18.21"),
    "other": ("F19.10", "F19.20", "F19.20", "F19.11", "F19.21"),
}

# which column of EXPECTED holds each (severity, in early remission)
COLUMN = {
    ("mild", False): 0,
    ("moderate", False): 1,
    ("severe", False): 2,
    ("mild", True): 3,
    ("moderate", True): 4,
    ("severe", True): 4,
}
CASES = [
    (substance, severity, remission, codes[COLUMN[severity, remission]])
    for substance, codes in EXPECTED.items()
    for severity, remission in COLUMN
]


def test_every_class_is_in_the_table():
    assert set(EXPECTED) == set(icd.CLASSES)


@pytest.mark.parametrize(("substance", "severity", "remission", "code"), CASES)
def test_code_for(substance, severity, remission, code):
    assert icd.code_for(substance=substance, severity=severity, early_remission=remission) == code


@pytest.mark.parametrize("severity", ["none", "", "extreme"])
def test_no_code_below_mild_or_for_nonsense(severity):
    with pytest.raises(ValueError):
        icd.code_for(substance="alcohol", severity=severity)


def test_unknown_class_is_refused():
    with pytest.raises(ValueError):
        icd.code_for(substance="nicotine", severity="mild")


CRITERIA = [key for key, _ in placement.CRITERIA]

INTAKE_KINDS = {
    "alcohol": "F10",
    "opioids": "F11",
    "rx_opioids": "F11",
    "cannabis": "F12",
    "sedatives": "F13",
    "cocaine": "F14",
    "methamphetamine": "F15",
    "hallucinogens": "F16",
    "inhalants": "F18",
    "other": "F19",
}


@pytest.mark.parametrize(
    ("count", "suffix"),
    [(0, ""), (1, ""), (2, ".10"), (3, ".10"), (4, ".20"), (5, ".20"), (6, ".20"), (11, ".20")],
)
@pytest.mark.parametrize(("kind", "prefix"), INTAKE_KINDS.items())
def test_propose_from_every_intake_kind_and_count(kind, prefix, count, suffix):
    proposal = icd.propose(intake_kind=kind, criteria=CRITERIA[:count])
    assert proposal.criteria_count == count
    assert proposal.code == (prefix + suffix if suffix else "")
    assert proposal.is_diagnosis == bool(suffix)


def test_every_intake_kind_is_mapped():
    from intake.models import Substance

    assert set(icd.FROM_INTAKE_KIND) == set(Substance.Kind.values)


def test_tobacco_proposes_no_diagnosis():
    proposal = icd.propose(intake_kind="nicotine", criteria=CRITERIA)
    assert proposal.code == ""
    assert "F17" in proposal.why


def test_prescribed_tolerance_and_withdrawal_do_not_count():
    # 4 ticked, but 2 of them exempt: mild, not moderate
    criteria = ["craving", "cut_down", "tolerance", "withdrawal"]
    assert icd.propose(intake_kind="opioids", criteria=criteria).code == "F11.20"
    proposal = icd.propose(intake_kind="opioids", criteria=criteria, only_as_prescribed=True)
    assert proposal.code == "F11.10"
    assert proposal.criteria_count == 2


def test_description_names_the_remission():
    text = icd.describe(substance="alcohol", severity="severe", early_remission=True)
    assert text == "Alcohol use disorder, severe, in early remission"
