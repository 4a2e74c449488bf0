"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from iop.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def _bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a broken request")


def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [
    path("test-errors/bad/", _bad),
    path("test-errors/denied/", _denied),
    path("test-errors/boom/", _boom),
    *urlpatterns,
]
