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
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
