"""The published catalog as the public pages read it, cached per catalog version.

gunicorn runs several workers, each with its own LocMemCache, so deleting cache
entries from a signal in the worker that saved an edit would leave the other
workers stale. Instead every cache key carries a *version* read from the database
on each request: one cheap query over max(updated_at) and row counts of programs,
services and their links. Any edit changes it, so every process misses the old key
at once and rebuilds. Edits that bypass save() (QuerySet.update) must bump
updated_at themselves; m2m changes do so through programs.signals.

With CATALOG_VERSION_CACHE (the default with a shared CACHE_URL) the version is kept in
the shared cache instead of being read on every request: programs.signals writes the
new one there once an edit of a program, service or link commits, so every server sees
it at once, and it expires after VERSION_TIMEOUT so an edit that sends no signal shows
within that time. Then a public page's copy (programs.pagecache) costs no query at all.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from programs.models import Program, Service

CACHE_TIMEOUT = 60 * 60
# the shared cache's copy of the catalog state (CATALOG_VERSION_CACHE)
STATE_KEY = "programs:catalog-state"
VERSION_TIMEOUT = 60


@dataclass(frozen=True)
class Catalog:
    """Published programs ordered by intensity, each with its services prefetched."""

    programs: tuple[Program, ...]
    # the catalog_version() this was read at: other caches of catalog-derived output key on it
    version: str = ""
    _by_slug: dict[str, Program] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {p.slug: p for p in self.programs})

    def __iter__(self):
        return iter(self.programs)

    def __len__(self) -> int:
        return len(self.programs)

    def get(self, slug: str) -> Program | None:
        return self._by_slug.get(slug)

    def by_code(self, code: str) -> Program | None:
        return next((p for p in self.programs if p.code == code), None)

    def neighbours(self, program: Program) -> tuple[Program | None, Program | None]:
        """The published levels just below and just above `program` in intensity."""
        lower = [p for p in self.programs if p.intensity < program.intensity]
        higher = [p for p in self.programs if p.intensity > program.intensity]
        return (lower[-1] if lower else None, higher[0] if higher else None)

    def services(self) -> list[Service]:
        """Every service at least one published level offers, in catalog order."""
        seen: dict[int, Service] = {}
        for program in self.programs:
            for service in program.services.all():
                seen.setdefault(service.pk, service)
        return sorted(seen.values(), key=lambda s: (s.order, s.name))

    def comparison_rows(self) -> list[tuple[Service, list[bool]]]:
        """For the compare table: each service with whether each level offers it."""
        offered = [{s.pk for s in p.services.all()} for p in self.programs]
        return [(s, [s.pk in ids for ids in offered]) for s in self.services()]


@dataclass(frozen=True)
class CatalogState:
    """What one version query learns: the version string and when the catalog last changed."""

    version: str
    last_modified: datetime.datetime | None


def catalog_state() -> CatalogState:
    """The catalog's version and last change: from the shared cache when
    CATALOG_VERSION_CACHE is on and it holds them, otherwise one query."""
    if not settings.CATALOG_VERSION_CACHE:
        return read_catalog_state()
    state = cache.get(STATE_KEY)
    if state is None:
        state = read_catalog_state()
        # add, not set: a state read before an edit committed must not replace the one
        # the edit wrote (store_catalog_state)
        cache.add(STATE_KEY, state, VERSION_TIMEOUT)
    return state


def store_catalog_state() -> None:
    """After an edit committed: the new state into the shared cache, for every server."""
    if settings.CATALOG_VERSION_CACHE:
        cache.set(STATE_KEY, read_catalog_state(), VERSION_TIMEOUT)


def read_catalog_state() -> CatalogState:
    """The catalog's version and last change, in one query."""
    quote = connection.ops.quote_name
    program = quote(Program._meta.db_table)
    service = quote(Service._meta.db_table)
    links = quote(Program.services.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(updated_at) FROM {program}), (SELECT count(*) FROM {program}),"
            f" (SELECT max(updated_at) FROM {service}), (SELECT count(*) FROM {service}),"
            f" (SELECT count(*) FROM {links})"
        )
        row = cursor.fetchone()
    stamps = [stamp for stamp in (row[0], row[2]) if stamp is not None]
    return CatalogState(
        version=hashlib.sha256(repr(row).encode()).hexdigest()[:16],
        last_modified=max(stamps) if stamps else None,
    )


def catalog_version() -> str:
    """A short string that changes whenever any program, service or link changes."""
    return catalog_state().version


def get_catalog(state: CatalogState | None = None) -> Catalog:
    """The published catalog: one query when cached, three when not (none for the
    version when the caller has already read `state`)."""
    version = (state or catalog_state()).version
    key = f"programs:catalog:{version}"
    catalog = cache.get(key)
    if catalog is None:
        catalog = Catalog(tuple(Program.objects.published().with_services()), version)
        cache.set(key, catalog, CACHE_TIMEOUT)
    return catalog
