"""Intake forms. Each turns what staff typed into clean domain values, with a message
next to the field when something is wrong. One sub-module per sub-domain; this package
re-exports the public names so `from intake import forms; forms.PatientForm` keeps working."""

from intake.forms.admissions import (
    AdmissionForm,
    ChangeLevelForm,
    CounselorChoiceField,
    DischargeForm,
    PlannedDischargeForm,
    ProgramChoiceField,
    counselors,
)
from intake.forms.assessments import (
    AddendumForm,
    AssessmentForm,
    BaseSubstanceFormSet,
    DecisionAmendmentForm,
    PlacementDecisionForm,
    SubstanceForm,
    substance_formset,
)
from intake.forms.common import (
    SEARCH_MAX_LENGTH,
    US_STATES,
    ConfirmStep,
    DateInput,
    DateTimeInput,
    check_range,
    clean_us_phone,
)
from intake.forms.consents import (
    ConsentForm,
    DisclosureForm,
    RevokeConsentForm,
    consent_label,
)
from intake.forms.inquiries import (
    BookAssessmentForm,
    CloseInquiryForm,
    ContactAttemptForm,
    ReopenInquiryForm,
)
from intake.forms.patients import MergePatientForm, PatientForm, SearchForm

__all__ = [
    "MergePatientForm",
    "DecisionAmendmentForm",
    "check_range",
    "ConfirmStep",
    "US_STATES",
    "SEARCH_MAX_LENGTH",
    "clean_us_phone",
    "DateInput",
    "DateTimeInput",
    "ContactAttemptForm",
    "BookAssessmentForm",
    "CloseInquiryForm",
    "ReopenInquiryForm",
    "SearchForm",
    "PatientForm",
    "ConsentForm",
    "RevokeConsentForm",
    "DisclosureForm",
    "consent_label",
    "AssessmentForm",
    "SubstanceForm",
    "BaseSubstanceFormSet",
    "substance_formset",
    "AddendumForm",
    "PlacementDecisionForm",
    "CounselorChoiceField",
    "counselors",
    "ProgramChoiceField",
    "AdmissionForm",
    "DischargeForm",
    "PlannedDischargeForm",
    "ChangeLevelForm",
]
