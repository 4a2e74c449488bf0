"""Intake pages: the inquiry queue, patient records, assessments, decisions, admissions.

Search terms (names, phone numbers, dates of birth) are sent in a POST body, kept in
the session under a random key, and the results shown by a GET addressed by that key
(so Back and reload show them again): the words never appear in a URL, so they stay out
of server logs, browser history and Referer headers. Only non-identifying values
(status filter, page number, the key) travel in query strings.

One sub-module per sub-domain; this package re-exports the views `intake/urls.py` names.
"""

from intake.views.admissions import (
    admit_patient,
    amend_decision,
    change_level,
    decide_placement,
    discharge_patient,
    plan_discharge,
)
from intake.views.assessments import (
    add_addendum,
    assessment_detail,
    print_assessment,
    start_assessment,
)
from intake.views.common import PAGE_SIZE, Action, home, intake_only
from intake.views.consent_forms import consent_form_to_sign, print_consent
from intake.views.inquiries import (
    INQUIRY_FILTERS,
    book_assessment,
    close_inquiry,
    convert_inquiry,
    inquiry_detail,
    inquiry_list,
    log_contact,
    reopen_inquiry,
)
from intake.views.merges import merge_patient
from intake.views.patients import (
    PATIENT_FILTERS,
    add_consent,
    create_patient,
    disclose_records,
    edit_patient,
    patient_detail,
    patient_list,
    revoke_consent,
)

__all__ = [
    "merge_patient",
    "amend_decision",
    "PAGE_SIZE",
    "intake_only",
    "Action",
    "home",
    "INQUIRY_FILTERS",
    "inquiry_list",
    "inquiry_detail",
    "log_contact",
    "book_assessment",
    "close_inquiry",
    "reopen_inquiry",
    "convert_inquiry",
    "PATIENT_FILTERS",
    "patient_list",
    "create_patient",
    "patient_detail",
    "edit_patient",
    "add_consent",
    "revoke_consent",
    "consent_form_to_sign",
    "print_consent",
    "disclose_records",
    "start_assessment",
    "assessment_detail",
    "print_assessment",
    "add_addendum",
    "decide_placement",
    "admit_patient",
    "discharge_patient",
    "plan_discharge",
    "change_level",
]
