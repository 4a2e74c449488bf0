from django.urls import path

from scheduling.views import feeds, hours, sessions, tracks, week

app_name = "scheduling"

urlpatterns = [
    path("", week.schedule_home, name="home"),
    path("week/", week.week, name="week"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:pk>/attendance/", sessions.mark_attendance, name="mark-attendance"),
    path("sessions/<int:pk>/all-present/", sessions.mark_all_present, name="mark-all-present"),
    path("sessions/<int:pk>/notes/", sessions.save_notes, name="session-notes"),
    path("sessions/<int:pk>/move/", sessions.reschedule_session, name="reschedule-session"),
    path("sessions/<int:pk>/cancel/", sessions.cancel_session, name="cancel-session"),
    path("individual/new/", sessions.book_individual, name="book-individual"),
    path("caseload/", hours.caseload, name="caseload"),
    path(
        "patients/<uuid:patient_uuid>/attendance/",
        hours.patient_attendance,
        name="patient-attendance",
    ),
    path(
        "patients/<uuid:patient_uuid>/attendance/print/",
        hours.print_attendance,
        name="print-attendance",
    ),
    path("tracks/", tracks.track_list, name="track-list"),
    path("tracks/new/", tracks.track_form, name="track-create"),
    path("tracks/<int:pk>/", tracks.track_detail, name="track-detail"),
    path("tracks/<int:pk>/edit/", tracks.track_form, name="track-edit"),
    path("tracks/<int:pk>/enroll/", tracks.enroll, name="enroll"),
    path(
        "tracks/<int:pk>/enrollments/<int:enrollment_pk>/end/",
        tracks.end_enrollment,
        name="end-enrollment",
    ),
    path("tracks/<int:pk>/cancel/", tracks.cancel_series, name="cancel-series"),
    path("calendar/", feeds.calendar_feed, name="calendar-feed"),
    path("calendar/reset/", feeds.reset_calendar_feed, name="reset-calendar-feed"),
    path("calendar/<str:token>.ics", feeds.ical_feed, name="ical-feed"),
]
