"""Public pages of the intake app: the call request and its thank-you page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from accounts.throttle import client_address, too_many
from intake.public_forms import (
    CallRequestForm,
    CallRequestLimitReached,
    hash_source,
    rate_limit_message,
)
from programs.catalog import get_catalog


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def comes_from_this_site(request: HttpRequest) -> bool:
    """A POST's Origin (or, when a browser sends none, its Referer) is this site or a
    trusted origin. Browsers send Origin on every cross-origin POST, so a form on another
    site is refused; a request with neither header is not a browser's cross-site form
    (the honeypot and the rate limit answer scripts). docs/security.md "The call form"."""
    allowed = {f"{request.scheme}://{request.get_host()}".lower()}
    allowed |= {origin.lower() for origin in settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in allowed  # "null" (sandboxed or privacy-stripped) refused
    referer = request.headers.get("Referer")
    if referer is not None:
        return _origin_of(referer) in allowed
    return True


# No CSRF token: the form is embedded in cacheable program pages that are the same bytes
# for every visitor, so the POST is checked by origin instead (docs/security.md).
@csrf_exempt
@sensitive_post_parameters()
def request_call(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not comes_from_this_site(request):
        return import_string(settings.CSRF_FAILURE_VIEW)(request, reason="cross-origin POST")
    catalog = get_catalog()
    preselected = request.GET.get("program", "")
    form = CallRequestForm(
        request.POST if request.method == "POST" else None,
        programs=catalog,
        source_hash=hash_source(client_address(request)),
        initial={"program": preselected},
    )
    retry_after = 0.0
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except CallRequestLimitReached as refused:
            form.add_error(None, rate_limit_message())
            retry_after = refused.retry_after
        else:
            return redirect("public_intake:request-call-thanks")
    response = render(
        request,
        "programs/request_call.html",
        {"form": form, "catalog": catalog, "preselected": preselected},
    )
    # the limit's refusal: the same page with its message, and a status a program can read
    return too_many(response, retry_after) if retry_after else response


def request_call_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/request_call_thanks.html")
