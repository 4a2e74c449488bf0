"""One site's weekly timetable, planned on a 15-minute grid in which a room, a staff
member and a patient each hold at most one session at a time: no double booking by
construction. Pure: no database, no Faker."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from demo.sizes.shape import (
    DAY_SLOTS,
    DAY_START,
    SLOT_MINUTES,
    TRACK_PATTERNS,
    TRACK_SIZE,
    WEEKDAYS,
    SiteShape,
)
from programs.models import Program


class Timetable:
    """Who and what is busy in which 15-minute slot of each weekday."""

    def __init__(self) -> None:
        self._busy: dict[tuple, int] = defaultdict(int)

    @staticmethod
    def _mask(first: int, count: int) -> int:
        return ((1 << count) - 1) << first

    def is_free(self, keys: list[tuple], day: int, first: int, count: int) -> bool:
        if first < 0 or first + count > DAY_SLOTS:
            return False
        mask = self._mask(first, count)
        return all(not self._busy[(key, day)] & mask for key in keys)

    def take(self, keys: list[tuple], day: int, first: int, count: int) -> None:
        mask = self._mask(first, count)
        for key in keys:
            self._busy[(key, day)] |= mask


def slot_of(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) - (DAY_START.hour * 60 + DAY_START.minute)) // (
        SLOT_MINUTES
    )


def time_of(slot: int) -> time:
    minutes = DAY_START.hour * 60 + DAY_START.minute + slot * SLOT_MINUTES
    return time(minutes // 60, minutes % 60)


def slots_for(minutes: int) -> int:
    return math.ceil(minutes / SLOT_MINUTES)


@dataclass
class PlannedTrack:
    name: str
    program: str
    weekdays: tuple[int, ...]
    start: time
    minutes: int
    room: int  # index into the site's rooms
    lead: int  # index into the site's counselors
    co: int | None
    members: list[int] = field(default_factory=list)  # patient indexes


@dataclass
class PlannedVisit:
    """A weekly (or every other week) individual session of one patient."""

    patient: int
    kind: str  # session type slug
    day: int
    slot: int
    minutes: int
    room: int
    staff: int
    parity: int | None = None  # None: every week; 0/1: even/odd weeks of the window


@dataclass
class PlannedPatient:
    program: str
    primary: int  # counselor index
    admitted: date
    absence_rate: float
    track: int | None = None


def plan_site(
    shape: SiteShape, rng: random.Random
) -> tuple[list[PlannedTrack], list[PlannedPatient], list[PlannedVisit]]:
    """One week's timetable of a site, free of double bookings by construction."""
    table = Timetable()
    hours = [0] * shape.counselors  # booked minutes per counselor, to share the load
    tracks = _plan_tracks(shape, table, hours)
    patients = _plan_patients(shape, table, tracks, rng)
    visits = _plan_visits(shape, table, patients, hours, rng)
    return tracks, patients, visits


PROGRAM_ORDER = (Program.Code.PHP, Program.Code.IOP, Program.Code.OP)


def _patients_in(shape: SiteShape, program: str) -> int:
    counts: dict[str, int] = {
        Program.Code.PHP: shape.php,
        Program.Code.IOP: shape.iop,
        Program.Code.OP: shape.op,
    }
    return counts[program]


def _least_busy(candidates, hours: list[int]) -> list[int]:
    return sorted(candidates, key=lambda c: (hours[c], c))


def _plan_tracks(shape: SiteShape, table: Timetable, hours: list[int]) -> list[PlannedTrack]:
    """Enough group tracks per program for its patients, in the group rooms."""
    group_rooms = list(range(shape.rooms // 2))
    tracks: list[PlannedTrack] = []
    letters: defaultdict[tuple[str, str], int] = defaultdict(int)
    for program in PROGRAM_ORDER:
        patterns = TRACK_PATTERNS[program]
        for n in range(math.ceil(_patients_in(shape, program) / TRACK_SIZE[program])):
            placed = _place_track(
                table,
                program,
                patterns,
                n,
                group_rooms,
                _least_busy(range(shape.counselors), hours),
            )
            if placed is None:
                continue
            label, days, start, minutes, room, lead, co = placed
            letters[(program, label)] += 1
            letter = chr(ord("A") + letters[(program, label)] - 1)
            tracks.append(
                PlannedTrack(
                    f"{program} {label} {letter}", program, days, start, minutes, room, lead, co
                )
            )
            for counselor in (lead, co):
                if counselor is not None:
                    hours[counselor] += minutes * len(days)
    return tracks


def _plan_patients(
    shape: SiteShape, table: Timetable, tracks: list[PlannedTrack], rng: random.Random
) -> list[PlannedPatient]:
    """The patients of each program, filling its tracks in turn, never above capacity."""
    patients: list[PlannedPatient] = []
    for program in PROGRAM_ORDER:
        own = [i for i, t in enumerate(tracks) if t.program == program]
        for n in range(_patients_in(shape, program)):
            index = len(patients)
            patient = PlannedPatient(
                program=program,
                primary=index % shape.counselors,
                admitted=date.min,  # set by the caller, relative to today
                absence_rate=rng.choice((0.03, 0.05, 0.08, 0.12, 0.3)),
            )
            for step in range(len(own)):
                track = tracks[own[(n + step) % len(own)]]
                if len(track.members) < TRACK_SIZE[program]:
                    patient.track = own[(n + step) % len(own)]
                    track.members.append(index)
                    for day in track.weekdays:
                        table.take(
                            [("patient", index)],
                            day,
                            slot_of(track.start),
                            slots_for(track.minutes),
                        )
                    break
            patients.append(patient)
    return patients


def _plan_visits(
    shape: SiteShape,
    table: Timetable,
    patients: list[PlannedPatient],
    hours: list[int],
    rng: random.Random,
) -> list[PlannedVisit]:
    """Each patient's individual sessions, drug screens and (for some) medication and
    family sessions, in the offices."""
    offices = list(range(shape.rooms // 2, shape.rooms))
    counselor_order = list(range(shape.counselors))
    visits: list[PlannedVisit] = []
    for index, patient in enumerate(patients):
        wanted: list[tuple[str, int, str, int | None]] = [
            ("individual-counseling", 50, "primary", None)
        ]
        wanted += [("drug-screening", 15, "any", None)] * (
            2 if patient.program == Program.Code.PHP else 1
        )
        if rng.random() < 0.3:
            wanted.append(("medication-management", 30, "any", None))
        if rng.random() < 0.2:
            wanted.append(("family-session", 60, "primary", rng.randint(0, 1)))
        for kind, minutes, who, parity in wanted:
            staff = [patient.primary] if who == "primary" else _least_busy(counselor_order, hours)
            visit = _place_visit(table, rng, index, kind, minutes, staff, offices, parity)
            if visit is not None:
                visits.append(visit)
                hours[visit.staff] += minutes
    return visits


def _place_track(table, program, patterns, n, rooms, counselors):
    for step in range(len(patterns)):
        label, days, start, minutes = patterns[(n + step) % len(patterns)]
        first, count = slot_of(start), slots_for(minutes)
        for room in rooms:
            if not all(table.is_free([("room", room)], d, first, count) for d in days):
                continue
            free = [
                c
                for c in counselors
                if all(table.is_free([("staff", c)], d, first, count) for d in days)
            ]
            if not free:
                continue
            lead = free[0]
            co = free[1] if program == Program.Code.PHP and len(free) > 1 else None
            keys = [("room", room), ("staff", lead)] + ([("staff", co)] if co is not None else [])
            for d in days:
                table.take(keys, d, first, count)
            return label, days, start, minutes, room, lead, co
    return None


def _place_visit(table, rng, patient, kind, minutes, staff, offices, parity):
    count = slots_for(minutes)
    days = list(WEEKDAYS)
    rng.shuffle(days)
    starts = list(range(0, DAY_SLOTS - count + 1))
    rng.shuffle(starts)
    for day in days:
        for first in starts:
            if not table.is_free([("patient", patient)], day, first, count):
                continue
            for person in staff:
                if not table.is_free([("staff", person)], day, first, count):
                    continue
                for room in offices:
                    keys = [("patient", patient), ("staff", person), ("room", room)]
                    if table.is_free(keys, day, first, count):
                        table.take(keys, day, first, count)
                        return PlannedVisit(
                            patient, kind, day, first, minutes, room, person, parity
                        )
    return None
