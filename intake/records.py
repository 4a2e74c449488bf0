"""The parts of a patient's record the app prints or sends out, kind by kind.

A disclosure document (docs/part2.md) asks each kind of record it includes for its
section. intake renders the assessment; scheduling adds attendance when its app loads
(`scheduling/apps.py`), so intake never imports scheduling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from intake.models import Assessment, Consent, Disclosure, PlacementDecision, RecordKind


@dataclass(frozen=True)
class Section:
    """One kind of record in a disclosure document: its heading and its HTML."""

    title: str
    html: SafeString


# kind -> renders that kind's section of a disclosure (headings inside start at <h3>)
SectionRenderer = Callable[[Disclosure], Section]
_renderers: dict[str, SectionRenderer] = {}


def register(kind: str, render: SectionRenderer) -> None:
    _renderers[kind] = render


def registered_kinds() -> frozenset[str]:
    """The kinds of record some app can render for a disclosure."""
    return frozenset(_renderers)


def may_disclose(consent: Consent, record_kind: str, *, on: date | None = None) -> bool:
    """May a record of `record_kind` leave the clinic under `consent` on `on` (today by
    default)? The question any app asks before it sends or prints a kind of record for
    someone outside: the kind must be registered here by the app that owns it, and the
    consent in force that day and covering it (`Consent.allows`: SUD counseling notes
    only under a consent for them, which lets out nothing else)."""
    return record_kind in _renderers and consent.allows(record_kind, on=on)


def sections_for(disclosure: Disclosure) -> list[Section]:
    missing = [kind for kind in disclosure.kinds if kind not in _renderers]
    if missing:
        raise ImproperlyConfigured(f"No section renderer registered for {missing}")
    return [_renderers[kind](disclosure) for kind in disclosure.kinds]


# Facts other apps add to the patient block of every printout (e.g. the diagnosis):
# fn(patient) -> [(label, value)], in a fixed number of queries.
FactProvider = Callable[[Any], list[tuple[str, str]]]
_fact_providers: list[FactProvider] = []


def register_fact(provider: FactProvider) -> FactProvider:
    if provider not in _fact_providers:
        _fact_providers.append(provider)
    return provider


def facts_for(patient: Any) -> list[tuple[str, str]]:
    return [fact for provider in _fact_providers for fact in provider(patient)]


def assessment_context(assessment: Assessment) -> dict:
    """What `intake/_assessment_record.html` shows, in three queries."""
    return {
        "assessment": assessment,
        "recommendation": assessment.recommendation_view(),
        "substances": list(assessment.substances.all()),
        "addenda": list(assessment.addenda.select_related("author"))
        if assessment.is_locked
        else [],
        "decision": PlacementDecision.objects.filter(assessment=assessment)
        .select_related("decided_by")
        .prefetch_related("amendments__amended_by", "admissions__program")
        .first(),
    }


def _assessment_section(disclosure: Disclosure) -> Section:
    assessment = disclosure.assessment
    assert assessment is not None and assessment.is_locked  # the service made sure
    html = render_to_string(
        "intake/_assessment_record.html", {**assessment_context(assessment), "h": 3}
    )
    return Section(
        f"Intake assessment of {format_date(assessment.assessment_date, 'M j, Y')}", html
    )


register(RecordKind.ASSESSMENT, _assessment_section)


def disclosure_document(disclosure: Disclosure, *, request: HttpRequest | None = None) -> str:
    """The HTML file that goes to the recipient: the 42 CFR 2.32 notice first and last,
    what was sent under which consent (2.32(b): the consent's scope goes with it), then
    each record."""
    return render_to_string(
        "intake/disclosure_document.html",
        {
            "disclosure": disclosure,
            "consent": disclosure.consent,
            "patient": disclosure.patient,
            "sections": sections_for(disclosure),
            "disclosed_at": timezone.localtime(disclosure.disclosed_at),
        },
        request=request,
    )
