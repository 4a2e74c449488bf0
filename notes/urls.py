from django.urls import path

from notes import views

app_name = "notes"

urlpatterns = [
    path("sessions/<int:pk>/", views.session_note, name="session-note"),
    path("sessions/<int:pk>/shared/", views.save_shared_part, name="save-shared-part"),
    path("sessions/<int:pk>/parts/<int:attendee_pk>/", views.save_part, name="save-part"),
    path("sessions/<int:pk>/sign-all/", views.sign_all, name="sign-all"),
    path("<int:pk>/", views.note_detail, name="note-detail"),
    path("<int:pk>/addendum/", views.add_addendum, name="add-addendum"),
    path("<int:pk>/cosign/", views.cosign_note, name="cosign-note"),
    path("cosign/", views.cosign_queue, name="cosign-queue"),
    path("patients/<uuid:uuid>/", views.patient_notes, name="patient-notes"),
    path("patients/<uuid:uuid>/counseling/", views.counseling_notes, name="counseling-notes"),
    path("licensure/", views.licensure, name="licensure"),
]
