from django.urls import path

from programs import views

app_name = "programs"

# The call-request pages live in intake/public_urls.py (programs never imports intake).
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="program-list"),
    path("programs/compare/", views.compare, name="compare"),
    path("programs/<slug:slug>/", views.program_detail, name="program-detail"),
    path("what-to-expect/", views.what_to_expect, name="what-to-expect"),
    path("faq/", views.faq, name="faq"),
]
