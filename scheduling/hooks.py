"""What apps above scheduling add to its pages, by registry (filled in AppConfig.ready).

- Caseload columns: a title and a provider that takes the caseload's patient ids and
  answers {patient id: [short texts]}, called once per page for every row at once.
- Week panels: a provider that takes the request, the week's Monday and today and
  answers a Panel (accounts.home) shown above the week grid, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.http import HttpRequest

from accounts.home import Panel

ColumnProvider = Callable[[list[int]], dict[int, list[str]]]
WeekPanelProvider = Callable[[HttpRequest, date, date], "Panel | None"]

_columns: dict[str, ColumnProvider] = {}
_week_panels: list[WeekPanelProvider] = []


def register_caseload_column(title: str, provider: ColumnProvider) -> None:
    _columns[title] = provider


def caseload_columns(patient_ids: list[int]) -> list[tuple[str, dict[int, list[str]]]]:
    return [(title, provider(patient_ids)) for title, provider in _columns.items()]


def register_week_panel(provider: WeekPanelProvider) -> None:
    if provider not in _week_panels:
        _week_panels.append(provider)


def week_panels(request: HttpRequest, monday: date, today: date) -> list[Panel]:
    found = [p for provider in _week_panels if (p := provider(request, monday, today))]
    return sorted(found, key=lambda panel: panel.order)
