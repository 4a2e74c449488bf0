"""Sections other apps add to a patient's page (below intake's own), by registry.

intake cannot import the apps above it, so each registers a provider when it is
ready; the page asks every provider, in order, for a section for this user and
patient (None: nothing to show this user).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from accounts.home import Panel
from intake.models import Patient

SectionProvider = Callable[[HttpRequest, Patient], "Panel | None"]

_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> SectionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request: HttpRequest, patient: Patient) -> list[Panel]:
    found = [s for provider in _providers if (s := provider(request, patient)) is not None]
    return sorted(found, key=lambda section: section.order)
