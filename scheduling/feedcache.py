"""Versions of the schedule in the Django cache, for what is built from it once and then
kept: each counselor's iCal feed and week grid, under their own version, and the other
week grids (a program's, a room's) under the version of any change.

Calendar apps poll a feed every few minutes, almost always to find it unchanged: the
body is built once per version (and per clinic day, since the feed's window moves with
the date) and then answered from the cache, or with a bare 304 when the app sends back
the ETag it holds. Versions live in the shared cache, so every app server sees a bump.

What moves a version on:
- one counselor's (and the "any change" one): a session they are linked to is saved or
  deleted, a patient joins or leaves it (the count on the grid), or a link to them is
  made or removed (the signals in scheduling.signals); the services' bulk writes, which
  send no signals, call `sessions_changed` or `counselors_changed` themselves;
- everything's: a room, track or session type is saved (a name shown in many places).
The bump is made at once and again after the transaction commits, so a feed rebuilt
from the data before the commit is never kept under the new version.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

ALL = "ical:v:all"
ANY = "ical:v:any"
# the shape of what is kept: bump it when a release changes what a feed or a grid shows
# (its window, its fields), so that no body built by the release before is answered
FORMAT = 2
GRID_SECONDS = 3600
BODY_SECONDS = 24 * 3600


def enabled() -> bool:
    """Whether builds are kept at all. A version bumped in one process's local-memory
    cache is unseen by the other gunicorn workers and app servers, which would go on
    answering the old feed or grid: builds are only kept when every process shares one
    cache (settings.SCHEDULE_CACHE, on when CACHE_URL is set)."""
    return bool(settings.SCHEDULE_CACHE)


def _user_key(user_id: int) -> str:
    return f"ical:v:u{user_id}"


def _new_version() -> int:
    return time.time_ns()


def _bump(keys: list[str]) -> None:
    version = _new_version()
    cache.set_many(dict.fromkeys(keys, version), None)


def bump(keys: list[str]) -> None:
    if not enabled():  # nothing is kept, so nothing to move on
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def counselors_changed(user_ids: Iterable[int]) -> None:
    """The feeds of these counselors are out of date."""
    keys = [_user_key(pk) for pk in sorted(set(user_ids))]
    if keys:
        bump([ANY, *keys])


def sessions_changed(session_ids: Iterable[int]) -> None:
    """These sessions changed (or are about to be deleted): their counselors' feeds are
    out of date."""
    from scheduling.models import SessionCounselor

    ids = list(session_ids)
    if ids and enabled():  # no query for the counselors when nothing is kept
        counselors_changed(
            SessionCounselor.objects.filter(session_id__in=ids).values_list(
                "counselor_id", flat=True
            )
        )


def all_changed() -> None:
    """A name shown in many feeds changed (room, track, session type), or data was
    written in bulk (the demo seeding): every feed is out of date."""
    bump([ALL])


@dataclass(frozen=True)
class Entry:
    etag: str
    key: str


def _versions(keys: list[str]) -> str:
    versions = cache.get_many(keys)
    # a version lost from the cache (evicted, restarted) starts a new one: never an old
    # body under it
    for key in keys:
        if key not in versions:
            version = _new_version()
            versions[key] = version if cache.add(key, version, None) else cache.get(key, version)
    return ":".join(str(versions[key]) for key in keys)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def entry(user_id: int, day: date) -> Entry:
    """The cache key and ETag of a counselor's feed as it is now."""
    digest = _digest(f"{FORMAT}:{user_id}:{_versions([ALL, _user_key(user_id)])}:{day.isoformat()}")
    return Entry(etag=f'"{digest}"', key=f"ical:body:{digest}")


def grid_key(*, counselor_id: int | None, what: str) -> str:
    """The cache key of a week grid as it is now: a counselor's under their version, any
    other under the version of any change. `what` says which grid (scope, week, today)."""
    keys = [ALL, _user_key(counselor_id) if counselor_id else ANY]
    return f"week:grid:{_digest(f'{FORMAT}:{what}:{_versions(keys)}')}"


def body_etag(body: bytes) -> str:
    """The ETag of a feed built afresh (builds not kept): its own digest."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def get_body(e: Entry) -> bytes | None:
    return cache.get(e.key)


def set_body(e: Entry, body: bytes) -> None:
    cache.set(e.key, body, BODY_SECONDS)
