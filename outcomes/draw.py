"""The weekly random drug-screen day: a seeded draw among the patient's session days.

Pure. The seed is an HMAC of the patient and the week under the clinic's secret key
(`outcomes.models.DrawKey`): the patient cannot predict it, and anyone holding the key
can redo the draw of any week and get the same day.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date


def seed(*, key: str, patient_uuid: str, monday: date) -> int:
    message = f"{patient_uuid}:{monday.isoformat()}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def draw_day(
    *, key: str, patient_uuid: str, monday: date, session_days: Iterable[date]
) -> date | None:
    """One of the session days (None when the patient has none that week)."""
    days = sorted(set(session_days))
    if not days:
        return None
    return days[seed(key=key, patient_uuid=str(patient_uuid), monday=monday) % len(days)]
