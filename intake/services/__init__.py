"""Intake workflows that touch several rows, need a transaction or write audit events.

Each function locks what it changes, applies the model's rule, and records who did
it. `request` is passed for the audit trail (address, browser); code without one
(demo data, commands) passes None and the acting user as `by`.

One sub-module per sub-domain; this package re-exports the public functions.
"""

from intake.services.admissions import (
    Transfer,
    admit_patient,
    change_level,
    discharge_patient,
    latest_decision,
    plan_discharge,
    usable_decision,
)
from intake.services.assessments import (
    add_addendum,
    complete_assessment,
    missing_for_completion,
    save_assessment_draft,
    start_assessment,
)
from intake.services.common import IncompleteAssessment
from intake.services.consents import (
    add_consent,
    disclose_records,
    latest_signed_assessment,
    revoke_consent,
)
from intake.services.decisions import amend_decision, decide_placement
from intake.services.inquiries import (
    book_assessment,
    close_inquiry,
    log_contact,
    patient_initial_from_inquiry,
    reopen_inquiry,
)
from intake.services.merges import merge_patients, merge_preview
from intake.services.patients import create_patient, possible_duplicates, update_patient

__all__ = [
    "possible_duplicates",
    "Transfer",
    "latest_decision",
    "usable_decision",
    "amend_decision",
    "IncompleteAssessment",
    "log_contact",
    "book_assessment",
    "close_inquiry",
    "reopen_inquiry",
    "patient_initial_from_inquiry",
    "create_patient",
    "update_patient",
    "merge_patients",
    "merge_preview",
    "add_consent",
    "revoke_consent",
    "latest_signed_assessment",
    "disclose_records",
    "start_assessment",
    "save_assessment_draft",
    "missing_for_completion",
    "complete_assessment",
    "add_addendum",
    "decide_placement",
    "admit_patient",
    "discharge_patient",
    "plan_discharge",
    "change_level",
]
