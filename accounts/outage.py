"""A database outage: every page answers 503 with the "we'll be back" page.

When PostgreSQL is down or unreachable, whatever touches it first (the session, the
signed-in user, the catalog version, a view) raises OperationalError or InterfaceError
within the connect timeout (settings.DATABASE_CONNECT_TIMEOUT). Django turns that into
its 500 handling, which logs it on `django.request` with its traceback (where
iop.logfilters.DatabaseOutageFilter and the PHI scrubbing see it) and calls the 500
handler; accounts.errors.server_error answers this page instead for an outage.

With DEBUG on, Django answers its own traceback page and never calls the handler, so
DatabaseOutageMiddleware (first in MIDDLEWARE) swaps a 500 that came from an outage
for this page too: a visitor never sees a 500 or a hang either way.

The page is rendered from settings alone (no request context, no context processor):
the crisis lines and the clinic's phone number from settings.CLINIC_PHONE.
Nothing is half-saved: every change goes through a service in one transaction, which
PostgreSQL rolls back when the connection is lost. Once the database is back the next
request reconnects (CONN_HEALTH_CHECKS checks a kept connection before reuse).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.template import loader

from iop.logfilters import is_outage_error

# what the page and Retry-After suggest: long enough for a restart or a fail-over
RETRY_AFTER_SECONDS = 30
_FLAG = "_iop_database_outage"


def standalone_context() -> dict[str, str]:
    """What the error pages that render without the database need: settings only."""
    phone = settings.CLINIC_PHONE
    digits = "".join(ch for ch in phone if ch.isdigit())
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": phone,
        "clinic_phone_tel": f"+1{digits[-10:]}" if digits else "",
        "static_url": settings.STATIC_URL,
    }


def unavailable_response() -> HttpResponse:
    """503 with the "we'll be back" page, never stored by a browser or a shared cache."""
    body = loader.get_template("503.html").render(standalone_context())
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def current_exception_is_outage() -> bool:
    """Called while an exception is being handled: is it the database being away?"""
    return is_outage_error(sys.exc_info()[1])


def note_outage(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """got_request_exception: mark a request whose failure was the database's."""
    if request is not None and current_exception_is_outage():
        setattr(request, _FLAG, True)


def connect() -> None:
    got_request_exception.connect(note_outage, dispatch_uid="accounts.outage.note")


class DatabaseOutageMiddleware:
    """First in MIDDLEWARE: a 500 caused by the database being away becomes the 503
    page (with DEBUG on; with it off the 500 handler already answers it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FLAG, False):
            return unavailable_response()
        return response
