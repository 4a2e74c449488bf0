"""`/healthz` for load balancers and uptime checks: is this app server able to serve?

It touches no session, needs no login and writes no audit event: a probe every few
seconds must not fill the session or audit tables. It checks the database and, when
the app shares a cache (CACHE_URL), that cache: with either away no page can be served.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from iop.logfilters import OUTAGE_ERRORS

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return _unavailable("database", exc)
    if settings.CACHE_URL:
        try:
            cache.get("healthz")
        except OUTAGE_ERRORS as exc:
            return _unavailable("cache", exc)
    return HttpResponse("ok", content_type="text/plain")


def _unavailable(what: str, exc: BaseException) -> HttpResponse:
    # the exception class only: a driver message may carry the connection string
    logger.warning("healthz: %s check failed (%s)", what, type(exc).__name__)
    response = HttpResponse(f"{what} unavailable\n", status=503, content_type="text/plain")
    # logged just above: not again as an error on django.request for every probe
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
