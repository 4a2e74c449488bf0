from django.urls import path

from treatment import views

app_name = "treatment"

urlpatterns = [
    path("patients/<uuid:uuid>/diagnosis/", views.diagnosis, name="diagnosis"),
    path("patients/<uuid:uuid>/plans/", views.plan_list, name="plan-list"),
    path("patients/<uuid:uuid>/plans/start/", views.start_plan, name="start-plan"),
    path("patients/<uuid:uuid>/chart/", views.chart, name="chart"),
    path("plans/<uuid:uuid>/", views.plan_detail, name="plan-detail"),
    path("plans/<uuid:uuid>/edit/", views.edit_plan, name="edit-plan"),
    path("plans/<uuid:uuid>/sign/", views.sign_plan, name="sign-plan"),
    path("plans/<uuid:uuid>/patient-signature/", views.patient_signature, name="patient-signature"),
    path("plans/<uuid:uuid>/print/", views.print_plan, name="print-plan"),
]
