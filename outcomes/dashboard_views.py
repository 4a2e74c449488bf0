"""The clinical director's dashboard and the CSV of each of its tables."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import audit
from accounts.decorators import role_required
from accounts.roles import DIRECTOR
from outcomes import dashboard as figures_module
from outcomes.forms import DashboardFilterForm
from scheduling import clinictime

DEFAULT_DAYS = 7 * figures_module.WEEKS


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, figures_module.Filters]:
    programs = figures_module.program_choices()
    form = DashboardFilterForm(request.GET or None, programs=programs)
    today = clinictime.today()
    start, end, program = today - timedelta(DEFAULT_DAYS - 1), today, ""
    if form.is_bound and form.is_valid():
        end = form.cleaned_data["end"] or end
        start = form.cleaned_data["start"] or end - timedelta(DEFAULT_DAYS - 1)
        program = form.cleaned_data["program"] or ""
    if not form.is_bound:
        form.initial = {"start": start, "end": end}
    return form, figures_module.Filters(start=start, end=end, program=program)


@role_required(DIRECTOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    figures = [build(filters) for build in figures_module.FIGURES.values()]
    audit.record(request, audit.Action.VIEW, detail="dashboard (aggregates)")
    return render(
        request,
        "outcomes/dashboard.html",
        {"form": form, "filters": filters, "figures": figures, "query": request.GET.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@role_required(DIRECTOR)
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    build = figures_module.FIGURES.get(table)
    if build is None:
        raise Http404("No such table.")
    _, filters = _filters(request)
    figure = build(filters)
    audit.record(
        request,
        audit.Action.EXPORT,
        detail=f"dashboard {table} CSV, {filters.start} to {filters.end}, "
        f"{filters.program or 'all programs'}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{filters.end}.csv"'
    writer = csv.writer(response)
    writer.writerows(figure.csv_rows())
    return response
