from django.urls import path

from outcomes import dashboard_views, views

app_name = "outcomes"

urlpatterns = [
    path("patients/<uuid:uuid>/", views.patient_progress, name="patient-progress"),
    path(
        "patients/<uuid:uuid>/measures/<slug:kind>/new/",
        views.add_measurement,
        name="add-measurement",
    ),
    path("patients/<uuid:uuid>/medications/new/", views.add_medication, name="add-medication"),
    path("patients/<uuid:uuid>/screens/new/", views.order_screen, name="order-screen"),
    path("patients/<uuid:uuid>/sobriety/", views.set_sobriety_date, name="set-sobriety-date"),
    path("measures/<uuid:uuid>/", views.measurement_detail, name="measurement-detail"),
    path("screens/<uuid:uuid>/", views.screen_detail, name="screen-detail"),
    path("screens/<uuid:uuid>/collection/", views.record_collection, name="record-collection"),
    path("screens/<uuid:uuid>/results/", views.record_results, name="record-results"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard_views.dashboard_csv, name="dashboard-csv"),
]
