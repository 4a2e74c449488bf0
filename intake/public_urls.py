"""Public (anonymous) intake pages, included at the site root."""

from django.urls import path

from intake import public_views

app_name = "public_intake"

urlpatterns = [
    path("request-a-call/", public_views.request_call, name="request-call"),
    path("request-a-call/thank-you/", public_views.request_call_thanks, name="request-call-thanks"),
]
