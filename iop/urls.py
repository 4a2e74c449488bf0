from django.contrib import admin
from django.urls import include, path

from iop.health import healthz

urlpatterns = [
    path("", include("programs.urls")),
    path("", include("intake.public_urls")),
    path("staff/", include("accounts.urls")),
    path("intake/", include("intake.urls")),
    path("schedule/", include("scheduling.urls")),
    path("treatment/", include("treatment.urls")),
    path("notes/", include("notes.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.page_not_found"
handler500 = "accounts.errors.server_error"
