"""Rooms, session types, group tracks (a weekly rule plus per-occurrence exceptions),
rolling track enrollment, sessions and their attendees.

Times are stored in UTC and shown in the clinic's zone (settings.TIME_ZONE). Nobody and
nothing is double-booked: exclusion constraints over time ranges make PostgreSQL refuse
a second booking of a room (on Session), a counselor (on SessionCounselor) or a patient
(on Attendee). The two link tables carry a copy of their session's start, end and
"is it scheduled" so the constraint can see them; scheduling.services keeps the copies in
step, in the same transaction as every change to a session.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import (
    ArrayField,
    DateRangeField,
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.db import models
from django.db.models import Count, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from programs.models import Program
from scheduling import clinictime


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class DateRangeOf(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


# half-open [start, end): a session ending at 10:00 and one starting at 10:00 do not clash
DURING = TsTzRange("start", "end", RangeBoundary())


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Site(models.Model):
    """One of the clinic's locations: its rooms, and the staff who work there (whose
    program week opens on it)."""

    name = models.CharField(max_length=60, unique=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="sites",
        blank=True,
        help_text="Their program's week opens on this site.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    name = models.CharField(max_length=60, unique=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="rooms"
    )
    seats = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField("in use", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SessionType(models.Model):
    """Group therapy, individual counseling, ...: each with a default length."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)
    default_minutes = models.PositiveSmallIntegerField()
    is_group = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    INDIVIDUAL = "individual-counseling"
    GROUP = "group-therapy"

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TrackQuerySet(models.QuerySet):
    def active_between(self, start: date, end: date) -> TrackQuerySet:
        """Tracks running on at least one day of [start, end)."""
        return self.filter(first_date__lt=end).filter(
            Q(last_date__isnull=True) | Q(last_date__gte=start)
        )


class Track(models.Model):
    """A program's recurring weekly group: the rule a series of sessions comes from."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(max_length=80, unique=True)
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="tracks")
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        help_text="Days of the week the group meets (0 is Monday).",
    )
    start_time = models.TimeField(help_text="Clinic time.")
    length_minutes = models.PositiveSmallIntegerField("length (minutes)")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="tracks")
    lead_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_tracks"
    )
    co_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cofacilitated_tracks",
    )
    capacity = models.PositiveSmallIntegerField()
    first_date = models.DateField()
    last_date = models.DateField(
        null=True, blank=True, help_text="Empty: runs until further notice."
    )
    # set when the rest of the series was cancelled (the last date moved to the day before)
    series_cancel_reason = models.TextField(blank=True)
    series_cancelled_from = models.DateField(null=True, blank=True)
    series_cancelled_at = models.DateTimeField(null=True, blank=True)
    series_cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["program__intensity", "start_time", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__isnull=True) | Q(last_date__gte=models.F("first_date")),
                name="track_last_date_after_first",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="track_capacity_positive"),
            models.CheckConstraint(
                condition=Q(length_minutes__gte=5), name="track_length_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scheduling:track-detail", args=[self.pk])

    @property
    def weekdays_display(self) -> str:
        return ", ".join(Weekday(day).label[:3] for day in sorted(self.weekdays))

    @property
    def end_time(self) -> time:
        moment = datetime.combine(date(2000, 1, 3), self.start_time)
        return (moment + timedelta(minutes=self.length_minutes)).time()

    def runs_on(self, day: date) -> bool:
        if day < self.first_date or (self.last_date and day > self.last_date):
            return False
        return day.weekday() in self.weekdays

    def occurrence_dates(self, start: date, end: date) -> list[date]:
        """Dates in [start, end) the rule puts a session on."""
        days = (end - start).days
        return [
            start + timedelta(n) for n in range(max(days, 0)) if self.runs_on(start + timedelta(n))
        ]

    def occurrence_times(self, day: date) -> tuple[datetime, datetime]:
        """Aware UTC start and end of the occurrence on `day` (local start time, real length)."""
        start = clinictime.local_to_utc(day, self.start_time)
        return start, start + timedelta(minutes=self.length_minutes)

    def peak_enrollment(self, since: date) -> int:
        """The most patients enrolled on any one day from `since` on."""
        rows = list(self.enrollments.overlapping(since, None))
        # the head count only rises on someone's first day, so those are the days to check
        days = {since} | {e.joined for e in rows if e.joined > since}
        return max((sum(e.is_active_on(day) for e in rows) for day in days), default=0)

    def counselor_ids(self) -> list[int]:
        ids = [self.lead_counselor_id]
        if self.co_facilitator_id and self.co_facilitator_id != self.lead_counselor_id:
            ids.append(self.co_facilitator_id)
        return ids


class TrackEnrollmentQuerySet(models.QuerySet):
    def on(self, day: date) -> TrackEnrollmentQuerySet:
        """Enrolled on `day`: joined on or before it, not yet left (left is exclusive)."""
        return self.filter(joined__lte=day).filter(Q(left__isnull=True) | Q(left__gt=day))

    def overlapping(self, start: date, end: date | None) -> TrackEnrollmentQuerySet:
        qs = self.filter(Q(left__isnull=True) | Q(left__gt=start))
        return qs if end is None else qs.filter(joined__lt=end)


class TrackEnrollment(models.Model):
    """A patient's membership of a track from `joined` until the day before `left`."""

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="enrollments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="track_enrollments")
    joined = models.DateField()
    left = models.DateField(
        null=True, blank=True, help_text="First day no longer in the group. Empty: still enrolled."
    )
    # why a patient whose care does not match the track (no admission to its program on
    # the joining date, e.g. a PHP patient in an IOP evening group while stepping down) is in it
    exception_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrackEnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["joined", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gt=models.F("joined")),
                name="enrollment_left_after_joined",
            ),
            ExclusionConstraint(
                name="enrollment_no_overlap",
                expressions=[
                    ("track", RangeOperators.EQUAL),
                    ("patient", RangeOperators.EQUAL),
                    (DateRangeOf("joined", "left", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"Enrollment {self.pk} in {self.track}"

    def is_active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)

    @property
    def is_exception(self) -> bool:
        return bool(self.exception_reason)

    @property
    def last_day(self) -> date | None:
        return self.left - timedelta(days=1) if self.left else None


class SessionQuerySet(models.QuerySet):
    def scheduled(self) -> SessionQuerySet:
        return self.filter(status=Session.Status.SCHEDULED)

    def between(self, start: datetime, end: datetime) -> SessionQuerySet:
        """Sessions overlapping [start, end)."""
        return self.filter(start__lt=end, end__gt=start)

    def in_week(self, monday: date) -> SessionQuerySet:
        return self.between(*clinictime.week_bounds(monday))

    def for_calendar(self) -> SessionQuerySet:
        """What a week grid or a feed shows, in a fixed number of queries."""
        return (
            self.select_related("session_type", "track", "room")
            .annotate(
                attendee_count=Count("attendees", distinct=True),
            )
            .order_by("start", "pk")
        )

    def for_grid(self, *, counselor_names: bool = False) -> SessionQuerySet:
        """What a week grid draws, in one query: the type, track and room joined, the
        attendee count and (for grids of many counselors) the counselors' names as
        subqueries, so no row is multiplied and nothing is fetched per session."""
        attendees = (
            Attendee.objects.filter(session=OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = self.select_related("session_type", "track", "room").annotate(
            attendee_count=Coalesce(Subquery(attendees), 0)
        )
        if counselor_names:
            links = (
                SessionCounselor.objects.filter(session=OuterRef("pk"))
                .order_by("pk")
                .values_list(staff_name_sql("counselor__"))
            )
            qs = qs.annotate(counselor_names=ArraySubquery(links))
        return qs.order_by("start", "pk")


def staff_name_sql(prefix: str = "") -> Coalesce:
    """A user's name as the pages show it (get_full_name(), else the username), as an
    SQL expression over the user at `prefix` ("counselor__": a link's counselor)."""
    full = Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name")
    return Coalesce(NullIf(Trim(full), Value("")), f"{prefix}username")


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="sessions")
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    # the date of the track's rule this session comes from (kept when the session is moved)
    occurrence_date = models.DateField(null=True, blank=True)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField()
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions")
    counselors: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SessionCounselor", related_name="sessions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    # exceptions to the series: this occurrence no longer follows its track's rule
    is_moved = models.BooleanField(default=False)
    is_edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(track__isnull=True, occurrence_date__isnull=True)
                | Q(track__isnull=False, occurrence_date__isnull=False),
                name="session_series_has_occurrence_date",
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | ~Q(cancel_reason=""),
                name="session_cancel_has_reason",
            ),
            models.UniqueConstraint(
                fields=["track", "occurrence_date"], name="session_one_per_track_occurrence"
            ),
            ExclusionConstraint(
                name="session_room_not_double_booked",
                expressions=[(DURING, RangeOperators.OVERLAPS), ("room", RangeOperators.EQUAL)],
                condition=Q(status="scheduled"),
                violation_error_message="The room is already booked at that time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {clinictime.span_display(self.start, self.end)}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:session-detail", args=[self.pk])

    @property
    def title(self) -> str:
        if self.track is not None:
            return f"{self.track.name}: {self.session_type.name}"
        return self.session_type.name

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_individual(self) -> bool:
        return self.track_id is None

    @property
    def is_exception(self) -> bool:
        return self.is_moved or self.is_edited or self.is_cancelled

    def has_started(self, now: datetime | None = None) -> bool:
        return self.start <= (now or timezone.now())

    def describe(self) -> str:
        """Type, track, clinic time and room: how a clash message names a session."""
        return f"{self.title}, {clinictime.span_display(self.start, self.end)}, {self.room.name}"


class SessionCounselor(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="counselor_links")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_links"
    )
    # copies of the session's, for the constraint (kept in step by scheduling.services)
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "counselor"], name="session_counselor_once"),
            ExclusionConstraint(
                name="counselor_not_double_booked",
                expressions=[
                    (DURING, RangeOperators.OVERLAPS),
                    ("counselor", RangeOperators.EQUAL),
                ],
                condition=Q(active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Counselor {self.counselor_id} in session {self.session_id}"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


PARTIAL_ATTENDANCE = (Attendance.LATE, Attendance.LEFT_EARLY)


class Attendee(models.Model):
    """A patient in a session and, once taken, their attendance."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendees")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="attendances")
    attendance = models.CharField(max_length=12, choices=Attendance.choices, blank=True)
    minutes_attended = models.PositiveSmallIntegerField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # copies of the session's, for the constraint (kept in step by scheduling.services)
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["patient__legal_last_name", "patient__legal_first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "patient"], name="attendee_once_per_session"
            ),
            ExclusionConstraint(
                name="patient_not_double_booked",
                expressions=[(DURING, RangeOperators.OVERLAPS), ("patient", RangeOperators.EQUAL)],
                condition=Q(active=True),
            ),
            models.CheckConstraint(
                condition=Q(attendance="", minutes_attended__isnull=True)
                | (~Q(attendance="") & Q(minutes_attended__isnull=False)),
                name="attendee_minutes_with_attendance",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendee {self.pk} of session {self.session_id}"

    @property
    def is_marked(self) -> bool:
        return bool(self.attendance)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A counselor's private iCal subscription: whoever holds the token reads the feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

    def reset(self) -> None:
        self.token = new_feed_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])
