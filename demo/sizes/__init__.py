"""Bigger fictional clinics on top of the small demo: `seed_demo --size clinic|large`.

clinic: one site with 30 staff, 12 rooms and 200 active patients in OP, IOP and PHP
group tracks plus their individual sessions: about 600 sessions a week, from 8 weeks
back to 4 weeks ahead, attendance taken for every session already over.
large: ten such sites (a network): 2,000 active patients, about 6,000 sessions a week.

No double booking, by construction: each site gets one weekly timetable planned on a
15-minute grid in which a room, a staff member and a patient each hold at most one
session at a time; the timetable repeats week after week (weeks never overlap). The
database's exclusion constraints still check every row written.

Fast: rows are built in memory and written with bulk_create, a site at a time, each in
one transaction. Deterministic: every site draws from its own fixed seed (Faker and
factory-boy too). Idempotent: a site whose first room exists is left alone, so a second
run adds nothing and `large` after `clinic` adds only the nine other sites.

Fictional people only: Faker names, phone numbers (213) 555-01xx, example.com e-mail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection

from demo.sizes.plan import plan_site
from demo.sizes.seeding import seed_site
from demo.sizes.shape import SITE_NAMES, SITES_BY_SIZE, SiteShape, room_name
from scheduling import feedcache
from scheduling.models import Room

__all__ = ["SITE_NAMES", "SITES_BY_SIZE", "SiteShape", "plan_site", "seed_site", "seed_size"]


def seed_size(size: str, *, scale: float = 1.0, today: date | None = None) -> dict[str, int]:
    """Add the sites `size` needs and are missing; returns what was created, by kind."""
    created: dict[str, int] = defaultdict(int)
    for index in range(SITES_BY_SIZE[size]):
        if Room.objects.filter(name=room_name(index, 1)).exists():
            continue
        for kind, count in seed_site(index, scale=scale, today=today).items():
            created[kind] += count
    if created:
        feedcache.all_changed()  # sessions written in bulk send no signals
        # fresh planner statistics after a bulk load, as autovacuum would gather later:
        # without them PostgreSQL plans for the tables' old, tiny sizes
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return dict(created)
