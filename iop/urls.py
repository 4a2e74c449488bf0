from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("programs.urls")),
    path("staff/", include("accounts.urls")),
    path("intake/", include("intake.urls")),
    path("schedule/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
]
