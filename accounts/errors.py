"""The site's error pages (400, 403, 404, 405, 500), in the site's look, with a way back.

A signed-in staff member gets the staff layout and navigation; everyone else the public
layout with the crisis lines and the admissions number. The 500 page, and the 503 page
of a database outage (accounts/outage.py), render from settings alone: no database, no
request context (whatever failed may be either).
"""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from accounts import outage

TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/405.html",
}


def _is_staff_user(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def render_error(request: HttpRequest, status: int) -> str:
    """The body of an error page for `status`, in the layout that suits the visitor."""
    context = {
        "base_template": "staff_base.html" if _is_staff_user(request) else "public_base.html",
        "status": status,
    }
    return loader.get_template(TEMPLATES[status]).render(context, request)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(render_error(request, 400))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseForbidden(render_error(request, 403))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseNotFound(render_error(request, 404))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or stale CSRF token (an old tab, cookies cleared)."""
    context = {
        "base_template": "staff_base.html" if _is_staff_user(request) else "public_base.html",
        "status": 403,
        "csrf_failure": True,
    }
    body = loader.get_template(TEMPLATES[403]).render(context, request)
    return HttpResponseForbidden(body)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler; when the failure was the database being away, the 503 page."""
    if outage.current_exception_is_outage():
        return outage.unavailable_response()
    body = loader.get_template("500.html").render(outage.standalone_context())
    return HttpResponseServerError(body)


class MethodNotAllowedPageMiddleware:
    """Gives require_POST's (and other) empty 405 answers the site's error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            response.content = render_error(request, 405)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
