"""What every intake model shares."""

from datetime import date


class InvalidTransition(Exception):
    """A status change the workflow does not allow; the message is written for staff."""


def _fmt(day: date | None) -> str:
    return f"{day:%b} {day.day}, {day:%Y}" if day else "—"
