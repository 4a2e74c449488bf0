"""What every intake page shares: role checks, one access helper per object kind, paging."""

from __future__ import annotations

import secrets
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import DIRECTOR, INTAKE
from intake.access import get_patient_for_user, patients_visible_to
from intake.models import (
    Admission,
    Assessment,
    Inquiry,
    InvalidTransition,
    Patient,
)

PAGE_SIZE = 25
intake_only = role_required(INTAKE, DIRECTOR)
Action = audit.Action


# --- Access helpers (one per object kind) ------------------------------------------------


def _get_inquiry(public_id: UUID) -> Inquiry:
    return get_object_or_404(Inquiry.objects.select_related("program"), public_id=public_id)


def _get_patient_for_user(request: HttpRequest, patient_uuid: UUID) -> Patient:
    return get_patient_for_user(request.user, patient_uuid)


def _get_assessment_for_user(request: HttpRequest, assessment_uuid: UUID) -> Assessment:
    visible = patients_visible_to(request.user)
    try:
        return Assessment.objects.select_related("patient", "completed_by", "created_by").get(
            uuid=assessment_uuid, patient__in=visible
        )
    except Assessment.DoesNotExist as exc:
        raise Http404("No such assessment.") from exc


def _get_admission(patient: Patient, pk: int) -> Admission:
    return get_object_or_404(
        Admission.objects.select_related("program", "primary_counselor"), patient=patient, pk=pk
    )


def _page(qs: QuerySet, number: int | str | None) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


# --- Inquiries ----------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("intake:inquiry-list"))


def _show_refusal(form: forms.Form, exc: InvalidTransition) -> None:
    """Put a service's refusal next to the field it names (or above the form)."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


# --- Searches that survive the Back button, with no search word in a URL ---------------

SEARCHES_KEPT = 10


def _remember_search(request: HttpRequest, scope: str, query: str) -> str:
    """Keep `query` in the session under a random key and return the key.

    The results page is then a GET addressed by that key (so Back and reload show the
    results again), while the words themselves stay out of URLs, logs and history.
    """
    searches = dict(request.session.get(f"{scope}_searches", {}))
    key = secrets.token_urlsafe(9)
    searches[key] = query
    request.session[f"{scope}_searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return key


def _recall_search(request: HttpRequest, scope: str, key: str | None) -> str | None:
    """The query kept under `key`, or None when there is none (expired or forged)."""
    if not key:
        return None
    return request.session.get(f"{scope}_searches", {}).get(key)


def _posted_search(
    request: HttpRequest, search: forms.Form, *, scope: str, url_name: str, status: str
) -> HttpResponse | None:
    """A valid POSTed search answered by a redirect to the GET of its results (kept in the
    session under an opaque key), or None when there is nothing to redirect."""
    if request.method != "POST" or not search.is_valid():
        return None
    query = search.cleaned_data["q"]
    url = f"{reverse(url_name)}?status={status}"
    if not query:
        return redirect(url)
    key = _remember_search(request, scope, query)
    return redirect(f"{url}&r={key}&page={search.cleaned_data['page'] or 1}")


def _kept_search(request: HttpRequest, *, scope: str) -> tuple[str, str, bool]:
    """(query, key, expired) for a results page: the words kept under the `r` key, the
    key while it finds them, and whether a key was given that finds nothing any more."""
    key = request.GET.get("r") or ""
    query = "" if request.method == "POST" else _recall_search(request, scope, key) or ""
    expired = bool(key) and not query and request.method == "GET"
    return query, key if query else "", expired
