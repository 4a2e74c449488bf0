"""A counselor's private calendar feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.middleware import KEEP_CACHE_CONTROL
from scheduling import clinictime, feedcache, ical
from scheduling.forms import staff_name
from scheduling.models import CalendarFeed, Session
from scheduling.views.common import STAFF


@role_required(*STAFF)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("scheduling:ical-feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(request, "scheduling/calendar_feed.html", {"feed": feed, "feed_url": url})


@role_required(*STAFF)
@require_POST
def reset_calendar_feed(request: HttpRequest) -> HttpResponse:
    feed, created = CalendarFeed.objects.get_or_create(user=request.user)
    if not created:
        feed.reset()
        messages.success(
            request, "You have a new link. The old one no longer works: update your calendar app."
        )
    else:
        messages.success(request, "Your private calendar link is ready.")
    return redirect("scheduling:calendar-feed")


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the key. No patient data in it.

    Built once per version of the feed (scheduling.feedcache) and then answered from the
    cache, or with a 304 when the calendar app already holds this version."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    now = timezone.now()
    today = clinictime.local(now).date()
    body, etag = _body_and_etag(feed, now, today)
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["ETag"] = etag
    # no patient data: the app may keep it, but asks each time (ETag) whether it changed
    response["Cache-Control"] = "private, no-cache"
    setattr(response, KEEP_CACHE_CONTROL, True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _body_and_etag(
    feed: CalendarFeed, now: datetime, today: date
) -> tuple[Callable[[], bytes], str]:
    """The feed's body (built only when asked for) and its ETag: from the kept build of
    this version, or, when builds are not kept, built now and its own digest."""
    if not feedcache.enabled():
        body = _build(feed, now, today)
        return (lambda: body), feedcache.body_etag(body)
    cached = feedcache.entry(feed.user_id, today)

    def kept() -> bytes:
        body = feedcache.get_body(cached)
        if body is None:
            body = _build(feed, now, today)
            feedcache.set_body(cached, body)
        return body

    return kept, cached.etag


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _build(feed: CalendarFeed, now: datetime, today: date) -> bytes:
    # whole clinic days, so the body is the same all day until a session changes
    sessions = Session.objects.filter(
        counselor_links__counselor=feed.user,
        start__gte=clinictime.local_midnight(today - timedelta(days=ical.PAST_DAYS)),
        start__lt=clinictime.local_midnight(today + timedelta(days=ical.FUTURE_DAYS)),
    ).order_by("start", "pk")
    return ical.build_calendar(sessions, owner=staff_name(feed.user), now=now)
