"""A counselor's private calendar feed."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from scheduling import ical
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
    """Public by design: the unguessable token is the key. No patient data in it."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            counselor_links__counselor=feed.user,
            start__gte=now - timedelta(days=ical.PAST_DAYS),
            start__lt=now + timedelta(days=ical.FUTURE_DAYS),
        )
        .select_related("session_type", "track", "room")
        .order_by("start")
    )
    body = ical.build_calendar(sessions, owner=staff_name(feed.user), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
