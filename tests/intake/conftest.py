"""Shared set-up for intake tests: patients on a counselor's caseload, assessments in
each state, and the POST data the assessment page sends."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from intake import services
from intake.models import Assessment, Patient
from tests.factories import (
    AdmissionFactory,
    AssessmentFactory,
    PatientFactory,
    SubstanceFactory,
    program,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # test users get a password each; the production hasher costs ~0.4 s per user
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def patient(db):
    return PatientFactory(status="prospect")


@pytest.fixture
def caseload_patient(counselor):
    """A patient in IOP whose primary counselor is `counselor`."""
    return AdmissionFactory(primary_counselor=counselor, program=program("IOP")).patient


@pytest.fixture
def draft(intake_user):
    assessment = AssessmentFactory(created_by=intake_user)
    return assessment


@pytest.fixture
def moderate_draft(intake_user):
    assessment = AssessmentFactory(moderate=True, created_by=intake_user)
    SubstanceFactory(assessment=assessment)
    return assessment


@pytest.fixture
def completed(moderate_draft, intake_user) -> Assessment:
    return services.complete_assessment(assessment=moderate_draft, by=intake_user)


def management(prefix: str = "substances", total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def assessment_post(assessment: Assessment, **overrides) -> dict:
    """What the page would send for this assessment as saved, plus `overrides`.

    Substance rows are passed as overrides with keys like "substances-0-substance".
    """
    data: dict = {
        "assessment_date": assessment.assessment_date.isoformat(),
        "referral_source": assessment.referral_source,
        "referral_detail": assessment.referral_detail,
        "step_down_ended_on": assessment.step_down_ended_on or "",
        "criteria_met": list(assessment.criteria_met),
        **management(total=0),
    }
    if assessment.criteria_reviewed:
        data["criteria_reviewed"] = "on"
    if assessment.only_as_prescribed:
        data["only_as_prescribed"] = "on"
    for n in range(1, 7):
        rating = getattr(assessment, f"d{n}")
        data[f"d{n}"] = "" if rating is None else str(rating)
        data[f"d{n}_note"] = getattr(assessment, f"d{n}_note")
    for key in ("audit", "audit_c", "dast10", "phq9", "phq9_item9", "gad7", "ciwa", "cows"):
        value = getattr(assessment, key)
        data[key] = "" if value is None else str(value)
    substances = list(assessment.substances.all())
    if substances:
        data.update(management(total=len(substances), initial=len(substances)))
        for i, s in enumerate(substances):
            data.update(
                {
                    f"substances-{i}-id": str(s.pk),
                    f"substances-{i}-substance": s.substance,
                    f"substances-{i}-substance_other": s.substance_other,
                    f"substances-{i}-frequency": s.frequency,
                    f"substances-{i}-route": s.route,
                    f"substances-{i}-last_use": s.last_use.isoformat() if s.last_use else "",
                }
            )
            if s.is_primary:
                data[f"substances-{i}-is_primary"] = "on"
    data.update(overrides)
    return data


def first_contact_days_ago(patient, days: int) -> None:
    """The record dates from `days` ago: assessments and admissions can't be dated before
    the patient's first contact with the clinic."""
    at = local_noon(days_ago(days))
    Patient.objects.filter(pk=patient.pk).update(created_at=at)
    patient.created_at = at


def local_noon(day: date) -> datetime:
    """Noon of `day` in the clinic's time zone. `now() - timedelta(days=n)` is not n
    calendar days ago across a daylight-saving change in the last hour of the day."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def today() -> date:
    return timezone.localdate()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def add_substance_row(data: dict, **fields) -> dict:
    """Append one new substance row to POST data made by `assessment_post`."""
    index = int(data["substances-TOTAL_FORMS"])
    data["substances-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"substances-{index}-{name}"] = value
    return data


def text(response) -> str:
    """The page as a reader sees its characters (entities decoded, no-break spaces plain)."""
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def words(response) -> str:
    """The page's words as one line: each tag a space, runs of white space one space."""
    markup = re.sub(r"<script.*?</script>|<[^>]+>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(markup).replace("\xa0", " ").split())
