"""Links other apps add to a session's page (e.g. "Write the note"), so scheduling
never imports the apps above it. Each app registers a provider in AppConfig.ready; the
session page asks every provider for its action on the session, for the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from scheduling.models import Attendee, Session


@dataclass(frozen=True)
class SessionAction:
    label: str
    url: str
    hint: str = ""  # a short status beside the link, e.g. "3 drafts"


# (request, session, the attendees the user sees) -> an action, or None
ActionProvider = Callable[[HttpRequest, Session, list[Attendee]], "SessionAction | None"]

_providers: list[ActionProvider] = []


def register(provider: ActionProvider) -> ActionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def actions_for(
    request: HttpRequest, session: Session, attendees: list[Attendee]
) -> list[SessionAction]:
    return [
        action
        for provider in _providers
        if (action := provider(request, session, attendees)) is not None
    ]
