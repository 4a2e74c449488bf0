"""The week grid: a counselor's own week, or any counselor's, room's or program's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.decorators import role_required
from accounts.roles import COUNSELOR, roles_of
from intake.models import Admission
from programs.models import Program
from scheduling import clinictime, feedcache, hooks
from scheduling.access import sees_everything
from scheduling.forms import (
    WeekForm,
    counselors,
    staff_name,
)
from scheduling.models import Attendee, Room, Session, Site
from scheduling.views.common import STAFF, week_query
from scheduling.weekcells import add_cells, grid_sessions, legend
from scheduling.weekgrid import build_week


@dataclass
class Scope:
    """Whose (or what) schedule the week shows."""

    label: str
    sessions: QuerySet[Session]
    show: str = ""
    shows_counselors: bool = False
    counselor_id: int | None = None  # one counselor's week: its cache follows their version
    program: Program | None = None  # a program's week: its sessions are chosen per week

    def starting_between(
        self, start: datetime, end: datetime, site_pk: int | None
    ) -> QuerySet[Session]:
        """The sessions that start in [start, end) (at the site): a range of the start
        index, where "overlaps the week" reads every session that ever started before
        its end."""
        sessions = self.sessions.filter(start__gte=start, start__lt=end)
        if site_pk is not None:
            sessions = sessions.filter(room__site=site_pk)
        if self.program is None:
            return sessions
        individual = _individual(self.program, sessions.filter(track__isnull=True))
        return sessions.filter(Q(track__program=self.program) | Q(pk__in=individual))


def _scope(user, show: str) -> Scope:
    kind, _, key = show.partition("-")
    if kind == "counselor":
        counselor = get_object_or_404(counselors(), pk=key)
        return Scope(
            f"{staff_name(counselor)}'s week",
            Session.objects.filter(counselor_links__counselor=counselor),
            show,
            counselor_id=counselor.pk,
        )
    if kind == "room":
        room = get_object_or_404(Room, pk=key)
        return Scope(f"{room.name}", Session.objects.filter(room=room), show, True)
    if kind == "program":
        program = get_object_or_404(Program, code=key)
        return _program_scope(program, show)
    if COUNSELOR in roles_of(user):
        return Scope(
            "My week", Session.objects.filter(counselor_links__counselor=user), counselor_id=user.pk
        )
    program = Program.objects.filter(code=Program.Code.IOP).first()
    if program is None:
        return Scope("All sessions", Session.objects.all(), shows_counselors=True)
    return _program_scope(program, f"program-{program.code}")


def _program_scope(program: Program, show: str) -> Scope:
    """The program's group sessions and the individual sessions of its patients in care."""
    label = f"{program.name} ({program.code})"
    return Scope(label, Session.objects.all(), show, shows_counselors=True, program=program)


def _individual(program: Program, sessions: QuerySet[Session]) -> QuerySet[Attendee]:
    """Which of these sessions (the individual ones of the week and site) the program's
    patients in care attend: asked of that week's sessions only, never as the set of
    every individual session its patients ever had (a set that grows with the clinic's
    history; hashing it cost most of the page)."""
    in_care = Admission.objects.filter(program=program, end_date__isnull=True).values("patient_id")
    return Attendee.objects.filter(
        session__in=sessions.values("pk"), patient_id__in=in_care
    ).values("session_id")


@role_required(*STAFF)
def schedule_home(request: HttpRequest) -> HttpResponse:
    url = reverse("scheduling:week")
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def _site_for(form: WeekForm, scope: Scope) -> Site | None:
    """The site a program's week shows: the one asked for, else the user's own, else the
    first. None where there is nothing to choose (one location, or a person's week)."""
    if not scope.shows_counselors or scope.show.startswith("room-") or "site" not in form.fields:
        return None
    choices = dict(form.fields["site"].choices)
    asked = form.cleaned_data.get("site") if form.is_bound and form.is_valid() else None
    pk = asked or next((pk for pk in form.own_sites if pk in choices), None)
    pk = pk or next(iter(choices))
    return Site(pk=pk, name=choices[pk])


@role_required(*STAFF)
def week(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = clinictime.today()
    form = WeekForm(request.GET or None, can_choose=sees_everything(user), user_id=user.pk)
    day, show = today, ""
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["date"] or today
        show = form.cleaned_data.get("show", "")
    monday = clinictime.monday_of(day)
    scope = _scope(user, show)
    site = _site_for(form, scope)
    if not form.is_bound:
        form.initial = {"date": day, "show": scope.show, "site": site and site.pk}
    elif site is not None and not form.data.get("site"):
        form.data = form.data.copy()  # the select shows the site drawn
        form.data["site"] = str(site.pk)
    site_pk = site.pk if site else None
    return render(
        request,
        "scheduling/week.html",
        {
            "form": form,
            "grid_html": _grid_html(scope, site_pk, monday, today),
            "scope": scope,
            "site": site,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "is_this_week": monday == clinictime.monday_of(today),
            "previous_url": week_query(monday - timedelta(days=7), scope.show, site_pk),
            "next_url": week_query(monday + timedelta(days=7), scope.show, site_pk),
            "today_url": week_query(today, scope.show, site_pk),
            "can_book": True,
            "panels": hooks.week_panels(request, monday, today),
        },
    )


def _grid_html(scope: Scope, site_pk: int | None, monday: date, today: date) -> str:
    """The grid and its legend, built once per version of the schedule it shows
    (scheduling.feedcache) and kept in the cache: the same for everyone who may see it."""
    what = f"{scope.show or 'own'}:{scope.counselor_id}:{site_pk}:{monday}:{today}"
    key = (
        feedcache.grid_key(counselor_id=scope.counselor_id, what=what)
        if feedcache.enabled()
        else None
    )
    html = cache.get(key) if key else None
    if html is None:
        html = _build_grid(scope, site_pk, monday, today)
        if key:
            cache.set(key, html, feedcache.GRID_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)


def _build_grid(scope: Scope, site_pk: int | None, monday: date, today: date) -> str:
    # the grid draws the sessions that start in the week (weekgrid leaves out one begun
    # the Sunday before)
    sessions = scope.starting_between(*clinictime.week_bounds(monday), site_pk)
    items = grid_sessions(sessions, shows_counselors=scope.shows_counselors)
    grid = build_week(items, monday=monday, today=today)
    add_cells(grid.days, shows_counselors=scope.shows_counselors)
    return render_to_string(
        "scheduling/_week_grid.html",
        {"grid": grid, "monday": monday, "legend": legend(items)},
    )
