"""The intake records: inquiries, patients, consents and disclosures, assessments and
placement decisions, admissions. Each sub-module holds one sub-domain; this package
re-exports the public names so `from intake.models import Patient` keeps working."""

from intake.models.admissions import Admission, AdmissionQuerySet
from intake.models.assessments import (
    DIMENSION_KEYS,
    LEVEL_CHOICES,
    SCREENING_KEYS,
    Addendum,
    Assessment,
    DecisionAmendment,
    PlacementDecision,
    RecommendationView,
    Substance,
)
from intake.models.base import InvalidTransition, Refused
from intake.models.consents import (
    AT_PATIENT_REQUEST,
    HIPAA_REDISCLOSURE_STATEMENT,
    REVOCATION_STATEMENT,
    TPO_PURPOSE,
    TPO_RECIPIENTS,
    Consent,
    Disclosure,
    RecordKind,
)
from intake.models.history import LevelChange, level_history
from intake.models.inquiries import ContactAttempt, Inquiry, InquiryQuerySet
from intake.models.patients import (
    Patient,
    PatientMerge,
    PatientQuerySet,
    format_mrn,
    next_mrn,
    parse_date_loosely,
)

__all__ = [
    "InvalidTransition",
    "Refused",
    "PatientMerge",
    "DecisionAmendment",
    "InquiryQuerySet",
    "Inquiry",
    "ContactAttempt",
    "parse_date_loosely",
    "PatientQuerySet",
    "Patient",
    "format_mrn",
    "next_mrn",
    "RecordKind",
    "AT_PATIENT_REQUEST",
    "HIPAA_REDISCLOSURE_STATEMENT",
    "REVOCATION_STATEMENT",
    "TPO_PURPOSE",
    "TPO_RECIPIENTS",
    "Consent",
    "Disclosure",
    "SCREENING_KEYS",
    "DIMENSION_KEYS",
    "Assessment",
    "RecommendationView",
    "Substance",
    "Addendum",
    "LEVEL_CHOICES",
    "PlacementDecision",
    "AdmissionQuerySet",
    "Admission",
    "LevelChange",
    "level_history",
]
