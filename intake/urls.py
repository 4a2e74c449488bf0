from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.home, name="home"),
    path("inquiries/", views.inquiry_list, name="inquiry-list"),
    path("inquiries/<uuid:public_id>/", views.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<uuid:public_id>/contact/", views.log_contact, name="log-contact"),
    path("inquiries/<uuid:public_id>/book/", views.book_assessment, name="book-assessment"),
    path("inquiries/<uuid:public_id>/close/", views.close_inquiry, name="close-inquiry"),
    path("inquiries/<uuid:public_id>/reopen/", views.reopen_inquiry, name="reopen-inquiry"),
    path("inquiries/<uuid:public_id>/convert/", views.convert_inquiry, name="convert-inquiry"),
    path("patients/", views.patient_list, name="patient-list"),
    path("patients/new/", views.create_patient, name="create-patient"),
    path("patients/<uuid:uuid>/", views.patient_detail, name="patient-detail"),
    path("patients/<uuid:uuid>/edit/", views.edit_patient, name="edit-patient"),
    path("patients/<uuid:uuid>/consents/new/", views.add_consent, name="add-consent"),
    path(
        "patients/<uuid:uuid>/consents/form/<slug:kind>/",
        views.consent_form_to_sign,
        name="consent-form-to-sign",
    ),
    path(
        "patients/<uuid:uuid>/consents/<uuid:consent_uuid>/print/",
        views.print_consent,
        name="print-consent",
    ),
    path(
        "patients/<uuid:uuid>/consents/<uuid:consent_uuid>/revoke/",
        views.revoke_consent,
        name="revoke-consent",
    ),
    path(
        "patients/<uuid:uuid>/assessments/new/",
        views.start_assessment,
        name="start-assessment",
    ),
    path("patients/<uuid:uuid>/merge/", views.merge_patient, name="merge-patient"),
    path("patients/<uuid:uuid>/disclose/", views.disclose_records, name="disclose-records"),
    path("patients/<uuid:uuid>/admit/", views.admit_patient, name="admit-patient"),
    path(
        "patients/<uuid:uuid>/admissions/<int:admission_id>/discharge/",
        views.discharge_patient,
        name="discharge-patient",
    ),
    path(
        "patients/<uuid:uuid>/admissions/<int:admission_id>/planned-discharge/",
        views.plan_discharge,
        name="plan-discharge",
    ),
    path(
        "patients/<uuid:uuid>/admissions/<int:admission_id>/change-level/",
        views.change_level,
        name="change-level",
    ),
    path("assessments/<uuid:uuid>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<uuid:uuid>/print/", views.print_assessment, name="print-assessment"),
    path("assessments/<uuid:uuid>/addenda/", views.add_addendum, name="add-addendum"),
    path("assessments/<uuid:uuid>/decision/", views.decide_placement, name="decide-placement"),
    path("assessments/<uuid:uuid>/decision/amend/", views.amend_decision, name="amend-decision"),
]
