"""Public pages of the intake app: the call request and its thank-you page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from intake.public_forms import (
    CallRequestForm,
    CallRequestLimitReached,
    hash_source,
    rate_limit_message,
)
from programs.catalog import get_catalog


def _client_address(request: HttpRequest) -> str:
    """The visitor's IP address, looking through TRUSTED_PROXY_COUNT reverse proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@sensitive_post_parameters()
def request_call(request: HttpRequest) -> HttpResponse:
    catalog = get_catalog()
    preselected = request.GET.get("program", "")
    form = CallRequestForm(
        request.POST if request.method == "POST" else None,
        programs=catalog,
        source_hash=hash_source(_client_address(request)),
        initial={"program": preselected},
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except CallRequestLimitReached:
            form.add_error(None, rate_limit_message())
        else:
            return redirect("public_intake:request-call-thanks")
    return render(
        request,
        "programs/request_call.html",
        {"form": form, "catalog": catalog, "preselected": preselected},
    )


def request_call_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/request_call_thanks.html")
