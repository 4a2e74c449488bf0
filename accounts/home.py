"""What the staff home shows: one panel per kind of work, contributed by each app.

accounts is the base every app may use, so it cannot import intake or scheduling.
Instead each app registers a panel provider when it is ready (AppConfig.ready); the
home page asks every provider, in order, for a panel for the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    title: str
    template: str  # rendered with `panel` in its context
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelProvider = Callable[[HttpRequest], "Panel | None"]

_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    """Add a provider once (AppConfig.ready may run more than once in tests)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [panel for provider in _providers if (panel := provider(request)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


def director_panel(request: HttpRequest) -> Panel | None:
    """Oversight for the clinical director: locked accounts and the audit log."""
    from accounts.lockouts import locked_usernames
    from accounts.roles import is_director

    if not is_director(request.user):
        return None
    return Panel(
        title="Oversight",
        template="accounts/_home_director_panel.html",
        context={"locked": len(locked_usernames())},
        order=30,
    )


register(director_panel)
