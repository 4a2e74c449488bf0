"""What every intake model shares."""

from datetime import date


class InvalidTransition(Exception):
    """A status change the workflow does not allow; the message is written for staff."""


def _fmt(day: date | None) -> str:
    return f"{day:%b} {day.day}, {day:%Y}" if day else "—"


class Refused(InvalidTransition):
    """A rule refused the change; `field` names the form field the message belongs next to."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
