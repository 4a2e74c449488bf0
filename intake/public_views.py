"""Public pages of the intake app: the call request and its thank-you page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from accounts.throttle import client_address, too_many
from intake.public_forms import (
    CallRequestForm,
    CallRequestLimitReached,
    hash_source,
    rate_limit_message,
)
from programs.catalog import get_catalog


@sensitive_post_parameters()
def request_call(request: HttpRequest) -> HttpResponse:
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
