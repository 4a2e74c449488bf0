from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.schedule_home, name="home"),
    path("week/", views.week, name="week"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/attendance/", views.mark_attendance, name="mark-attendance"),
    path("sessions/<int:pk>/all-present/", views.mark_all_present, name="mark-all-present"),
    path("sessions/<int:pk>/notes/", views.save_notes, name="session-notes"),
    path("sessions/<int:pk>/move/", views.reschedule_session, name="reschedule-session"),
    path("sessions/<int:pk>/cancel/", views.cancel_session, name="cancel-session"),
    path("individual/new/", views.book_individual, name="book-individual"),
    path("caseload/", views.caseload, name="caseload"),
    path(
        "patients/<uuid:patient_uuid>/attendance/",
        views.patient_attendance,
        name="patient-attendance",
    ),
    path(
        "patients/<uuid:patient_uuid>/attendance/print/",
        views.print_attendance,
        name="print-attendance",
    ),
    path("tracks/", views.track_list, name="track-list"),
    path("tracks/new/", views.track_form, name="track-create"),
    path("tracks/<int:pk>/", views.track_detail, name="track-detail"),
    path("tracks/<int:pk>/edit/", views.track_form, name="track-edit"),
    path("tracks/<int:pk>/enroll/", views.enroll, name="enroll"),
    path(
        "tracks/<int:pk>/enrollments/<int:enrollment_pk>/end/",
        views.end_enrollment,
        name="end-enrollment",
    ),
    path("calendar/", views.calendar_feed, name="calendar-feed"),
    path("calendar/reset/", views.reset_calendar_feed, name="reset-calendar-feed"),
    path("calendar/<str:token>.ics", views.ical_feed, name="ical-feed"),
]
