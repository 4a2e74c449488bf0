"""What the scheduling views share: the staff roles and the week query string."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from accounts.roles import COUNSELOR, DIRECTOR, INTAKE

STAFF = (INTAKE, COUNSELOR, DIRECTOR)


def week_query(day: date, show: str = "", site: int | None = None) -> str:
    params = {"date": day.isoformat()}
    if show:
        params["show"] = show
    if site:
        params["site"] = str(site)
    return "?" + urlencode(params)
